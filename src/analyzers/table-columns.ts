import type { TabularData } from '../core/catalog/checklist/apply-checklist.js';
import { CoreError } from '../core/errors.js';
import { indexHeaders } from '../core/table-headers.js';

/** A documented column of an analyzer's CSV/XLSX template: a zh-TW and an English header. */
export interface ColumnSpec {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  readonly required: boolean;
}

type RowOf<C extends readonly ColumnSpec[]> = { readonly rowNumber: number } & {
  readonly [K in C[number] as K['key']]: K['required'] extends true ? string : string | null;
};

/**
 * Reads template rows by header (zh-TW, English, or both as `主機名稱 / hostname`). A missing
 * required column or an empty required cell is an error naming file, row and column.
 */
export function readColumns<C extends readonly ColumnSpec[]>(data: TabularData, columns: C): RowOf<C>[] {
  const index = indexHeaders(
    data.headers,
    columns.map((c) => ({ key: c.key, names: [c.zh, c.en] })),
  );
  for (const c of columns) {
    if (c.required && !index.has(c.key)) {
      throw new CoreError(
        'CHECKLIST_MISSING_COLUMN',
        `${data.fileName}: row 1: the column "${c.zh} / ${c.en}" is missing`,
        { column: c.zh, columnEn: c.en },
        { file: data.fileName, row: 1, field: `${c.zh} / ${c.en}` },
      );
    }
  }
  const rows: RowOf<C>[] = [];
  for (const r of data.rows) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const row: Record<string, string | number | null> = { rowNumber: r.rowNumber };
    for (const c of columns) {
      const i = index.get(c.key);
      const v = i === undefined ? '' : (r.cells[i] ?? '').trim();
      if (c.required && v === '') {
        throw new CoreError(
          'CHECKLIST_INVALID_VALUE',
          `${data.fileName}: row ${r.rowNumber}, column ${c.zh} / ${c.en}: empty`,
          { value: '', what: 'empty' },
          { file: data.fileName, row: r.rowNumber, field: `${c.zh} / ${c.en}` },
        );
      }
      row[c.key] = v === '' ? null : v;
    }
    rows.push(row as RowOf<C>);
  }
  return rows;
}
