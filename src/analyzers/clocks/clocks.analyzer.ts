import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { CoreError } from '../../core/errors.js';
import { MalformedRecords, unreadable } from '../malformed-records.js';
import { looksLikeTimeSync, parseTimeSync, type HostClock, type TimeBlock, type TimeSource } from './time-sync-outputs.js';

const CLAUSE = '7/(2)/b/(f)';

const ms = (x: number) => `${Math.round(x * 1000) / 1000} ms`;

/**
 * 7/(2)/b/(f): system clocks synchronised regularly with a reference time source. Each host is
 * judged from what its tools print: synchronised or not, a reference it can reach, and the
 * offset from it against a threshold.
 */
export const clocksAnalyzer = defineAnalyzer({
  id: 'clocks',
  title: 'Clock synchronisation: hosts not synchronised, offset over the threshold, no reachable reference',
  titleZh: '系統時鐘校時：未同步、時間偏差超過門檻、無可連線之基準時間源',
  items: [CLAUSE],
  inputs: [
    { name: 'ntpq', formats: ['ntpq -p', 'ntpq -pn'], description: 'the peer table; offset in milliseconds' },
    {
      name: 'chrony',
      formats: ['chronyc tracking', 'chronyc sources [-v]'],
      description: 'System time in seconds; source offsets with their unit (ns, us, ms, s)',
    },
    { name: 'timedatectl', formats: ['timedatectl [status]', 'timedatectl show'], description: 'System clock synchronized / NTPSynchronized' },
    {
      name: 'hosts',
      formats: ['one file per host', 'sections'],
      description: 'host from the file name (db01.ntpq.txt → db01), or sections started by "# host: db01" or a shell prompt ([root@db01 ~]# ntpq -p)',
    },
  ],

  recognises({ name, head }) {
    return !/\.(csv|tsv|xlsx|ya?ml|json)$/i.test(name) && looksLikeTimeSync(head);
  },

  options: z.strictObject({
    max_offset_ms: option.number(0, 3_600_000).default(100).describe('largest tolerated offset from the reference, in milliseconds'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const findings: AnalyzerFinding[] = [];
    const limit = ctx.options.max_offset_ms;
    const hosts = new Set<string>();
    const judged = new Set<string>();
    let undetermined = 0;
    for (const f of ctx.files) {
      let text: string;
      try {
        text = await f.text();
      } catch (e) {
        if (e instanceof CoreError && e.code === 'INPUT_UNKNOWN_ENCODING') {
          undetermined++;
          findings.push(unreadable(f.name, e.message, CLAUSE));
          continue;
        }
        throw e;
      }
      const parsed = parseTimeSync(f.name, text);
      const bad = new MalformedRecords(f.name, 'line');
      for (const m of parsed.malformed) bad.add(m.line, m.en, m.zh);
      for (const h of parsed.hosts) {
        hosts.add(h.host);
        const verdict = judgeHost(f.name, h, limit);
        findings.push(...verdict.findings);
        if (verdict.judged) judged.add(h.host);
      }
      const m = bad.finding(CLAUSE);
      if (m) findings.push(m);
    }
    // A host none of whose outputs could be judged (only broken lines, "not authorized") is undetermined.
    const unjudged = [...hosts].filter((h) => !judged.has(h));
    for (const h of unjudged) if (!findings.some((x) => x.rule === h && x.failing)) undetermined++;
    const failingHosts = new Set(findings.filter((x) => x.failing).map((x) => x.rule)).size;
    return {
      verdict: verdictOf(findings, undetermined),
      scope: judged.size,
      findings,
      summary: `${hosts.size} hosts: ${failingHosts} failing, ${unjudged.length} could not be judged (offset limit ${limit} ms)`,
      summaryZh: `共 ${hosts.size} 台主機：${failingHosts} 台不符合，${unjudged.length} 台無法判斷（時間偏差門檻 ${limit} 毫秒）`,
    };
  },
});

/** Every block a host printed, judged on its own, so each finding names the line that shows it. */
function judgeHost(file: string, h: HostClock, limit: number): { findings: AnalyzerFinding[]; judged: boolean } {
  const out: AnalyzerFinding[] = [];
  let judged = false;
  const push = (line: number, kind: string, failing: boolean, en: string, zh: string, severity: AnalyzerFinding['severity'] = 'high') =>
    out.push({ kind, severity, failing, clause: CLAUSE, file, line, rule: h.host, blocking: [], detail: `${h.host}: ${en}`, detailZh: `${h.host}：${zh}` });
  const offset = (line: number, value: number, source: string) => {
    if (Math.abs(value) > limit)
      push(
        line,
        'offset_over_threshold',
        true,
        `${source} offset ${ms(value)}, more than ${limit} ms from the reference time source`,
        `${source} 時間偏差 ${ms(value)}，超過門檻 ${limit} 毫秒`,
      );
  };
  for (const b of h.blocks) {
    if (b.kind === 'chronyc tracking') {
      judged = true;
      if (!b.synchronised)
        push(b.line, 'not_synchronised', true, `chronyc tracking: not synchronised (${b.why})`, `chronyc tracking：未與基準時間源同步（${b.why}）`);
      else if (b.offsetMs !== null) offset(b.offsetLine, b.offsetMs, 'chronyc tracking: system time');
    } else if (b.kind === 'timedatectl') {
      if (b.synchronised === null) continue;
      judged = true;
      if (!b.synchronised) {
        const svc = b.serviceActive === false ? '; the NTP service is not active' : '';
        const svcZh = b.serviceActive === false ? '；NTP 服務未啟用' : '';
        push(b.syncLine, 'not_synchronised', true, `timedatectl: system clock not synchronised${svc}`, `timedatectl：系統時鐘未同步${svcZh}`);
      }
    } else {
      const r = judgeSources(b, limit);
      if (r === null) continue;
      judged = true;
      for (const x of r) push(x.line, x.kind, x.failing, x.en, x.zh, x.severity);
    }
  }
  return { findings: out, judged };
}

interface SourceFinding {
  line: number;
  kind: string;
  failing: boolean;
  en: string;
  zh: string;
  severity: AnalyzerFinding['severity'];
}

/**
 * An ntpq or chronyc sources table. Null when it cannot be judged: a broken line may have been
 * the reference in use, so absence is not concluded from a table with broken lines.
 */
function judgeSources(b: Extract<TimeBlock, { sources: TimeSource[] }>, limit: number): SourceFinding[] | null {
  const out: SourceFinding[] = [];
  const tool = b.kind;
  const servers = b.sources.filter((s) => !s.pool);
  // ntpq marks the system peer `*` (or `o` with PPS); chrony marks the source in use `*`.
  const selected = servers.find((s) => s.tally === '*' || (tool === 'ntpq' && s.tally === 'o'));
  for (const s of servers)
    if (s.stratum === 16)
      out.push({
        line: s.line,
        kind: 'stratum_16',
        failing: false,
        severity: 'low',
        en: `${tool}: ${s.remote} is at stratum 16 (itself unsynchronised); it cannot serve as a reference`,
        zh: `${tool}：${s.remote} 之階層為 16（本身未同步），不能作為基準時間源`,
      });
  if (selected) {
    // No offset column: synchronised, but how far off cannot be told.
    if (selected.offsetMs === null) return null;
    if (Math.abs(selected.offsetMs) > limit)
      out.push({
        line: selected.line,
        kind: 'offset_over_threshold',
        failing: true,
        severity: 'high',
        en: `${tool}: offset ${ms(selected.offsetMs)} from ${selected.remote}, the reference in use, more than ${limit} ms`,
        zh: `${tool}：與使用中之基準時間源 ${selected.remote} 偏差 ${ms(selected.offsetMs)}，超過門檻 ${limit} 毫秒`,
      });
    return out;
  }
  if (b.malformed > 0) return null;
  // chrony's `?` is unusable, `x` a falseticker; a stratum-16 server has no time to give.
  const reachable = servers.filter((s) => s.reach > 0 && s.stratum !== 16 && !(tool === 'chronyc sources' && /[?x]/.test(s.tally)));
  if (reachable.length === 0) {
    const what =
      servers.length === 0
        ? b.sources.length
          ? 'only pool placeholders (.POOL.), no server'
          : 'no time source'
        : `none of ${servers.length} source(s) reachable (reach 0 or stratum 16)`;
    const whatZh =
      servers.length === 0
        ? b.sources.length
          ? '僅有 pool 設定（.POOL.），無實際伺服器'
          : '無任何時間源'
        : `${servers.length} 個時間源皆無法連線（reach 為 0 或階層 16）`;
    out.push({ line: b.line, kind: 'no_reachable_reference', failing: true, severity: 'high', en: `${tool}: ${what}`, zh: `${tool}：${whatZh}` });
  } else {
    out.push({
      line: b.line,
      kind: 'not_synchronised',
      failing: true,
      severity: 'high',
      en: `${tool}: ${reachable.length} source(s) reachable but none selected (no * tally code)`,
      zh: `${tool}：${reachable.length} 個時間源可連線，但無選定之同步來源（無 * 標記）`,
    });
  }
  return out;
}
