import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { MalformedCounter } from '../malformed-rows.js';
import { EventReader, type Outcome } from './read-events.js';
import { AttemptTracker, EPISODE_CAP, type Episode } from './track-attempts.js';

const DEFENCE_NAMES: Record<string, { en: string; zh: string }> = {
  lockout: { en: 'account lockout', zh: '帳號鎖定' },
  captcha: { en: 'CAPTCHA', zh: '圖形驗證碼' },
  rate_limit: { en: 'rate limit', zh: '限流' },
};

/** `2026-11-03 03:00:01` in the firm's zone, for findings a person reads. */
function wall(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

function zoneMinutes(zone: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * 7/(1)/j/(g) and 7/(1)/e/(c): bursts of sign-in or password-change attempts per account and per
 * source address, and credential stuffing (many accounts from one source), that no lockout,
 * CAPTCHA or rate limit answered, or answered later than configured; and a success for an
 * account the server had just locked.
 */
export const signinAttemptsAnalyzer = defineAnalyzer({
  id: 'signin-attempts',
  title: 'Automated sign-in and password-change attempts and whether the defence engaged',
  titleZh: '自動化登入與密碼更換嘗試及防護機制是否啟動',
  items: ['7/(1)/j/(g)', '7/(1)/e/(c)'],
  inputs: [
    {
      name: 'sign-in / password-change log',
      formats: ['jsonl', 'csv'],
      description:
        'one attempt per line: time (ISO 8601 with zone, or epoch), account/user, source_ip, event (login, password_change), outcome (success, failure, locked, captcha, throttled), system (optional)',
    },
  ],

  recognises({ name, head }) {
    if (!/\.(jsonl|ndjson|json|csv|log|txt)$/i.test(name)) return false;
    const sample = head.slice(0, 4096).toLowerCase();
    return (
      /login|logon|sign_?in|password_change|登入/.test(sample) &&
      /outcome|result|結果|status/.test(sample) &&
      /(src_ip|source_ip|client_ip|"ip"|,ip,|來源)/.test(sample)
    );
  },

  options: z.strictObject({
    window_seconds: option.integer(1, 86_400).default(300).describe('the sliding window in which attempts are counted'),
    max_attempts: option.integer(2, 100_000).default(10).describe('attempts from one account or one source within the window that make a burst'),
    stuffing_accounts: option.integer(2, 100_000).default(5).describe('distinct accounts from one source within the window that make credential stuffing'),
    defence: option.oneOf(['any', 'lockout', 'captcha', 'rate_limit']).default('any').describe('the configured defence; only its outcome counts as engaged'),
    defence_after: option
      .integer(1, 100_000)
      .optional()
      .describe('the configured threshold (e.g. lock after 5 failures): engaging after more attempts than this is late'),
    core_systems: option
      .list()
      .optional()
      .describe('systems (the log’s system field) that are core: there the defence is required (應), elsewhere advised (宜)'),
    timezone: z
      .string()
      .regex(/^[+-]\d{2}:?\d{2}$/, 'expected an offset such as +08:00 / 應為時區位移，如 +08:00')
      .default('+08:00')
      .describe('zone of timestamps that carry none (Taiwan: +08:00)'),
    max_keys: option.integer(100, 10_000_000).default(200_000).describe('accounts and sources tracked at once (bounded memory); more are counted as overflow'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const o = ctx.options;
    const defences: Outcome[] = o.defence === 'any' ? ['lockout', 'captcha', 'rate_limit'] : [o.defence];
    const offset = zoneMinutes(o.timezone);
    const bad = new MalformedCounter();
    const findings: AnalyzerFinding[] = [];
    let attempts = 0;
    let undetermined = 0;

    for (const f of ctx.files) {
      // Each file is its own log (one server, one system): its windows do not mix with another's.
      const reader = new EventReader(o.timezone);
      const tracker = new AttemptTracker({
        windowMs: o.window_seconds * 1000,
        maxAttempts: o.max_attempts,
        stuffingAccounts: o.stuffing_accounts,
        defences,
        maxKeys: o.max_keys,
      });
      let n = 0;
      // The last line is held back one step: if it is the one that breaks, the file was cut off.
      let pending: { line: number; bad: string; badZh: string } | null = null;
      for await (const raw of f.lines()) {
        n++;
        if (pending) bad.add({ file: f.name, line: pending.line, reason: pending.bad, reasonZh: pending.badZh });
        pending = null;
        const p = reader.read(raw);
        if ('event' in p) {
          attempts++;
          tracker.add(p.event, n);
        } else if ('bad' in p) pending = { line: n, bad: p.bad, badZh: p.badZh };
      }
      if (pending)
        bad.add({
          file: f.name,
          line: pending.line,
          reason: `the last line is cut off: the file looks truncated (${pending.bad})`,
          reasonZh: `最後一行不完整，檔案疑似遭截斷（${pending.badZh}）`,
        });
      tracker.finish();
      // In the log's order (runs settle when their window closes), the account before its source.
      const order = [...tracker.episodes].sort((a, b) => a.firstLine - b.firstLine || (a.dimension === b.dimension ? 0 : a.dimension === 'account' ? -1 : 1));
      for (const e of order) findings.push(...judge(e, f.name));
      if (tracker.more.episodes > 0)
        findings.push({
          kind: 'more_bursts',
          severity: 'high',
          failing: tracker.more.undefended > 0,
          clause: '7/(1)/j/(g)',
          file: f.name,
          line: null,
          rule: null,
          blocking: [],
          detail: `${tracker.more.episodes} more bursts beyond the first ${EPISODE_CAP} shown, ${tracker.more.undefended} of them with no defence engaged`,
          detailZh: `另有 ${tracker.more.episodes} 次密集嘗試未逐一列出（已列前 ${EPISODE_CAP} 次），其中 ${tracker.more.undefended} 次未見防護機制啟動`,
        });
      if (tracker.overflow > 0) {
        undetermined++;
        findings.push({
          kind: 'keys_overflow',
          severity: 'medium',
          failing: false,
          clause: '7/(1)/j/(g)',
          file: f.name,
          line: tracker.overflowFirstLine,
          rule: null,
          blocking: [],
          detail: `more than ${o.max_keys} accounts and sources at once: ${tracker.overflow} attempts (first at line ${tracker.overflowFirstLine}) were not tracked; raise max_keys to judge them`,
          detailZh: `同時追蹤之帳號與來源超過 ${o.max_keys} 個：${tracker.overflow} 筆嘗試（首筆第 ${tracker.overflowFirstLine} 行）未納入判斷；請調高 max_keys`,
        });
      }
    }

    function judge(e: Episode, file: string): AnalyzerFinding[] {
      const out: AnalyzerFinding[] = [];
      const core = !o.core_systems || (e.system !== null && o.core_systems.some((s) => s.toLowerCase() === e.system!.toLowerCase()));
      const what = e.action === 'login' ? 'sign-in' : 'password-change';
      const whatZh = e.action === 'login' ? '登入' : '密碼更換';
      const who = e.dimension === 'account' ? `account ${e.key}` : `source ${e.key}`;
      const whoZh = e.dimension === 'account' ? `帳號 ${e.key}` : `來源 ${e.key}`;
      const span = `${wall(e.firstTime, offset)} – ${wall(e.lastTime, offset)} (${o.timezone})`;
      const shape = e.stuffing
        ? `${e.accounts}${e.accounts !== null && e.accounts >= 10_000 ? '+' : ''} accounts tried from one source, ${e.attempts} ${what} attempts`
        : `${e.attempts} ${what} attempts, up to ${e.peak} within ${o.window_seconds} s`;
      const shapeZh = e.stuffing
        ? `同一來源嘗試 ${e.accounts} 個帳號，共 ${e.attempts} 次${whatZh}`
        : `${e.attempts} 次${whatZh}嘗試，${o.window_seconds} 秒內最多 ${e.peak} 次`;
      const at = { file, line: e.firstLine, rule: `${e.dimension} ${e.key}`, blocking: [] as AnalyzerFinding['blocking'] };
      if (e.burst) {
        const blocking = [
          { file, line: e.burstLine, rule: 'threshold reached' },
          ...(e.defenceLine ? [{ file, line: e.defenceLine, rule: `${e.defenceKind}` }] : []),
        ];
        const name = e.defenceKind ? DEFENCE_NAMES[e.defenceKind]! : null;
        const late = e.defenceAt !== null && o.defence_after !== undefined && e.defenceAt > o.defence_after + 1;
        const kind =
          e.defenceAt === null
            ? e.stuffing
              ? 'credential_stuffing_not_throttled'
              : 'burst_not_throttled'
            : late
              ? 'defence_late'
              : e.stuffing
                ? 'credential_stuffing_throttled'
                : 'burst_throttled';
        const failing = core && (e.defenceAt === null || late);
        const should = core ? '' : ' (not a core system: the defence is advised, 宜)';
        const shouldZh = core ? '' : '（非核心系統：宜防範）';
        out.push({
          ...at,
          blocking,
          kind,
          severity: e.defenceAt === null || late ? 'high' : 'info',
          failing,
          clause: '7/(1)/j/(g)',
          detail:
            e.defenceAt === null
              ? `${who}: ${shape}, ${span}; no ${o.defence === 'any' ? 'lockout, CAPTCHA or rate limit' : DEFENCE_NAMES[o.defence]!.en} engaged: automated attempts went unchecked (7/(1)/j/(g))${should}`
              : `${who}: ${shape}, ${span}; ${name!.en} engaged at attempt ${e.defenceAt}${late ? `, later than the configured ${o.defence_after} (7/(1)/j/(g))` : ''}${should}`,
          detailZh:
            e.defenceAt === null
              ? `${whoZh}：${shapeZh}，${span}；未見${o.defence === 'any' ? '帳號鎖定、圖形驗證碼或限流' : DEFENCE_NAMES[o.defence]!.zh}啟動，未防範自動化程式嘗試（7/(1)/j/(g)）${shouldZh}`
              : `${whoZh}：${shapeZh}，${span}；於第 ${e.defenceAt} 次嘗試啟動${name!.zh}${late ? `，晚於設定之 ${o.defence_after} 次（7/(1)/j/(g)）` : ''}${shouldZh}`,
        });
      }
      if (e.successAfterLockLine !== null) {
        out.push({
          ...at,
          line: e.successAfterLockLine,
          kind: 'success_while_locked',
          severity: 'high',
          failing: true,
          clause: '7/(1)/e/(c)',
          detail: `${who}: a ${what} succeeded after the account was locked in the same run (from line ${e.firstLine}); the server did not hold the lock (7/(1)/e/(c) server-side verification)`,
          detailZh: `${whoZh}：帳號鎖定後同一段嘗試中仍${whatZh}成功（自第 ${e.firstLine} 行起）；伺服器端未落實鎖定（7/(1)/e/(c) 伺服器端驗證）`,
        });
      }
      return out;
    }

    findings.push(...bad.findings('7/(1)/j/(g)'));
    const unchecked = findings.filter((f) => f.failing).length;
    const engaged = findings.filter((f) => f.kind === 'burst_throttled' || f.kind === 'credential_stuffing_throttled').length;
    return {
      // A few broken lines in a month of logs are reported, not fatal; more than 1 % leave the verdict open.
      verdict: verdictOf(findings, undetermined + (bad.total * 100 > attempts ? 1 : 0)),
      scope: attempts,
      findings,
      summary: `${attempts} sign-in and password-change attempts: ${unchecked} failing (unthrottled or late defence), ${engaged} bursts answered by the defence, ${bad.total} unreadable lines`,
      summaryZh: `共 ${attempts} 筆登入及密碼更換嘗試：${unchecked} 項缺失（未防護或防護過晚），${engaged} 次密集嘗試已由防護機制攔阻，${bad.total} 行無法判讀`,
    };
  },
});
