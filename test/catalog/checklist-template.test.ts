import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { checklistTemplate } from '../../src/reports/checklist-template.js';
import { offlineCatalogStore } from '../../src/services/catalog-service.js';

const version = (await offlineCatalogStore('/nonexistent-ccheck-home').get('2023-08-23')).version;

// The template is built outside the CLI (issue 10: no workbook building in src/cli); the shell writes these bytes.
describe('checklist template bytes', () => {
  it('CSV: UTF-8 with BOM, the import columns, one row per item, elided text left empty', async () => {
    const { bytes, rows } = await checklistTemplate(version, 'Checklist.CSV');
    expect(rows).toBe(version.nodes.length);
    const text = Buffer.from(bytes).toString('utf8');
    expect(text.startsWith('\uFEFF項次 / path,控制代碼 / cc_code,標題 / title,條文 / text,英文條文 / text_en,查核頻率 / frequency\r\n')).toBe(true);
    expect(text).toContain('\r\n7/(1)/g,CC-17010,網路系統功能檢查,,,');
  });

  it('XLSX: a workbook with the same rows, header frozen', async () => {
    const { bytes, rows } = await checklistTemplate(version, 'checklist.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('checklist')!;
    expect(ws.rowCount).toBe(rows + 1);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('another file type is refused with its code', async () => {
    await expect(checklistTemplate(version, 'checklist.pdf')).rejects.toSatisfy((e) => e instanceof CoreError && e.code === 'INPUT_UNSUPPORTED_FORMAT');
  });
});
