import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../core/errors.js';
import { workbookParts, writeZip } from '../../test/helpers/zip-writer.js';
import { readTableFile } from './read-table-file.js';
import { readXlsxFirstRow, XLSX_LIMITS } from './xlsx-archive.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-xlsx-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const put = (name: string, bytes: Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string; params: CoreError['params'] }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return { code: e.code, message: e.message, params: e.params };
    throw e;
  }
  throw new Error('expected a CoreError');
}

/** A sheet of `bytes` spaces inside one row: deflate packs it about 1,000 to 1. */
const spaces = (bytes: number) =>
  Buffer.concat([
    Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x'),
    Buffer.alloc(bytes, 0x20),
    Buffer.from('</t></is></c></row></sheetData></worksheet>'),
  ]);

describe('XLSX archives are checked before anything is inflated (zip bombs)', () => {
  it('refuses an archive that declares more unpacked bytes than a workbook needs', async () => {
    const file = put('bomb.xlsx', writeZip(workbookParts(spaces(XLSX_LIMITS.maxTotalUncompressed + 1024))));
    const e = await codeOf(readTableFile(file));
    expect(e.code).toBe('INPUT_ARCHIVE_SUSPICIOUS');
    expect(e.message).toContain('bomb.xlsx');
    expect(e.message).toMatch(/declares more than \d+ bytes unpacked/);
    expect((await codeOf(readXlsxFirstRow(file))).code).toBe('INPUT_ARCHIVE_SUSPICIOUS');
  });

  it('refuses an entry whose compression ratio no spreadsheet reaches', async () => {
    const file = put('ratio.xlsx', writeZip(workbookParts(spaces(4 * 1024 * 1024))));
    const e = await codeOf(readTableFile(file));
    expect(e.code).toBe('INPUT_ARCHIVE_SUSPICIOUS');
    expect(e.message).toMatch(/xl\/worksheets\/sheet1\.xml unpacks \d+ times its size \(limit 200\)/);
    expect(String(e.params.reason_zh)).toContain('壓縮比');
  });

  it('catches an entry that inflates past the size it declares, at that size', async () => {
    const parts = workbookParts(spaces(20 * 1024 * 1024));
    const lying = parts.map((p) => (p.name === 'xl/worksheets/sheet1.xml' ? { ...p, declaredSize: 4096 } : p));
    const file = put('liar.xlsx', writeZip(lying));
    const e = await codeOf(readTableFile(file));
    expect(e.code).toBe('INPUT_ARCHIVE_SUSPICIOUS');
    expect(e.message).toContain('does not match its declared size');
  });

  it('says a file that is not a zip could not be read as a workbook, with its own zh-TW text', async () => {
    const file = put('report.xlsx', Buffer.from('this is a PDF, renamed\n'));
    const e = await codeOf(readTableFile(file));
    expect(e.code).toBe('INPUT_UNSUPPORTED_FORMAT');
    expect(e.params.context).toBe('workbook');
    expect(e.message).toContain('not a readable XLSX workbook');
  });
});

describe('readXlsxFirstRow (content recognition without unpacking the workbook)', () => {
  it('gives the same header as the full reader: shared strings, rich text, numbers, gaps', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('清冊');
    ws.getRow(1).values = ['主機名稱 / hostname', '廠牌 & vendor', 42, '', '<作業系統>'];
    ws.getCell('D1').value = { richText: [{ text: '版' }, { text: '本' }] };
    ws.getCell('G1').value = ' role ';
    ws.addRow(['fw-01', 'Fortinet', 1, '7.0', 'FortiOS', '', 'firewall']);
    wb.addWorksheet('second').addRow(['not', 'this']);
    const file = path.join(dir, 'inventory.xlsx');
    await wb.xlsx.writeFile(file);
    const full = await readTableFile(file);
    expect(await readXlsxFirstRow(file)).toEqual(full.headers);
    expect(full.headers).toEqual(['主機名稱 / hostname', '廠牌 & vendor', '42', '版本', '<作業系統>', '', 'role']);
  });

  it('reads inline strings, and gives no header when row 1 is empty', async () => {
    const inline = put(
      'inline.xlsx',
      writeZip(workbookParts('<worksheet><sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>動作 / action</t></is></c></row></sheetData></worksheet>')),
    );
    expect(await readXlsxFirstRow(inline)).toEqual(['', '動作 / action']);
    const later = put(
      'later.xlsx',
      writeZip(workbookParts('<worksheet><sheetData><row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')),
    );
    expect(await readXlsxFirstRow(later)).toEqual([]);
  });
});
