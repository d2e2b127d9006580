import type { AnalyzerFinding } from '../../core/analysis/analyzer.js';
import {
  CappedFindings,
  field,
  joinRanges,
  normKey,
  plain,
  readJsonLinesFast,
  readLog,
  type FindingsData,
  type LogRecord,
  type ReadLog,
} from '../log-monitoring/log-records.js';

export const CLAUSE = '8/(5)/k';

/** The name a shell's worker knows `scanTrailRange` by (`EvidenceRange.scan`). */
export const TRAILS_SCANNER = 'pd-trails';

/**
 * The five things 8/(5)/k names for a personal-data audit trail (登入帳號、系統功能、時間、系統名稱、
 * 查詢指令或結果), each with the keys firms' systems use for it (JSON keys, CSV headers in zh-TW
 * or English, RFC 5424 structured data, `key=value` in a syslog message).
 */
export const TRAIL_FIELDS = [
  {
    key: 'account',
    en: 'login account',
    zh: '登入帳號',
    aliases: [
      'account',
      'login_account',
      'login',
      'login_id',
      'user',
      'username',
      'user_id',
      'userid',
      'uid',
      'actor',
      'operator',
      'employee_id',
      'emp_id',
      'user.name',
      '帳號',
      '登入帳號',
      '使用者',
      '使用者帳號',
      '操作人員',
      '員工編號',
    ],
  },
  {
    key: 'function',
    en: 'system function',
    zh: '系統功能',
    aliases: [
      'function',
      'func',
      'feature',
      'operation',
      'op',
      'action',
      'activity',
      'menu',
      'program',
      'transaction',
      'txn',
      'api',
      'endpoint',
      '功能',
      '系統功能',
      '作業',
      '操作',
      '交易',
      '功能代號',
    ],
  },
  { key: 'time', en: 'time', zh: '時間', aliases: [] },
  {
    key: 'system',
    en: 'system name',
    zh: '系統名稱',
    aliases: ['system', 'system_name', 'sys', 'app', 'app_name', 'application', 'service', '系統', '系統名稱', '應用系統'],
  },
  {
    key: 'query',
    en: 'query command or result',
    zh: '查詢指令或結果',
    aliases: [
      'query',
      'query_command',
      'sql',
      'statement',
      'command',
      'cmd',
      'criteria',
      'params',
      'request',
      'result',
      'results',
      'result_count',
      'rows',
      'row_count',
      'records',
      '查詢',
      '查詢指令',
      '查詢條件',
      '指令',
      '結果',
      '查詢結果',
      '筆數',
    ],
  },
].map((f) => ({ ...f, aliases: f.aliases.map(normKey) }));

type TrailField = (typeof TRAIL_FIELDS)[number];

function present(record: LogRecord, f: TrailField): boolean {
  if (f.key === 'time') return record.time !== null;
  return field(record.fields, f.aliases) !== null;
}

/** What a scan of one access log (or one byte range of it) needs: plain data, so it can be sent to a worker thread. */
export interface TrailScanParams {
  /** The file's name as findings give it. */
  readonly file: string;
  readonly todayMs: number;
  readonly maxFindingsPerKind: number;
  /** A later byte range of a file already known to be JSON Lines (see `readJsonLinesFast`). */
  readonly continued: boolean;
}

/** What scans found, as plain (structured-clone-able) data: for one byte range, one file, or all files. */
export interface TrailTotals {
  readonly found: FindingsData;
  /** Records missing each field, by `TRAIL_FIELDS` key. */
  readonly missing: ReadonlyMap<string, number>;
  readonly scope: number;
  readonly incomplete: number;
}

/** What a scan found in one log or one byte range of it (lines counted from the range), and how the lines read. */
export interface TrailPart extends TrailTotals {
  readonly read: ReadLog;
}

function trailScanner(p: TrailScanParams) {
  const found = new CappedFindings(p.maxFindingsPerKind);
  const missing = new Map<string, number>(TRAIL_FIELDS.map((f) => [f.key, 0]));
  let scope = 0;
  let incomplete = 0;
  const onRecord = (record: LogRecord) => {
    scope++;
    const absent = TRAIL_FIELDS.filter((f) => !present(record, f));
    if (!absent.length) return;
    incomplete++;
    const account = field(record.fields, TRAIL_FIELDS[0]!.aliases);
    const who = account ? ` (${account})` : '';
    for (const f of absent) {
      missing.set(f.key, missing.get(f.key)! + 1);
      const unreadable = f.key === 'time' && record.timeText ? ` ("${record.timeText}" is not a readable time)` : '';
      const unreadableZh = f.key === 'time' && record.timeText ? `（「${record.timeText}」無法辨識為時間）` : '';
      found.push({
        kind: `missing_${f.key}`,
        severity: 'medium',
        failing: true,
        clause: CLAUSE,
        file: p.file,
        line: record.line,
        rule: account,
        blocking: [],
        detail: `line ${record.line}${who}: the access record has no ${f.en}${unreadable}; 8/(5)/k requires login account, function, time, system name and query/result`,
        detailZh: `第 ${record.line} 行${who}：存取紀錄缺少${f.zh}${unreadableZh}；依 8/(5)/k 應留存登入帳號、系統功能、時間、系統名稱、查詢指令或結果`,
      });
    }
  };
  const part = (read: ReadLog): TrailPart => ({ read, found: { list: found.list, counts: found.counts }, missing, scope, incomplete });
  // JSON Lines the quick way: a line whose five fields are all there is only counted; any line
  // missing one (or of another shape) is read whole and judged by onRecord.
  const quick = (q: { time: number | null; values: readonly (string | null)[] }) => {
    if (q.time === null || q.values.some((v) => plain(v) === null)) return false;
    scope++;
    return true;
  };
  return { onRecord, quick, part };
}

const WITH_VALUES = TRAIL_FIELDS.filter((f) => f.key !== 'time').map((f) => f.aliases);

/**
 * Scans JSON Lines bytes (a whole log, or one byte range of it) for 8/(5)/k: the per-range work
 * of the pd-trails analyzer as a function of plain data, so a shell can run it on a worker thread
 * (`EvidenceRange.scan('pd-trails', params)`). Null when the bytes are not JSON Lines.
 */
export async function scanTrailRange(chunks: AsyncIterable<Buffer>, p: TrailScanParams): Promise<TrailPart | null> {
  const s = trailScanner(p);
  const read = await readJsonLinesFast(chunks, p.todayMs, WITH_VALUES, s.quick, s.onRecord, p.continued);
  return read && s.part(read);
}

/** The same for a log read line by line (CSV, syslog, or a shell that offers no bytes). */
export async function scanTrailLines(lines: AsyncIterable<string>, p: TrailScanParams): Promise<TrailPart> {
  const s = trailScanner(p);
  return s.part(await readLog(lines, p.todayMs, s.onRecord));
}

/** A finding of a later range renumbered: its line, and the line its text starts with (`line 12 …` / `第 12 行…`). */
const moveFinding = (f: AnalyzerFinding, line: number): AnalyzerFinding => ({
  ...f,
  line,
  detail: f.detail.replace(/^line \d+/, `line ${line}`),
  detailZh: f.detailZh.replace(/^第 \d+ 行/, `第 ${line} 行`),
});

/** The records of `a` followed by those of `b`, `b`'s lines moved by `by` (0 for the next file): as one scan of both. */
export function joinTrailTotals(a: TrailTotals, b: TrailTotals, by: number, maxFindingsPerKind: number): TrailTotals {
  const found = new CappedFindings(maxFindingsPerKind);
  found.absorb(a.found, 0);
  found.absorb(b.found, by, moveFinding);
  return {
    found: { list: found.list, counts: found.counts },
    missing: new Map(TRAIL_FIELDS.map((f) => [f.key, (a.missing.get(f.key) ?? 0) + (b.missing.get(f.key) ?? 0)])),
    scope: a.scope + b.scope,
    incomplete: a.incomplete + b.incomplete,
  };
}

/** Consecutive byte ranges of one file, scanned apart, as one scan of the file. */
export function joinTrailRanges(parts: readonly TrailPart[], maxFindingsPerKind: number): TrailPart {
  return joinRanges(parts, (a: TrailTotals, b: TrailTotals, by: number) => joinTrailTotals(a, b, by, maxFindingsPerKind));
}
