import { isMap, isSeq, type Node as YamlNode } from 'yaml';
import { parseYamlText, yamlToData } from '../formats/yaml-input.js';
import type { AnalyzerFinding, EvidenceInput } from '../core/analysis/analyzer.js';
import type { TabularData } from '../core/catalog/checklist/apply-checklist.js';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { indexHeaders } from '../core/table-headers.js';
import { MalformedRecords, unreadable } from './malformed-records.js';
import { readColumns, type ColumnSpec } from './table-columns.js';

/**
 * Recovery targets of the core systems (1/(4): tolerable interruption time, RTO, RPO), shared by
 * the continuity and backup analyzers. They come from the core-system template or from the
 * firm profile (firm-profile.yaml, `core_systems`) so a firm need not retype them.
 */
export interface CoreSystemTarget {
  readonly name: string;
  readonly tolerableMinutes: number | null;
  readonly rtoMinutes: number | null;
  readonly rpoMinutes: number | null;
  /** Whether the system has an off-site recovery site (10/(3)); null when not stated. */
  readonly offsiteSite: boolean | null;
  /** Whether the firm's tier requires one for this system; null when the evidence does not say. */
  readonly offsiteRequired: boolean | null;
  readonly file: string;
  readonly line: number;
}

/** The core-system template: one row per core system. Times carry the unit of the header unless the cell names one (30分鐘, 2h). */
export const CORE_SYSTEM_COLUMNS = [
  { key: 'system', zh: '系統名稱', en: 'system', required: false },
  { key: 'tolerable', zh: '可容忍中斷時間', en: 'tolerable_interruption_hours', required: false },
  { key: 'rto', zh: '復原時間目標', en: 'rto_hours', required: false },
  { key: 'rpo', zh: '資料復原點目標', en: 'rpo_minutes', required: false },
  { key: 'offsite', zh: '異地備援', en: 'offsite_site', required: false },
  { key: 'offsiteRequired', zh: '異地備援要求', en: 'offsite_required', required: false },
] as const satisfies readonly ColumnSpec[];

/** Names compare without case, width or spacing differences (「電子下單 系統」 = 「電子下單系統」). */
export const systemKey = (name: string): string => name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

const UNIT_MINUTES: readonly [RegExp, number][] = [
  [/^(s|sec|secs|second|seconds|秒)$/, 1 / 60],
  [/^(m|min|mins|minute|minutes|分|分鐘)$/, 1],
  [/^(h|hr|hrs|hour|hours|時|小時|個小時)$/, 60],
  [/^(d|day|days|天|日)$/, 1440],
  [/^(w|wk|week|weeks|週|周|星期)$/, 10080],
];

/**
 * A duration in minutes: `30`, `30分鐘`, `2 小時`, `1.5h`, `4 hours`, `1天`. A bare number takes
 * the unit the column names. Null when it is not a duration.
 */
export function parseDurationMinutes(value: string, bareUnit: 'minutes' | 'hours'): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([^\d\s.]*)$/.exec(value.normalize('NFKC').trim().toLowerCase());
  if (!m) return null;
  const n = Number(m[1]);
  if (!m[2]) return bareUnit === 'hours' ? n * 60 : n;
  const unit = UNIT_MINUTES.find(([re]) => re.test(m[2]!));
  return unit ? n * unit[1] : null;
}

/** Minutes as people say them: 90 → "1.5 h", 15 → "15 min". */
export function formatMinutes(min: number): { en: string; zh: string } {
  const r = (x: number) => String(Math.round(x * 100) / 100);
  if (min >= 1440 && min % 1440 === 0) return { en: `${r(min / 1440)} d`, zh: `${r(min / 1440)} 天` };
  // Whole or half hours read as hours; 95 minutes stay minutes rather than "1.58 h".
  if (min >= 60 && (min % 30 === 0 || min >= 600)) return { en: `${r(min / 60)} h`, zh: `${r(min / 60)} 小時` };
  return { en: `${r(min)} min`, zh: `${r(min)} 分鐘` };
}

/** yes/no in the ways a template gets filled in; null when it is neither. */
export function parseYesNo(value: string): boolean | null {
  const v = value.normalize('NFKC').trim().toLowerCase();
  if (/^(y|yes|true|1|是|有|v|✓|○|required|需要|應)$/.test(v)) return true;
  if (/^(n|no|false|0|否|無|x|✗|-|none|not required|不需要|免)$/.test(v)) return false;
  return null;
}

/** A firm profile (firm-profile.yaml) recognised by its content: it lists core systems. */
export function looksLikeFirmProfile(name: string, head: string): boolean {
  return /\.ya?ml$/i.test(name) && /^core_systems:/m.test(head);
}

/** Whether a table is the core-system template (a system with a tolerable interruption time or an RTO). */
export function isCoreSystemTable(headers: readonly string[]): boolean {
  const index = indexHeaders(
    headers,
    CORE_SYSTEM_COLUMNS.map((c) => ({ key: c.key, names: [c.zh, c.en] })),
  );
  return index.has('system') && (index.has('tolerable') || index.has('rto'));
}

/** Throws the usual missing-column error when a table lacks a column the analyzer cannot do without. */
export function requireColumns(data: TabularData, columns: readonly ColumnSpec[], keys: readonly string[]): void {
  const index = indexHeaders(
    data.headers,
    columns.map((c) => ({ key: c.key, names: [c.zh, c.en] })),
  );
  for (const c of columns) {
    if (keys.includes(c.key) && !index.has(c.key)) {
      throw new CoreError(
        'CHECKLIST_MISSING_COLUMN',
        `${data.fileName}: row 1: the column "${c.zh} / ${c.en}" is missing`,
        { column: c.zh, columnEn: c.en },
        { file: data.fileName, row: 1, field: `${c.zh} / ${c.en}` },
      );
    }
  }
}

/** Core systems from the template; rows that cannot be read are counted in `malformed`. */
export function readCoreSystemTable(data: TabularData, malformed: MalformedRecords): CoreSystemTarget[] {
  requireColumns(data, CORE_SYSTEM_COLUMNS, ['system']);
  const out: CoreSystemTarget[] = [];
  for (const r of readColumns(data, CORE_SYSTEM_COLUMNS)) {
    if (!r.system) {
      malformed.add(r.rowNumber, 'no system name', '無系統名稱');
      continue;
    }
    const problems: string[] = [];
    const time = (v: string | null, unit: 'minutes' | 'hours', field: string): number | null => {
      if (v === null) return null;
      const min = parseDurationMinutes(v, unit);
      if (min === null) problems.push(`${field} "${v}" is not a duration`);
      return min;
    };
    const flag = (v: string | null, field: string): boolean | null => {
      if (v === null) return null;
      const b = parseYesNo(v);
      if (b === null) problems.push(`${field} "${v}" is not yes/no`);
      return b;
    };
    const target: CoreSystemTarget = {
      name: r.system,
      tolerableMinutes: time(r.tolerable, 'hours', '可容忍中斷時間 / tolerable_interruption_hours'),
      rtoMinutes: time(r.rto, 'hours', '復原時間目標 / rto_hours'),
      rpoMinutes: time(r.rpo, 'minutes', '資料復原點目標 / rpo_minutes'),
      offsiteSite: flag(r.offsite, '異地備援 / offsite_site'),
      offsiteRequired: flag(r.offsiteRequired, '異地備援要求 / offsite_required'),
      file: data.fileName,
      line: r.rowNumber,
    };
    if (problems.length) malformed.add(r.rowNumber, `${r.system}: ${problems.join(', ')}`, `${r.system}：${problems.join('、')}`);
    else out.push(target);
  }
  return out;
}

/** A firm profile is a page of YAML; a megabyte is already far beyond one. */
const PROFILE_YAML_MAX_CHARS = 1024 * 1024;

/**
 * Core systems from a firm profile, with the line of each entry. Only `core_systems` and the
 * tier parameter `offsite_backup_required` are read: the profile's own check (`ccheck profile
 * check`) judges the rest of the file.
 */
export function readProfileCoreSystems(file: string, text: string, malformed: MalformedRecords): CoreSystemTarget[] {
  // With ccheck's YAML limits (size, nesting, aliases): a profile is small text written by a person.
  const { doc, counter } = parseYamlText(text, file, PROFILE_YAML_MAX_CHARS);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0].line ?? null;
    throw new CoreError(
      'INPUT_UNSUPPORTED_FORMAT',
      `${file}: line ${line ?? '?'}: not valid YAML (${e.message.split('\n')[0]})`,
      {},
      { file, line: line ?? undefined },
    );
  }
  // Expanding aliases is measured before any entry is read: a billion-laughs file stops here.
  yamlToData(doc, file, text.length, counter);
  const lineOf = (n: YamlNode | null | undefined) => (n?.range ? counter.linePos(n.range[0]).line : 1);
  const systems = doc.get('core_systems', true) as YamlNode | undefined;
  if (!isSeq(systems)) throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: no core_systems list`, {}, { file, field: 'core_systems' });
  const tierRequires = doc.getIn(['tier_parameters', 'offsite_backup_required']);
  const offsiteRequired = typeof tierRequires === 'boolean' ? tierRequires : null;
  const out: CoreSystemTarget[] = [];
  for (const item of systems.items) {
    const line = lineOf(item as YamlNode);
    if (!isMap(item)) {
      malformed.add(line, 'core_systems entry is not a mapping', 'core_systems 項目格式錯誤');
      continue;
    }
    const v = item.toJSON() as Record<string, unknown>;
    const num = (k: string): number | null => {
      const x = v[k];
      return typeof x === 'number' && x >= 0 ? x : null;
    };
    const name = typeof v.name === 'string' && v.name.trim() ? v.name.trim() : null;
    const wrong = ['tolerable_interruption_hours', 'rto_hours', 'rpo_minutes'].filter((k) => v[k] !== undefined && num(k) === null);
    if (!name || wrong.length) {
      malformed.add(line, name ? `${name}: ${wrong.join(', ')} not a number` : 'no name', name ? `${name}：${wrong.join('、')} 不是數字` : '無系統名稱');
      continue;
    }
    const h = (k: string) => (num(k) === null ? null : num(k)! * 60);
    out.push({
      name,
      tolerableMinutes: h('tolerable_interruption_hours'),
      rtoMinutes: h('rto_hours'),
      rpoMinutes: num('rpo_minutes'),
      offsiteSite: typeof v.offsite_site === 'boolean' ? v.offsite_site : null,
      offsiteRequired,
      file,
      line,
    });
  }
  return out;
}

type Read = { kind: 'unreadable'; message: string } | { kind: 'targets'; targets: CoreSystemTarget[] } | { kind: 'table'; data: TabularData };

/**
 * Reads one evidence file as core-system targets (profile or template) or a table. A file in an
 * unknown encoding is named and left undetermined, not fatal for the others.
 */
async function readEvidence(f: EvidenceInput, bad: MalformedRecords): Promise<Read> {
  try {
    if (/\.ya?ml$/i.test(f.name)) return { kind: 'targets', targets: readProfileCoreSystems(f.name, await f.text(), bad) };
    const data = await f.table();
    if (isCoreSystemTable(data.headers)) return { kind: 'targets', targets: readCoreSystemTable(data, bad) };
    return { kind: 'table', data };
  } catch (e) {
    if (e instanceof CoreError && e.code === 'INPUT_UNKNOWN_ENCODING') return { kind: 'unreadable', message: e.message };
    throw e;
  }
}

/** Whole days from one date to another (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

export interface RecoveryEvidence {
  readonly targets: CoreSystemTarget[];
  /** The other tables (inventories, drills), each with the tally of its malformed rows. */
  readonly tables: { readonly data: TabularData; readonly bad: MalformedRecords }[];
  /** Files that could not be decoded, as findings. */
  readonly unreadable: AnalyzerFinding[];
  readonly malformed: MalformedRecords[];
}

/** Reads every file as core-system targets or another table; undecodable files become findings. */
export async function readRecoveryEvidence(files: readonly EvidenceInput[], clause: string): Promise<RecoveryEvidence> {
  const out: RecoveryEvidence = { targets: [], tables: [], unreadable: [], malformed: [] };
  for (const f of files) {
    const bad = new MalformedRecords(f.name, /\.ya?ml$/i.test(f.name) ? 'line' : 'row');
    out.malformed.push(bad);
    const read = await readEvidence(f, bad);
    if (read.kind === 'unreadable') out.unreadable.push(unreadable(f.name, read.message, clause));
    else if (read.kind === 'targets') out.targets.push(...read.targets);
    else {
      // Spreadsheets save CSV with a newline after every row; a short last row without one was cut off.
      const last = read.data.rows.at(-1);
      if (last && last.cells.length < read.data.headers.length && /\.(csv|tsv)$/i.test(f.name) && !/\n$/.test(await f.text()))
        bad.lastUnterminated = last.rowNumber;
      out.tables.push({ data: read.data, bad });
    }
  }
  return out;
}
