import { CoreError } from '../../errors.js';
import type { IsoDate } from '../../dates.js';
import { isValidPath, parentPathOf, type Frequency } from '../catalog-node.js';
import { createCatalogVersion, type CatalogVersion } from '../catalog-version.js';
import { comparisonKey } from '../interpret-content.js';
import type { MechanismReference } from '../mechanism-reference.js';
import { draftOf, elidedDraft, resolveNodes, type NodeDraft } from '../resolve-nodes.js';
import { indexHeaders } from '../../table-headers.js';

/** A sheet or CSV as read by a shell: header cells and data rows (row numbers as the user sees them). */
export interface TabularData {
  readonly fileName: string;
  readonly headers: readonly string[];
  readonly rows: readonly { readonly rowNumber: number; readonly cells: readonly string[] }[];
}

type ColumnKey = 'path' | 'code' | 'title' | 'text' | 'textEn' | 'frequency';

/** The documented columns of a firm's checklist; either the zh-TW or the English header works. */
export const CHECKLIST_COLUMNS: readonly { key: ColumnKey; zh: string; en: string; required: boolean; aliases: readonly string[] }[] = [
  { key: 'path', zh: '項次', en: 'path', required: true, aliases: ['item'] },
  { key: 'code', zh: '控制代碼', en: 'cc_code', required: false, aliases: ['cc代碼', 'code', 'cc code'] },
  { key: 'title', zh: '標題', en: 'title', required: false, aliases: [] },
  { key: 'text', zh: '條文', en: 'text', required: true, aliases: ['條文內容'] },
  { key: 'textEn', zh: '英文條文', en: 'text_en', required: false, aliases: ['english'] },
  { key: 'frequency', zh: '查核頻率', en: 'frequency', required: false, aliases: ['頻率'] },
];

export interface ChecklistRow {
  readonly rowNumber: number;
  readonly path: string;
  readonly code: string | null;
  readonly title: string | null;
  readonly text: string | null;
  readonly textEn: string | null;
  readonly frequency: Frequency | null;
}

const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

const PATH_LOOSE = /^(\d{1,2})[、.．\s/]*(?:[（(](\d{1,2})[）)])?[.\s/]*([a-z])?[.．\s/]*(?:[（(]([a-z])[）)])?$/;

/** Accepts the printed form `7/(1)/d/(a)` and how people type it in sheets: `7(1)d(a)`, `7.(1).d.(a)`. */
export function normalizePath(input: string): string | null {
  const t = input.normalize('NFKC').trim();
  if (isValidPath(t)) return t;
  const m = PATH_LOOSE.exec(t.replace(/\s+/g, ''));
  if (!m) return null;
  const [, p, s, i, si] = m;
  if (si && !i) return null;
  if (i && !s) return null;
  const labels = [p, s ? `(${s})` : null, i ?? null, si ? `(${si})` : null].filter((x): x is string => x !== null && x !== undefined);
  const path = labels.join('/');
  return isValidPath(path) ? path : null;
}

const FREQUENCY_VALUES: Record<string, Frequency> = {
  每月: 'monthly',
  月: 'monthly',
  monthly: 'monthly',
  每月查核: 'monthly',
  半年: 'semiannual',
  每半年: 'semiannual',
  半年查核: 'semiannual',
  semiannual: 'semiannual',
  'semi-annual': 'semiannual',
  年度: 'annual',
  每年: 'annual',
  年度查核: 'annual',
  annual: 'annual',
  yearly: 'annual',
};

/** Reads and checks every row; the first problem is reported with its row and column. */
export function readChecklistRows(data: TabularData): ChecklistRow[] {
  const index = indexHeaders(
    data.headers,
    CHECKLIST_COLUMNS.map((c) => ({ key: c.key, names: [c.zh, c.en, ...c.aliases] })),
  );
  for (const c of CHECKLIST_COLUMNS) {
    if (c.required && !index.has(c.key)) {
      throw new CoreError(
        'CHECKLIST_MISSING_COLUMN',
        `${data.fileName}: row 1: the column "${c.zh} / ${c.en}" is missing (found: ${data.headers.filter((h) => h.trim()).join(', ') || 'no headers'})`,
        { column: c.zh, columnEn: c.en },
        { file: data.fileName, row: 1, field: `${c.zh} / ${c.en}` },
      );
    }
  }
  const cell = (cells: readonly string[], key: ColumnKey) => {
    const i = index.get(key);
    const v = i === undefined ? '' : (cells[i] ?? '').trim();
    return v === '' ? null : v;
  };
  const fail = (rowNumber: number, key: ColumnKey, what: string, value: string): never => {
    const col = CHECKLIST_COLUMNS.find((c) => c.key === key)!;
    throw new CoreError(
      'CHECKLIST_INVALID_VALUE',
      `${data.fileName}: row ${rowNumber}, column ${col.zh} / ${col.en}: ${what}: "${value}"`,
      { value, what },
      { file: data.fileName, row: rowNumber, field: `${col.zh} / ${col.en}` },
    );
  };

  const rows: ChecklistRow[] = [];
  const seen = new Map<string, number>();
  for (const r of data.rows) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const rawPath = cell(r.cells, 'path');
    if (!rawPath) fail(r.rowNumber, 'path', 'the item path is empty', '');
    const p = normalizePath(rawPath!);
    if (!p) fail(r.rowNumber, 'path', 'not an item path such as 7/(1)/d/(a)', rawPath!);
    const earlier = seen.get(p!);
    if (earlier !== undefined) {
      throw new CoreError(
        'CHECKLIST_DUPLICATE_PATH',
        `${data.fileName}: row ${r.rowNumber}: item ${p} already appears on row ${earlier}`,
        { path: p!, row: earlier },
        { file: data.fileName, row: r.rowNumber, field: '項次 / path' },
      );
    }
    seen.set(p!, r.rowNumber);
    const code = cell(r.cells, 'code');
    if (code && !/^CC-\d{5}$/.test(code)) fail(r.rowNumber, 'code', 'not a CC code such as CC-17010', code);
    const freqRaw = cell(r.cells, 'frequency');
    const frequency = freqRaw ? (FREQUENCY_VALUES[norm(freqRaw)] ?? null) : null;
    if (freqRaw && !frequency) fail(r.rowNumber, 'frequency', 'not a frequency (每月 / 半年 / 年度, monthly / semiannual / annual)', freqRaw);
    const title = cell(r.cells, 'title');
    const text = cell(r.cells, 'text');
    // A row with a path and nothing to say is a template row the firm has not filled (yet).
    if (!title && !text && !code && !freqRaw && !cell(r.cells, 'textEn')) continue;
    rows.push({ rowNumber: r.rowNumber, path: p!, code, title, text, textEn: cell(r.cells, 'textEn'), frequency });
  }
  if (rows.length === 0) {
    throw new CoreError('CHECKLIST_EMPTY', `${data.fileName}: no filled item rows below the header`, {}, { file: data.fileName, row: 2 });
  }
  return rows;
}

export interface ChecklistConflict {
  readonly path: string;
  readonly row: number;
  readonly field: 'text' | 'title' | 'code' | 'frequency';
  readonly catalog: string;
  readonly checklist: string;
}

export interface ChecklistImport {
  readonly version: CatalogVersion;
  /** Elided items whose text the checklist supplied. */
  readonly filled: readonly string[];
  /** Items the base version does not have at all (beyond 以下略, or under an elided point). */
  readonly added: readonly string[];
  /** Where the checklist disagrees with printed regulation text: the regulation's words are kept. */
  readonly conflicts: readonly ChecklistConflict[];
  /** Parents created as elided placeholders because only their children were in the checklist. */
  readonly createdParents: readonly string[];
}

/**
 * Derives a new version from a base version and a firm's full checklist: elided (略) items get
 * the firm's text, missing items are added, and printed text is never overwritten — where the
 * firm's copy differs from the regulation, the difference is reported as a conflict.
 */
export function applyChecklist(
  base: CatalogVersion,
  rows: readonly ChecklistRow[],
  target: { id: string; effectiveDate?: IsoDate | null; fileName: string; sha256: string },
  reference: MechanismReference,
): ChecklistImport {
  const drafts = new Map<string, NodeDraft>(base.nodes.map((n) => [n.path, draftOf(n)]));
  const codes = new Map(base.nodes.map((n) => [n.path, n.code]));
  const frequencies = new Map(base.nodes.map((n) => [n.path, n.frequency]));
  const filled: string[] = [];
  const added: string[] = [];
  const conflicts: ChecklistConflict[] = [];
  const createdParents: string[] = [];

  const placeholder = elidedDraft;
  const ensureParents = (path: string) => {
    for (let p = parentPathOf(path); p !== null; p = parentPathOf(p)) {
      if (drafts.has(p) || rows.some((r) => r.path === p)) continue;
      drafts.set(p, placeholder(p));
      createdParents.push(p);
    }
  };

  for (const r of rows) {
    const existing = drafts.get(r.path);
    const baseCode = codes.get(r.path);
    if (r.code && baseCode && r.code !== baseCode) conflicts.push({ path: r.path, row: r.rowNumber, field: 'code', catalog: baseCode, checklist: r.code });
    const baseFreq = frequencies.get(r.path);
    if (r.frequency && baseFreq && r.frequency !== baseFreq)
      conflicts.push({ path: r.path, row: r.rowNumber, field: 'frequency', catalog: baseFreq, checklist: r.frequency });
    if (!existing) {
      ensureParents(r.path);
      drafts.set(r.path, {
        ...placeholder(r.path),
        title: r.title,
        text: r.text,
        textEn: r.textEn,
        textSource: r.text ? 'firm_checklist' : null,
        status: r.text ? 'text' : 'elided',
        checklistFrequency: r.frequency,
      });
      added.push(r.path);
      continue;
    }
    let next: NodeDraft = existing;
    if (r.title) {
      if (existing.title === null) next = { ...next, title: r.title };
      else if (comparisonKey(existing.title) !== comparisonKey(r.title))
        conflicts.push({ path: r.path, row: r.rowNumber, field: 'title', catalog: existing.title, checklist: r.title });
    }
    if (r.text) {
      if (existing.status === 'elided' || existing.text === null) {
        next = { ...next, text: r.text, textSource: 'firm_checklist', status: 'text' };
        filled.push(r.path);
      } else if (comparisonKey(existing.text) !== comparisonKey(r.text)) {
        conflicts.push({ path: r.path, row: r.rowNumber, field: 'text', catalog: existing.text, checklist: r.text });
      }
    }
    if (r.textEn && !existing.textEn) next = { ...next, textEn: r.textEn };
    if (r.frequency && !baseFreq) next = { ...next, checklistFrequency: r.frequency };
    drafts.set(r.path, next);
  }

  const nodes = resolveNodes([...drafts.values()], reference);
  const version = createCatalogVersion(target.id, {
    title: base.title,
    effectiveDate: target.effectiveDate === undefined ? base.effectiveDate : target.effectiveDate,
    effectiveDateNote: base.effectiveDateNote,
    basis: base.basis,
    source: {
      kind: 'firm_checklist',
      baseId: base.id,
      baseHash: base.hash,
      sha256: target.sha256,
      fileName: target.fileName.split(/[\\/]/).pop() ?? target.fileName,
    },
    truncatedAfter: null,
    corrections: base.corrections,
    nodes,
  });
  return { version, filled, added, conflicts, createdParents };
}
