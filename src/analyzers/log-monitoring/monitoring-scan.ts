import {
  CappedFindings,
  joinRanges,
  field,
  MESSAGE_KEYS,
  normKey,
  plain,
  readJsonLinesFast,
  readLog,
  type FindingsData,
  type LogRecord,
  type QuickLine,
  type ReadLog,
} from './log-records.js';
import { mergeTimelines, shiftTimeline, SourceTimeline, type TimelineData } from './source-timeline.js';

export const CLAUSE = '8/(4)/d';

/** The name a shell's worker knows `scanMonitoringRange` by (`EvidenceRange.scan`). */
export const MONITORING_SCANNER = 'log-monitoring';

export const HOST_KEYS = ['host', 'hostname', 'source', 'device', 'computer', 'computername', 'server', 'node', '主機', '主機名稱', '來源'].map(normKey);
export const APP_KEYS = ['app', 'appname', 'application', 'program', 'service', 'process', 'tag', '系統', '系統名稱', '應用程式'].map(normKey);
/** A failure record that carries its own action (`action`, a ticket number) was handled in the log itself. */
const ACTION_KEYS = ['action', 'actiontaken', 'remediation', 'ticket', 'ticketid', 'incident', 'incidentid', '處理措施', '處理方式', '工單', '工單編號'].map(
  normKey,
);
const EVENT_KEYS = ['event', 'eventtype', 'type', 'category', 'eventid', '事件', '事件類型'].map(normKey);

/**
 * Log-processing failures (8/(4)/d: 處理失效), by what they say: messages dropped or lost, a
 * queue or disk full, a rotation that failed, a collector or forwarder in error; also Windows
 * Security events 1101 (audit events dropped) and 1104 (the security log is full).
 */
export const FAILURES: readonly { readonly kind: string; readonly en: string; readonly zh: string; readonly test: RegExp }[] = [
  {
    kind: 'dropped',
    en: 'log messages dropped or lost',
    zh: '日誌訊息遺失或丟棄',
    test: /\b(?:drop(?:ped|ping)?|discard(?:ed|ing)?|lost|los(?:s|ing)|suppress(?:ed)?)\b[^\n]{0,60}\b(?:messages?|events?|logs?|records?|entries|lines)\b|\b(?:messages?|events?|logs?|records?)\b[^\n]{0,40}\b(?:dropped|discarded|lost)\b|backlog limit exceeded|audit_lost=[1-9]|rate-?limit(?:ed|ing)[^\n]{0,40}\bmessages?/i,
  },
  {
    kind: 'overflow',
    en: 'log queue, buffer or storage full',
    zh: '日誌佇列、緩衝區或儲存空間已滿',
    test: /\b(?:queue|buffer|spool|disk|partition|volume|log file|audit log|security log)\b[^\n]{0,40}\b(?:full|overflow(?:ed)?|exhausted|no space)\b|no space left on device|\boverflow\b[^\n]{0,40}\b(?:queue|buffer|log)/i,
  },
  {
    kind: 'rotation',
    en: 'log rotation failed',
    zh: '日誌輪替失敗',
    test: /\b(?:logrotate|log ?rotation|rotat(?:e|ing|ion))\b[^\n]{0,80}\b(?:fail(?:ed|ure)?|error|cannot|unable)\b|\b(?:fail(?:ed|ure)?|error|cannot|unable)\b[^\n]{0,80}\brotat(?:e|ing|ion)\b/i,
  },
  {
    kind: 'collector',
    en: 'log collector or forwarder error',
    zh: '日誌收集或轉送程式錯誤',
    test: /\b(?:rsyslogd?|syslog-ng|fluentd|fluent-bit|filebeat|winlogbeat|logstash|nxlog|splunkd?|auditd|journald|log (?:collector|forwarder|shipper|agent)|collector|forwarder|omfwd|imjournal)\b[^\n]{0,120}\b(?:error|fail(?:ed|ure)?|cannot|unable|refused|timed? ?out|suspended|unreachable)\b/i,
  },
  {
    kind: 'failure_zh',
    en: 'log processing failed',
    zh: '日誌處理失效',
    test: /(?:日誌|日志|稽核紀錄|稽核日誌|log)[^\n]{0,20}(?:失敗|失效|遺失|丟棄|溢位|已滿|中斷|錯誤)/i,
  },
];

/** Windows Security event IDs for lost audit records: 1101 events dropped, 1104 log full. */
const WINDOWS_FAILURE_IDS = new Set(['1101', '1104']);

/** A row of the action register: what was done about a failure or silence of a source, and when. */
export interface RegisterRow {
  readonly file: string;
  readonly row: number;
  readonly source: string | null;
  readonly occurred: number;
  readonly action: string | null;
}

/** What a scan of one log (or one byte range of it) needs: plain data, so it can be sent to a worker thread. */
export interface MonitoringScanParams {
  /** The file's name as findings give it. */
  readonly file: string;
  readonly todayMs: number;
  /** Silence threshold in ms. */
  readonly threshold: number;
  readonly sourceBy: 'host' | 'host_app';
  readonly actionWindowHours: number;
  readonly maxFindingsPerKind: number;
  readonly register: readonly RegisterRow[];
  /** A later byte range of a file already known to be JSON Lines (see `readJsonLinesFast`). */
  readonly continued: boolean;
}

/** What scans found, as plain (structured-clone-able) data: for one byte range, one file, or all files. */
export interface MonitoringTotals {
  readonly found: FindingsData;
  readonly timelines: ReadonlyMap<string, TimelineData>;
  readonly scope: number;
  readonly undated: number;
  readonly handledInLog: number;
  readonly handledByRegister: number;
  readonly failureCount: number;
}

/**
 * What a scan found in one log or one byte range of it, and how the lines read; line numbers
 * count from the start of the range (`joinMonitoringRanges` renumbers and merges).
 */
export interface MonitoringPart extends MonitoringTotals {
  readonly read: ReadLog;
}

/** The record handlers of one scan and the part they fill. */
function monitoringScanner(p: MonitoringScanParams) {
  const found = new CappedFindings(p.maxFindingsPerKind);
  const timelines = new Map<string, SourceTimeline>();
  let scope = 0;
  let undated = 0;
  let handledInLog = 0;
  let handledByRegister = 0;
  let failureCount = 0;
  const window = p.actionWindowHours * 3600_000;
  const covers = (source: string, from: number, to: number) =>
    p.register.find(
      (r) =>
        r.action && (r.source === null || r.source === source || source.startsWith(`${r.source}/`)) && r.occurred >= from - window && r.occurred <= to + window,
    );

  const judgeFailure = (record: LogRecord, source: string, kind: (typeof FAILURES)[number]): void => {
    failureCount++;
    const when = record.time ?? p.todayMs;
    const entry = record.time === null ? undefined : covers(source, when, when);
    const what = `${record.timeText ?? '(no time)'} ${source}: ${kind.en} — "${record.message.slice(0, 120)}"`;
    const whatZh = `${record.timeText ?? '（無時間）'} ${source}：${kind.zh} —「${record.message.slice(0, 120)}」`;
    if (entry) {
      handledByRegister++;
      found.push({
        kind: 'log_failure_handled',
        severity: 'info',
        failing: false,
        clause: CLAUSE,
        file: p.file,
        line: record.line,
        rule: source,
        blocking: [{ file: entry.file, line: entry.row, rule: entry.action }],
        detail: `${what}; action recorded: ${entry.action} (${entry.file} row ${entry.row})`,
        detailZh: `${whatZh}；已記錄處理措施：${entry.action}（${entry.file} 第 ${entry.row} 列）`,
      });
      return;
    }
    found.push({
      kind: 'log_failure_unhandled',
      severity: 'high',
      failing: true,
      clause: CLAUSE,
      file: p.file,
      line: record.line,
      rule: source,
      blocking: [],
      detail: `${what}; no action is recorded (no action field, no action register row within ${p.actionWindowHours} h); 8/(4)/d requires acting when log processing fails`,
      detailZh: `${whatZh}；查無處理紀錄（日誌無處理欄位，處理紀錄表 ${p.actionWindowHours} 小時內亦無對應列）；違反 8/(4)/d 處理失效時應採取適當行動`,
    });
  };

  const sources = new Map<string, string>();
  const sourceOf = (host: string | null, app: string | null): string => {
    const raw = p.sourceBy === 'host_app' && host && app ? `${host}/${app}` : (host ?? app ?? '(no source)');
    let source = sources.get(raw);
    if (source === undefined) {
      source = raw.toLowerCase();
      if (sources.size < 100_000) sources.set(raw, source);
    }
    return source;
  };
  const seen = (source: string, time: number, line: number) => {
    const t = timelines.get(source);
    if (t) t.add(time, p.file, line);
    else timelines.set(source, new SourceTimeline(time, p.file, line, p.threshold));
  };
  const failureOf = (text: string) => FAILURES.find((k) => k.test.test(text));
  // Most lines of a log repeat a handful of messages: remember which are not failures (per
  // app and event, so no string is built per line to look them up).
  const clean = new Map<string, Map<string, Set<string>>>();
  let cleanSize = 0;

  const onRecord = (record: LogRecord) => {
    scope++;
    const host = field(record.fields, HOST_KEYS);
    const app = field(record.fields, APP_KEYS);
    const source = sourceOf(host, app);
    if (record.time === null) undated++;
    else seen(source, record.time, record.line);
    const text = `${app ?? ''} ${record.message} ${field(record.fields, EVENT_KEYS) ?? ''}`;
    const eventId = record.fields.get('eventid') ?? record.fields.get('eventcode');
    const kind = eventId && WINDOWS_FAILURE_IDS.has(eventId) ? FAILURES[1]! : failureOf(text);
    if (!kind) return;
    if (field(record.fields, ACTION_KEYS)) {
      handledInLog++;
      return;
    }
    judgeFailure(record, source, kind);
  };
  // The quick path (JSON Lines from bytes): a line whose values are plain and whose text is
  // known not to be a failure only marks its source as alive; anything else is read whole.
  const quick = (q: QuickLine): boolean => {
    const [host = null, app = null, message = null, event = null] = q.values.map(plain);
    if (q.time === null || host === null || message === null) return false;
    let byEvent = clean.get(app ?? '');
    let known = byEvent?.get(event ?? '');
    if (!known?.has(message)) {
      if (failureOf(`${app ?? ''} ${message} ${event ?? ''}`)) return false;
      if (cleanSize >= 10_000) {
        clean.clear();
        cleanSize = 0;
        byEvent = undefined;
        known = undefined;
      }
      if (!byEvent) clean.set(app ?? '', (byEvent = new Map<string, Set<string>>()));
      if (!known) byEvent.set(event ?? '', (known = new Set<string>()));
      known.add(message);
      cleanSize++;
    }
    scope++;
    seen(sourceOf(host, app), q.time, q.line);
    return true;
  };
  const part = (read: ReadLog): MonitoringPart => ({
    read,
    found: { list: found.list, counts: found.counts },
    timelines,
    scope,
    undated,
    handledInLog,
    handledByRegister,
    failureCount,
  });
  return { onRecord, quick, part };
}

const ROLES = [HOST_KEYS, APP_KEYS, MESSAGE_KEYS, EVENT_KEYS];

/**
 * Scans JSON Lines bytes (a whole log, or one byte range of it) for 8/(4)/d: the per-range work
 * of the log-monitoring analyzer as a function of plain data, so a shell can run it on a worker
 * thread (`EvidenceRange.scan('log-monitoring', params)`). Null when the bytes are not JSON Lines
 * (only for the first range: the caller then reads the whole file with `scanMonitoringLines`).
 */
export async function scanMonitoringRange(chunks: AsyncIterable<Buffer>, p: MonitoringScanParams): Promise<MonitoringPart | null> {
  const s = monitoringScanner(p);
  const read = await readJsonLinesFast(chunks, p.todayMs, ROLES, s.quick, s.onRecord, p.continued);
  return read && s.part(read);
}

/** The same for a log read line by line (CSV, syslog, or a shell that offers no bytes). */
export async function scanMonitoringLines(lines: AsyncIterable<string>, p: MonitoringScanParams): Promise<MonitoringPart> {
  const s = monitoringScanner(p);
  return s.part(await readLog(lines, p.todayMs, s.onRecord));
}

/**
 * The events of `a` followed by those of `b`, `b`'s line numbers moved by `by` (the lines before it
 * in its file; 0 when `b` is the next file): exactly what one scan over both gives — findings in
 * order with the capped counts, every source's timeline, the counts.
 */
export function joinMonitoringTotals(a: MonitoringTotals, b: MonitoringTotals, by: number, maxFindingsPerKind: number): MonitoringTotals {
  const found = new CappedFindings(maxFindingsPerKind);
  found.absorb(a.found, 0);
  found.absorb(b.found, by);
  const timelines = new Map<string, SourceTimeline>();
  for (const [source, t] of a.timelines) timelines.set(source, shiftTimeline(t, 0));
  for (const [source, t] of b.timelines) {
    const moved = shiftTimeline(t, by);
    const before = timelines.get(source);
    timelines.set(source, before ? mergeTimelines(before, moved) : moved);
  }
  return {
    found: { list: found.list, counts: found.counts },
    timelines,
    scope: a.scope + b.scope,
    undated: a.undated + b.undated,
    handledInLog: a.handledInLog + b.handledInLog,
    handledByRegister: a.handledByRegister + b.handledByRegister,
    failureCount: a.failureCount + b.failureCount,
  };
}

/** Consecutive byte ranges of one file, scanned apart, as one scan of the file. */
export function joinMonitoringRanges(parts: readonly MonitoringPart[], maxFindingsPerKind: number): MonitoringPart {
  return joinRanges(parts, (a: MonitoringTotals, b: MonitoringTotals, by: number) => joinMonitoringTotals(a, b, by, maxFindingsPerKind));
}
