import ExcelJS from 'exceljs';
import { CHECKLIST_COLUMNS } from '../core/catalog/checklist/apply-checklist.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import { csvDocument } from '../core/csv.js';
import { CoreError } from '../core/errors.js';

/** The checklist of a version for a firm to complete: one row per item, the columns `catalog import-checklist` reads back. */
export function checklistRows(version: CatalogVersion): { headers: string[]; rows: string[][] } {
  const headers = CHECKLIST_COLUMNS.map((c) => `${c.zh} / ${c.en}`);
  const rows = version.nodes.map((n) => [
    n.path,
    n.code ?? '',
    n.title ?? '',
    // An elided item's text is what the firm fills in: left empty, never the placeholder.
    n.status === 'elided' ? '' : (n.text ?? ''),
    n.textEn ?? '',
    n.frequency ?? '',
  ]);
  return { headers, rows };
}

/**
 * The checklist template as the bytes of a `.csv` or `.xlsx` file (by the name's ending), so that
 * the shell only writes what it is given. Another ending is INPUT_UNSUPPORTED_FORMAT.
 */
export async function checklistTemplate(version: CatalogVersion, fileName: string): Promise<{ bytes: Uint8Array; rows: number }> {
  const { headers, rows } = checklistRows(version);
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return { bytes: Buffer.from(csvDocument([headers, ...rows]), 'utf8'), rows: rows.length };
  if (!lower.endsWith('.xlsx')) throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${fileName}: expected a .xlsx or .csv file name`, {}, { file: fileName });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('checklist');
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => (v === '' ? null : v))); // empty cells, not empty strings
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: 'A1', to: 'F1' };
  [14, 12, 28, 80, 40, 12].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return { bytes: new Uint8Array(await wb.xlsx.writeBuffer()), rows: rows.length };
}
