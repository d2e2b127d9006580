import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome, EvidenceInput } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';
import { CappedFindings, parseLogTime, readingFindings, scanLogRanges } from './log-records.js';
import {
  CLAUSE,
  joinMonitoringRanges,
  joinMonitoringTotals,
  MONITORING_SCANNER,
  scanMonitoringLines,
  scanMonitoringRange,
  type MonitoringPart,
  type MonitoringScanParams,
  type MonitoringTotals,
  type RegisterRow,
} from './monitoring-scan.js';
import { shiftTimeline, type Endpoint, type SourceTimeline } from './source-timeline.js';

export { APP_KEYS, FAILURES, HOST_KEYS } from './monitoring-scan.js';

/** The action register template: one row per log-processing failure or silence and what was done. */
export const ACTION_COLUMNS = [
  { key: 'source', zh: '來源', en: 'source', required: false },
  { key: 'occurred', zh: '發生時間', en: 'occurred_at', required: true },
  { key: 'event', zh: '事件', en: 'event', required: false },
  { key: 'action', zh: '處理措施', en: 'action', required: false },
  { key: 'handledAt', zh: '處理時間', en: 'handled_at', required: false },
  { key: 'handledBy', zh: '處理人員', en: 'handled_by', required: false },
] as const satisfies readonly ColumnSpec[];

/**
 * At most how many byte ranges (`EvidenceInput.ranges`) a large log is read in, each into its own
 * timelines and findings, merged exactly in file order. The shell decides how many it gives: one
 * per worker thread for a large file, one for a small file or without worker threads (read one
 * after the other on one thread, two ranges measured about 5% slower than one, with no gain).
 * Inputs that offer ranges regardless of `n` (tests) are read in theirs.
 */
export const LOG_RANGES = 64;

/** One log file scanned for 8/(4)/d: in byte ranges when the shell offers them (see `scanLogRanges`), else whole. */
async function scanLog(f: EvidenceInput, params: (continued: boolean) => MonitoringScanParams): Promise<MonitoringPart> {
  const cap = params(false).maxFindingsPerKind;
  return (
    (await scanLogRanges(f, LOG_RANGES, MONITORING_SCANNER, params, scanMonitoringRange, (parts) => joinMonitoringRanges(parts, cap))) ??
    (await scanMonitoringLines(f.lines(), params(false)))
  );
}

const fmtTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const hours = (ms: number) => Math.round((ms / 3600_000) * 10) / 10;

/** An action register is a table whose header names 處理措施/action and 發生時間/occurred_at. */
async function isRegister(f: EvidenceInput): Promise<boolean> {
  if (/\.xlsx$/i.test(f.name)) return true;
  for await (const line of f.lines()) {
    if (line.trim() === '') continue;
    return /處理措施|\baction\b/i.test(line) && /發生時間|occurred_at/i.test(line) && !line.trimStart().startsWith('{');
  }
  return false;
}

/**
 * 8/(4)/d: core-system audit logs are monitored, and a failure of log processing is acted upon.
 * From the logs themselves: every source (host, or host/app) that fell silent for longer than
 * the threshold within the period, and every log-processing failure (dropped or lost messages,
 * a full queue or disk, a failed rotation, a collector in error) with no recorded action — an
 * action field on the record, or a row of the action register near that time for that source.
 */
export const logMonitoringAnalyzer = defineAnalyzer({
  id: 'log-monitoring',
  title: 'Audit-log monitoring: silent sources and unhandled log-processing failures',
  titleZh: '稽核日誌監控：停止產生日誌之來源與未處理之日誌處理失效',
  items: [CLAUSE],
  inputs: [
    {
      name: 'audit logs',
      formats: ['jsonl', 'csv', 'syslog (RFC 5424, RFC 3164)'],
      description:
        'one event per line with a time and a host/app (JSON keys or CSV columns such as time/時間, host/主機, app/系統, message/訊息, action/處理措施)',
    },
    {
      name: 'action register (optional)',
      formats: ['csv', 'xlsx'],
      description: `columns ${ACTION_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}`,
    },
  ],

  recognises({ name, head }) {
    const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    if (/\.(csv|xlsx)$/i.test(name) && /處理措施|\baction\b/i.test(first) && /發生時間|occurred_at/i.test(first)) return true;
    if (!/\.(log|jsonl|ndjson|json|txt|csv|syslog)$/i.test(name) && !/syslog|messages/i.test(name)) return false;
    // A log is about the logging itself when it names a collector or log processing.
    return /rsyslog|syslog-ng|fluent|filebeat|logstash|nxlog|logrotate|auditd|日誌/i.test(head);
  },

  options: z.strictObject({
    silence_hours: option
      .number(0.1, 24 * 366)
      .default(24)
      .describe('a source that logs nothing for longer than this (hours) has gone silent'),
    period_from: option.date().optional().describe('start of the period (default: the first event in the files)'),
    period_to: option.date().optional().describe('end of the period, inclusive (default: the last event in the files)'),
    source_by: option.oneOf(['host', 'host_app']).default('host').describe('what a source is: the host, or each application on a host'),
    action_window_hours: option
      .number(0, 24 * 31)
      .default(24)
      .describe('an action register row for the same source within this many hours of a failure covers it'),
    expected_sources: option
      .list()
      .optional()
      .describe('sources that must log (comma-separated hosts, or host/app): one with no event at all is silent for the whole period'),
    max_findings_per_kind: option.integer(1, 100_000).default(50).describe('findings listed per kind; the rest are counted'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const o = ctx.options;
    const todayMs = Date.parse(`${ctx.today}T23:59:59.999+08:00`);
    const threshold = o.silence_hours * 3600_000;
    const reading: AnalyzerFinding[] = [];
    const register: RegisterRow[] = [];

    const covers = (source: string, from: number, to: number) =>
      register.find(
        (r) =>
          r.action &&
          (r.source === null || r.source === source || source.startsWith(`${r.source}/`)) &&
          r.occurred >= from - o.action_window_hours * 3600_000 &&
          r.occurred <= to + o.action_window_hours * 3600_000,
      );

    const logs: EvidenceInput[] = [];
    for (const f of ctx.files) {
      if (!(await isRegister(f))) {
        logs.push(f);
        continue;
      }
      for (const r of readColumns(await f.table(), ACTION_COLUMNS)) {
        const occurred = parseLogTime(r.occurred, todayMs);
        if (occurred === null) {
          reading.push({
            kind: 'malformed_lines',
            severity: 'medium',
            failing: false,
            clause: CLAUSE,
            file: f.name,
            line: r.rowNumber,
            rule: r.occurred,
            blocking: [],
            detail: `action register row ${r.rowNumber}: 發生時間/occurred_at "${r.occurred}" is not a time; the row covers nothing`,
            detailZh: `處理紀錄第 ${r.rowNumber} 列：發生時間「${r.occurred}」無法辨識，該列不予採計`,
          });
          continue;
        }
        register.push({ file: f.name, row: r.rowNumber, source: r.source?.toLowerCase() ?? null, occurred, action: r.action });
      }
    }

    // Each log on its own (in ranges, maybe on other threads), then all of them in file order.
    let total: MonitoringTotals | null = null;
    for (const f of logs) {
      const params = (continued: boolean): MonitoringScanParams => ({
        file: f.name,
        todayMs,
        threshold,
        sourceBy: o.source_by,
        actionWindowHours: o.action_window_hours,
        maxFindingsPerKind: o.max_findings_per_kind,
        register,
        continued,
      });
      const part = await scanLog(f, params);
      reading.push(...readingFindings(f.name, part.read, CLAUSE));
      total = total ? joinMonitoringTotals(total, part, 0, o.max_findings_per_kind) : part;
    }
    const found = new CappedFindings(o.max_findings_per_kind);
    if (total) found.absorb(total.found, 0);
    const timelines = new Map<string, SourceTimeline>([...(total?.timelines ?? [])].map(([source, t]) => [source, shiftTimeline(t, 0)]));
    const { scope = 0, undated = 0, handledInLog = 0, handledByRegister = 0, failureCount = 0 } = total ?? {};

    // The period: as given, else the span of all events, so a source that stopped early shows.
    const all = [...timelines.values()];
    const start = o.period_from ? Date.parse(`${o.period_from}T00:00:00+08:00`) : Math.min(...all.map((t) => t.first.time));
    const end = o.period_to ? Date.parse(`${o.period_to}T23:59:59.999+08:00`) : Math.max(...all.map((t) => t.last.time));
    let silentSources = 0;
    for (const [source, t] of [...timelines].sort(([a], [b]) => a.localeCompare(b))) {
      const gaps: { from: number; to: number; at: Endpoint; edge: 'start' | 'end' | null }[] = [];
      if (t.first.time - start > threshold) gaps.push({ from: start, to: t.first.time, at: t.first, edge: 'start' });
      for (const g of t.gaps) {
        const from = Math.max(g.from.time, start);
        const to = Math.min(g.to.time, end);
        if (to - from > threshold) gaps.push({ from, to, at: g.to, edge: null });
      }
      if (end - t.last.time > threshold) gaps.push({ from: t.last.time, to: end, at: t.last, edge: 'end' });
      if (gaps.length) silentSources++;
      for (const g of gaps.sort((a, b) => a.from - b.from)) {
        const span = `${fmtTime(g.from)} – ${fmtTime(g.to)} (${hours(g.to - g.from)} h)`;
        const where =
          g.edge === 'start'
            ? { en: `no event from the start of the period until line ${g.at.line}`, zh: `期間開始至第 ${g.at.line} 行之間無任何事件` }
            : g.edge === 'end'
              ? { en: `no event after line ${g.at.line} until the end of the period`, zh: `第 ${g.at.line} 行之後至期間結束無任何事件` }
              : { en: `no event before line ${g.at.line}`, zh: `第 ${g.at.line} 行之前無任何事件` };
        const entry = covers(source, g.from, g.to);
        const base = { clause: CLAUSE, file: g.at.file, line: g.at.line, rule: source };
        if (entry) {
          found.push({
            ...base,
            kind: 'silent_source_handled',
            severity: 'low',
            failing: false,
            blocking: [{ file: entry.file, line: entry.row, rule: entry.action }],
            detail: `${source} was silent ${span}: ${where.en}; action recorded: ${entry.action} (${entry.file} row ${entry.row})`,
            detailZh: `${source} 於 ${span} 未產生日誌：${where.zh}；已記錄處理措施：${entry.action}（${entry.file} 第 ${entry.row} 列）`,
          });
          continue;
        }
        found.push({
          ...base,
          kind: 'silent_source',
          severity: 'high',
          failing: true,
          blocking: [],
          detail: `${source} was silent ${span}, longer than ${o.silence_hours} h: ${where.en}, and no action is recorded; 8/(4)/d requires monitoring the audit logs and acting when they fail`,
          detailZh: `${source} 於 ${span} 未產生日誌，超過 ${o.silence_hours} 小時：${where.zh}，且無處理紀錄；違反 8/(4)/d 稽核日誌應建立監控機制，處理失效時應採取適當行動`,
        });
      }
    }

    for (const expected of o.expected_sources ?? []) {
      const source = expected.toLowerCase();
      if ([...timelines.keys()].some((k) => k === source || k.startsWith(`${source}/`))) continue;
      silentSources++;
      const whole = Number.isFinite(start) && Number.isFinite(end) ? ` (${fmtTime(start)} – ${fmtTime(end)})` : '';
      found.push({
        kind: 'silent_source',
        severity: 'high',
        failing: true,
        clause: CLAUSE,
        file: logs[0]?.name ?? null,
        line: null,
        rule: source,
        blocking: [],
        detail: `${source} is an expected source (option expected_sources) but has no event in the files${whole}; 8/(4)/d requires monitoring the audit logs of core systems`,
        detailZh: `${source} 為應產生日誌之來源（選項 expected_sources），但檔案中無任何事件${whole}；違反 8/(4)/d 核心系統稽核日誌應建立監控機制`,
      });
    }

    if (undated) {
      reading.push({
        kind: 'undated_records',
        severity: 'low',
        failing: false,
        clause: CLAUSE,
        file: logs[0]?.name ?? null,
        line: null,
        rule: null,
        blocking: [],
        detail: `${undated} records have no readable time; they count for failures but not for silence`,
        detailZh: `${undated} 筆紀錄無可辨識之時間；納入失效判斷，但不納入中斷判斷`,
      });
    }
    const findings = [...found.finish(CLAUSE), ...reading];
    const unhandled = found.counts.get('log_failure_unhandled') ?? 0;
    const silentGaps = found.counts.get('silent_source') ?? 0;
    return {
      verdict: verdictOf(findings, 0),
      scope,
      findings,
      summary: `${scope} events from ${timelines.size} sources: ${silentSources} went silent over ${o.silence_hours} h (${silentGaps} silences with no recorded action); ${failureCount + handledInLog} log-processing failures, ${handledInLog} handled in the log, ${handledByRegister} in the action register, ${unhandled} with no recorded action`,
      summaryZh: `共 ${scope} 筆事件、${timelines.size} 個來源：${silentSources} 個來源曾超過 ${o.silence_hours} 小時未產生日誌（其中 ${silentGaps} 次無處理紀錄）；日誌處理失效 ${failureCount + handledInLog} 筆，日誌內記載處理 ${handledInLog} 筆、處理紀錄表記載 ${handledByRegister} 筆、${unhandled} 筆無處理紀錄`,
    };
  },
});
