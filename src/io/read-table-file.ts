import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import path from 'node:path';
import type { TabularData } from '../core/catalog/checklist/apply-checklist.js';
import { CoreError } from '../core/errors.js';
import { CONTROL_CHARACTERS, codePointOf } from '../core/control-characters.js';
import { decodeText, readBytes, sha256Hex, type TextEncoding } from './read-text-file.js';
import { assertSafeXlsx, XLSX_LIMITS } from './xlsx-archive.js';

export interface TableFile extends TabularData {
  readonly sha256: string;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result);
    if ('error' in value) return String(value.error);
    if ('hyperlink' in value) return value.hyperlink;
    return '';
  }
  return String(value);
}

/**
 * Reads a CSV (UTF-8 or Big5) or an XLSX sheet into header + rows, keeping the row numbers a
 * person sees in Excel so that errors point at the right row.
 */
export async function readTableFile(file: string, options: { sheet?: string; encoding?: TextEncoding } = {}): Promise<TableFile> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv' && ext !== '.txt' && ext !== '.tsv')
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: expected a .xlsx or .csv file`, { ext, context: 'extension' }, { file });
  return parseTableBytes(await readBytes(file, ext === '.xlsx' ? XLSX_LIMITS.maxFileBytes : undefined), file, options);
}

/** The same from bytes already read; the file's extension decides the format. */
export async function parseTableBytes(bytes: Buffer, file: string, options: { sheet?: string; encoding?: TextEncoding } = {}): Promise<TableFile> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx') {
    // Sizes and ratios from the archive's directory before exceljs inflates anything (zip bombs).
    await assertSafeXlsx(bytes, file);
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch (e) {
      const detail = e instanceof Error ? e.message || e.name : String(e);
      throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: not a readable XLSX workbook (${detail})`, { context: 'workbook', detail }, { file });
    }
    const ws = options.sheet ? wb.getWorksheet(options.sheet) : wb.worksheets[0];
    if (!ws) {
      throw new CoreError(
        'INPUT_UNSUPPORTED_FORMAT',
        `${file}: no sheet ${options.sheet ? `"${options.sheet}"` : 'in the workbook'}`,
        { context: 'sheet', sheet: options.sheet ?? '' },
        { file, field: 'sheet' },
      );
    }
    const width = ws.columnCount;
    const rowCells = (r: ExcelJS.Row) => Array.from({ length: width }, (_, i) => cellText(r.getCell(i + 1).value).trim());
    const headers = rowCells(ws.getRow(1));
    const rows: { rowNumber: number; cells: string[] }[] = [];
    ws.eachRow((r, n) => {
      if (n > 1) rows.push({ rowNumber: n, cells: rowCells(r) });
    });
    return { fileName: file, headers, rows, sha256: sha256Hex(bytes) };
  }
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') {
    const t = decodeText(bytes, file, options.encoding);
    let records: string[][];
    try {
      const parsed: unknown = parseCsv(t.text, { delimiter: ext === '.tsv' ? '\t' : ',', relax_column_count: true, skip_empty_lines: false, bom: true });
      records = parsed as string[][];
    } catch (e) {
      const err = e as Error & { lines?: number };
      throw new CoreError(
        'INPUT_UNSUPPORTED_FORMAT',
        `${file}: line ${err.lines ?? '?'}: not valid CSV (${err.message})`,
        { context: 'csv', detail: err.message },
        { file, line: err.lines },
      );
    }
    // A NUL or other control character in a cell is a binary file or a damaged export, and would be stored as is.
    for (const [r, cells] of records.entries()) {
      const c = cells.findIndex((cell) => CONTROL_CHARACTERS.test(cell));
      if (c >= 0) {
        const cp = codePointOf(cells[c]!);
        throw new CoreError(
          'INPUT_CONTROL_CHARACTER',
          `${file}: row ${r + 1}, column ${c + 1}: the cell contains the control character ${cp}`,
          { char: cp },
          { file, row: r + 1, field: records[0]?.[c] ?? `column ${c + 1}` },
        );
      }
    }
    const [headers = [], ...rest] = records;
    return { fileName: file, headers, rows: rest.map((cells, i) => ({ rowNumber: i + 2, cells })), sha256: sha256Hex(bytes) };
  }
  throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: expected a .xlsx or .csv file`, { ext, context: 'extension' }, { file });
}
