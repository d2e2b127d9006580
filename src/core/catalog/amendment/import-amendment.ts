import { CoreError } from '../../errors.js';
import type { IsoDate } from '../../dates.js';
import type { Rationale } from '../catalog-node.js';
import { createCatalogVersion, type CatalogVersion } from '../catalog-version.js';
import { diffVersions, type CatalogChange, type VersionDiff } from '../diff-versions.js';
import { interpretContent } from '../interpret-content.js';
import type { EnglishOverlay, MechanismReference, SourceCorrection, SourceCorrections } from '../mechanism-reference.js';
import { elidedDraft, resolveNodes, type NodeDraft } from '../resolve-nodes.js';
import { parseAmendmentTable, type AmendmentTable } from './parse-amendment-table.js';
import { readColumn, type RawNode } from './read-column.js';
import { readRationales, type RationaleUnit } from './read-rationales.js';

export interface ImportAmendmentInput {
  readonly text: string;
  readonly fileName: string;
  /** SHA-256 (hex) of the file's bytes, computed by the shell that read it. */
  readonly sha256: string;
  readonly reference: MechanismReference;
  readonly corrections?: readonly SourceCorrections[];
  /** English readings for the amended version's items. */
  readonly english?: EnglishOverlay;
  readonly amended: { readonly id: string; readonly effectiveDate: IsoDate | null; readonly effectiveDateNote?: string | null };
  readonly current: { readonly id: string; readonly effectiveDate: IsoDate | null; readonly effectiveDateNote?: string | null };
}

/** Something the importer could not decide from the source alone, recorded instead of guessed. */
export interface ImportNotice {
  readonly kind: 'rationale_unresolved' | 'correction_applied' | 'rationale_unused';
  readonly path: string | null;
  readonly line: number;
  readonly detail: string;
}

export interface AmendmentImport {
  readonly current: CatalogVersion;
  readonly amended: CatalogVersion;
  readonly diff: VersionDiff;
  readonly notices: readonly ImportNotice[];
}

function toDraft(raw: RawNode): NodeDraft & { line: number; rowIndex: number; fromRange: boolean } {
  const c = interpretContent(raw.content);
  return {
    path: raw.path,
    level: raw.level,
    label: raw.label,
    parentPath: raw.parentPath,
    title: c.title,
    text: c.text,
    textSource: c.text !== null ? 'amendment' : null,
    status: raw.fromRange || c.elided ? 'elided' : 'text',
    statedCode: c.code,
    statedFrequency: c.frequency,
    internetOnly: c.internetOnly,
    allBrokerItems: c.allBrokerItems,
    effectiveDate: c.effectiveDate,
    rationale: null,
    amendedFragments: raw.underlined,
    line: raw.line,
    rowIndex: raw.rowIndex,
    fromRange: raw.fromRange,
  };
}

type Draft = ReturnType<typeof toDraft>;

/**
 * Points the column never reaches because it stops at (以下略). The 2023 table stops after
 * 12/(6)/b, eliding the rest of point 12 and points 13 (其他, CC-22000) and 14 (主機共置服務管理,
 * CC-23000), although both are in the rule (point 14 since at least the text as amended on
 * 2022-12-28). Without a node, no firm would ever be planned an item of them, so each point the
 * reference knows beyond the last printed one becomes an elided placeholder, exactly like the
 * points the table elides by range (二~六、略); code, frequency and scope come from the
 * reference and are marked so. Nothing is added when the column is complete.
 */
function elidedPointsBeyond(drafts: readonly Draft[], truncatedAfter: string | null, reference: MechanismReference): Draft[] {
  if (truncatedAfter === null) return [];
  const points = drafts.filter((d) => d.level === 'point');
  const lastPoint = Math.max(0, ...points.map((d) => Number(d.label)));
  const at = drafts.find((d) => d.path === truncatedAfter) ?? drafts[drafts.length - 1];
  return reference.entries
    .filter((e) => /^\d+$/.test(e.path) && Number(e.path) > lastPoint)
    .sort((a, b) => Number(a.path) - Number(b.path))
    .map((e) => ({
      ...elidedDraft(e.path),
      line: at?.line ?? 0,
      rowIndex: at?.rowIndex ?? 0,
      fromRange: true,
    }));
}

/** The column's nodes with the points it elides under (以下略) appended. */
function columnDrafts(nodes: readonly RawNode[], truncatedAfter: string | null, reference: MechanismReference): Draft[] {
  const drafts = nodes.map(toDraft);
  return [...drafts, ...elidedPointsBeyond(drafts, truncatedAfter, reference)];
}

function applyEnglish(drafts: Draft[], input: ImportAmendmentInput): Draft[] {
  const english = input.english;
  if (!english) return drafts;
  const known = new Set(drafts.map((d) => d.path));
  const unknown = Object.keys(english.entries).filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw new CoreError('AMENDMENT_CORRECTION_STALE', `English readings name items the source does not have: ${unknown.join(', ')}`, {
      path: unknown[0] ?? '',
      field: 'english',
    });
  }
  return drafts.map((d) => {
    const e = english.entries[d.path];
    return e ? { ...d, titleEn: e.title ?? null, textEn: e.text ?? null } : d;
  });
}

function correctionsFor(input: ImportAmendmentInput, column: 'amended' | 'current'): SourceCorrection[] {
  const set = input.corrections?.find((c) => c.sourceSha256 === input.sha256);
  return set ? set.corrections.filter((c) => c.column === column) : [];
}

function applyCorrections(drafts: Draft[], column: 'amended' | 'current', input: ImportAmendmentInput, notices: ImportNotice[]): Draft[] {
  const list = correctionsFor(input, column);
  if (list.length === 0) return drafts;
  const known = new Set(drafts.map((d) => d.path));
  const missing = list.find((c) => !known.has(c.path));
  if (missing) {
    throw new CoreError(
      'AMENDMENT_CORRECTION_STALE',
      `correction for ${column} ${missing.path}: no such item in the source`,
      { path: missing.path, field: missing.field },
      { file: input.fileName },
    );
  }
  return drafts.map((d) => {
    let out = d;
    for (const c of list.filter((x) => x.path === d.path)) {
      const now = out[c.field];
      if (now !== c.from) {
        throw new CoreError(
          'AMENDMENT_CORRECTION_STALE',
          `correction for ${column} ${c.path} ${c.field} expects "${c.from}" but the source reads "${now}"`,
          { path: c.path, field: c.field },
          { file: input.fileName, line: d.line, field: c.field },
        );
      }
      out = { ...out, [c.field]: c.to };
      notices.push({ kind: 'correction_applied', path: c.path, line: d.line, detail: `${column} ${c.field}: "${c.from}" → "${c.to}" (${c.why})` });
    }
    return out;
  });
}

/** Whether the 說明 column would comment on this change: renumbering of a parent alone needs none. */
function isOwnChange(c: CatalogChange, amendedByPath: Map<string, Draft>): boolean {
  if (c.kind === 'removed' || c.path === null) return false;
  if (c.kind === 'renumbered') {
    const own = c.oldPath?.split('/').pop() !== c.path.split('/').pop();
    return own && amendedByPath.get(c.path)?.fromRange !== true;
  }
  return true;
}

/**
 * Ties 說明 rationales to the changes they explain. The column does not line up with the others
 * (page breaks, rows that hold a whole page): where a source row holds as many rationales as
 * changes, they pair in order; otherwise the node records the row's rationales as candidates
 * and the import reports it, rather than guessing.
 */
function alignRationales(
  table: AmendmentTable,
  units: readonly RationaleUnit[],
  changes: readonly CatalogChange[],
  amendedByPath: Map<string, Draft>,
  notices: ImportNotice[],
): Map<string, Rationale> {
  const byRowChanges = new Map<number, string[]>();
  for (const c of changes) {
    if (!isOwnChange(c, amendedByPath)) continue;
    const d = amendedByPath.get(c.path!)!;
    const list = byRowChanges.get(d.rowIndex) ?? [];
    list.push(c.path!);
    byRowChanges.set(d.rowIndex, list);
  }
  const byRowUnits = new Map<number, RationaleUnit[]>();
  for (const u of units) {
    const list = byRowUnits.get(u.rowIndex) ?? [];
    list.push(u);
    byRowUnits.set(u.rowIndex, list);
  }
  const result = new Map<string, Rationale>();
  const rows = [...new Set([...byRowChanges.keys(), ...byRowUnits.keys()])].sort((a, b) => a - b);
  for (const row of rows) {
    const paths = byRowChanges.get(row) ?? [];
    const rowUnits = byRowUnits.get(row) ?? [];
    const line = table.rows[row]?.line ?? 0;
    if (paths.length === rowUnits.length) {
      paths.forEach((p, i) => {
        const u = rowUnits[i]!;
        result.set(p, { text: u.text, repeatsAbove: u.repeatsAbove, guideline: u.guideline, alignment: 'row', candidates: [] });
      });
      continue;
    }
    // A row without a 說明 of its own sits in a cell merged with the one above.
    const above = units.filter((u) => u.rowIndex < row).pop();
    const candidates = (rowUnits.length > 0 ? rowUnits : above ? [above] : []).map((u) => u.text);
    for (const p of paths) {
      result.set(p, { text: '', repeatsAbove: false, guideline: null, alignment: 'unresolved', candidates });
      notices.push({
        kind: 'rationale_unresolved',
        path: p,
        line,
        detail: `source line ${line} holds ${paths.length} changes (${paths.join(', ')}) and ${rowUnits.length} rationales; kept as candidates`,
      });
    }
    if (paths.length === 0) {
      for (const u of rowUnits) {
        notices.push({ kind: 'rationale_unused', path: null, line, detail: `rationale "${u.printed}" on line ${line} has no change on that line` });
      }
    }
  }
  return result;
}

/**
 * Imports an amendment comparison table (修正條文 / 現行條文 / 說明): the current (現行) and the
 * amended (修正) versions, the diff between them, and the notices for what the source leaves
 * undecided.
 */
export function importAmendmentTable(input: ImportAmendmentInput): AmendmentImport {
  const table = parseAmendmentTable(input.text, input.fileName);
  const notices: ImportNotice[] = [];
  const amendedCol = readColumn(table, 0, input.fileName);
  const currentCol = readColumn(table, 1, input.fileName);
  if (amendedCol.nodes.length === 0 || currentCol.nodes.length === 0) {
    throw new CoreError('AMENDMENT_NO_ITEMS', `${input.fileName}: no numbered items found in the table`, {}, { file: input.fileName, line: table.headerLine });
  }
  const amendedDrafts = applyEnglish(
    applyCorrections(columnDrafts(amendedCol.nodes, amendedCol.truncatedAfter, input.reference), 'amended', input, notices),
    input,
  );
  const currentDrafts = applyCorrections(columnDrafts(currentCol.nodes, currentCol.truncatedAfter, input.reference), 'current', input, notices);
  const { basis, units } = readRationales(table);
  const title = table.title ?? input.fileName;

  // One version per column; what differs between them is the column, its nodes and where it stops.
  const versionOf = (column: 'amended' | 'current', drafts: readonly NodeDraft[], truncatedAfter: string | null): CatalogVersion => {
    const meta = column === 'amended' ? input.amended : input.current;
    return createCatalogVersion(meta.id, {
      title,
      effectiveDate: meta.effectiveDate,
      effectiveDateNote: meta.effectiveDateNote ?? null,
      basis: column === 'amended' ? basis : null,
      source: { kind: 'amendment_table', column, sha256: input.sha256, fileName: input.fileName.split(/[\\/]/).pop() ?? input.fileName },
      truncatedAfter,
      corrections: correctionsFor(input, column),
      nodes: resolveNodes(drafts, input.reference),
    });
  };
  const current = versionOf('current', currentDrafts, currentCol.truncatedAfter);
  // The rationales are tied to the changes, so the diff is taken once before and once after.
  const provisionalDiff = diffVersions(current, versionOf('amended', amendedDrafts, amendedCol.truncatedAfter));
  const amendedByPath = new Map(amendedDrafts.map((d) => [d.path, d]));
  const rationales = alignRationales(table, units, provisionalDiff.changes, amendedByPath, notices);
  const amended = versionOf(
    'amended',
    amendedDrafts.map((d) => ({ ...d, rationale: rationales.get(d.path) ?? null })),
    amendedCol.truncatedAfter,
  );
  return { current, amended, diff: diffVersions(current, amended), notices };
}
