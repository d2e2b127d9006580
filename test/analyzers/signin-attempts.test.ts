import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventReader, parseTime, splitCsvLine } from '../../src/analyzers/signin-attempts/read-events.js';
import { signinAttemptsAnalyzer } from '../../src/analyzers/signin-attempts/signin-attempts.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { tempDir } from '../helpers/shared.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'signin-attempts');
const TODAY = '2026-11-27';
const run = (file: string, options: Record<string, string> = {}) => analyzeFiles('signin-attempts', [file], TODAY, options);
const row = (f: { kind: string; line: number | null; rule: string | null; clause: string; failing: boolean; blocking: readonly { line: number | null }[] }) => [
  f.kind,
  f.line,
  f.rule,
  f.clause,
  f.failing,
  f.blocking.map((b) => b.line),
];
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('signin-attempts: reading logs', () => {
  it('reads timestamps with their zone, epochs, and zone-less times in the firm’s zone', () => {
    const utc = Date.UTC(2026, 10, 3, 1, 0, 0);
    expect(parseTime('2026-11-03T09:00:00+08:00', '+08:00')).toBe(utc);
    expect(parseTime('2026-11-03T01:00:00Z', '+08:00')).toBe(utc);
    expect(parseTime('2026-11-03 09:00:00', '+08:00')).toBe(utc);
    expect(parseTime('2026-11-03T09:00:00+0800', '+00:00')).toBe(utc);
    expect(parseTime(String(utc / 1000), '+08:00')).toBe(utc);
    expect(parseTime(String(utc), '+08:00')).toBe(utc);
    expect(parseTime('03/11/2026 09:00', '+08:00')).toBeUndefined();
    expect(splitCsvLine('a,"b, c","d ""e""",')).toEqual(['a', 'b, c', 'd "e"', '']);
    expect(splitCsvLine('a,"b')).toBeUndefined();
  });

  it('reads nested ECS fields and skips events that are not attempts', () => {
    const r = new EventReader('+08:00');
    expect(
      r.read('{"@timestamp":"2026-11-03T01:00:00Z","user":{"name":"g"},"source":{"ip":"10.5.5.5"},"event":{"action":"logon","outcome":"failure"}}'),
    ).toEqual({
      event: { time: Date.UTC(2026, 10, 3, 1), account: 'g', source: '10.5.5.5', action: 'login', outcome: 'failure', system: null },
    });
    expect(r.read('{"time":"2026-11-03T01:00:00Z","user":"g","event":"logout","outcome":"success"}')).toEqual({ skip: true });
    expect(r.read('time,user')).toMatchObject({ bad: 'not a JSON object (cut or broken line)' }); // a JSON Lines log stays one
  });
});

describe('signin-attempts analyzer (7/(1)/j/(g), 7/(1)/e/(c))', () => {
  it('finds unthrottled bursts, credential stuffing and a success after lockout, and says when the defence engaged', async () => {
    const r = await run(path.join(FIX, 'auth.jsonl'));
    expect(r).toMatchObject({ verdict: 'fail', scope: 46 });
    expect(r.findings.map(row)).toEqual([
      // bob: 12 failures from 12 addresses in 55 s: the burst per account, no defence
      ['burst_not_throttled', 2, 'account bob', '7/(1)/j/(g)', true, [11]],
      // carol: locked at the 6th attempt, for the account and its one source
      ['burst_throttled', 14, 'account carol', '7/(1)/j/(g)', false, [23, 19]],
      ['burst_throttled', 14, 'source 198.51.100.20', '7/(1)/j/(g)', false, [23, 19]],
      // one address, six accounts, one try each: no account lockout can see it
      ['credential_stuffing_not_throttled', 26, 'source 192.0.2.66', '7/(1)/j/(g)', true, [30]],
      ['burst_throttled', 32, 'account dave', '7/(1)/j/(g)', false, [41, 42]],
      ['burst_throttled', 32, 'source 10.2.2.2', '7/(1)/j/(g)', false, [41, 42]],
      ['success_while_locked', 45, 'account erin', '7/(1)/e/(c)', true, []],
      ['malformed_input', 47, null, '7/(1)/j/(g)', false, [48, 51]],
    ]);
    expect(r.findings[0]!.detail).toBe(
      'account bob: 12 sign-in attempts, up to 10 within 300 s, 2026-11-03 03:00:00 – 2026-11-03 03:00:55 (+08:00); no lockout, CAPTCHA or rate limit engaged: automated attempts went unchecked (7/(1)/j/(g))',
    );
    expect(r.findings[1]!.detail).toContain('account lockout engaged at attempt 6');
    expect(r.findings[4]!.detailZh).toContain('於第 11 次嘗試啟動圖形驗證碼');
    expect(r.findings[7]!.detail).toBe(
      '3 unreadable rows/lines, not judged: line 47: outcome "weird" is none of success/failure/locked/captcha/throttled; line 48: not a JSON object (cut or broken line); line 51: the last line is cut off: the file looks truncated (not a JSON object (cut or broken line))',
    );
  });

  it('a defence that engages later than configured is late; a required defence kind must be the one that engaged', async () => {
    const late = await run(path.join(FIX, 'auth.jsonl'), { defence_after: '5' });
    expect(late.findings.filter((f) => f.kind === 'defence_late').map((f) => [f.rule, f.failing])).toEqual([
      ['account dave', true],
      ['source 10.2.2.2', true],
    ]);
    // carol's lockout at attempt 6 is on time for "lock after 5"
    expect(late.findings.filter((f) => f.rule === 'account carol').map((f) => f.kind)).toEqual(['burst_throttled']);
    const captchaOnly = await run(path.join(FIX, 'auth.jsonl'), { defence: 'captcha' });
    expect(captchaOnly.findings.filter((f) => f.rule === 'account carol').map((f) => f.kind)).toEqual(['burst_not_throttled']);
  });

  it('windows and thresholds are options; non-core systems are advised, not failed', async () => {
    const wide = await run(path.join(FIX, 'auth.jsonl'), { max_attempts: '13', stuffing_accounts: '7' });
    expect(wide.findings.map((f) => f.kind)).toEqual(['success_while_locked', 'malformed_input']);
    const narrow = await run(path.join(FIX, 'auth.jsonl'), { window_seconds: '20' });
    expect(narrow.findings.filter((f) => f.rule === 'account bob')).toEqual([]); // 5 per 20 s
    const nonCore = await run(path.join(FIX, 'auth.jsonl'), { core_systems: '核心交易' });
    const bob = nonCore.findings.find((f) => f.rule === 'account bob')!;
    expect([bob.kind, bob.failing]).toEqual(['burst_not_throttled', false]);
    expect(bob.detailZh).toContain('（非核心系統：宜防範）');
  });

  it('reads CSV (BOM, CRLF, epoch times, quoted commas) and reports short and cut lines', async () => {
    const r = await run(path.join(FIX, 'auth.csv'));
    expect(r.scope).toBe(11);
    expect(r.findings.map(row)).toEqual([
      ['credential_stuffing_throttled', 2, 'source 192.0.2.99', '7/(1)/j/(g)', false, [6, 8]],
      ['malformed_input', 12, null, '7/(1)/j/(g)', false, [13]],
    ]);
    expect(r.findings[0]!.detail).toBe(
      'source 192.0.2.99: 10 accounts tried from one source, 10 sign-in attempts, 2026-11-04 09:00:00 – 2026-11-04 09:01:30 (+08:00); rate limit engaged at attempt 7',
    );
    // 2 of 13 lines unreadable is more than 1 %: the verdict stays open rather than pass
    expect(r.verdict).toBe('error');
  });

  it('keeps memory bounded: tracked keys are capped and the overflow is reported, never dropped silently', async () => {
    const file = path.join(tmp.dir, 'many.jsonl');
    const t0 = Date.UTC(2026, 10, 3, 0, 0, 0);
    const lines = Array.from({ length: 150 }, (_, i) =>
      JSON.stringify({ ts: new Date(t0 + i * 1000).toISOString(), user: `u${i}`, src_ip: `10.0.${i}.1`, outcome: 'success' }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run(file, { max_keys: '100' });
    expect(r.verdict).toBe('error');
    expect(r.findings.map((f) => [f.kind, f.line, f.failing])).toEqual([['keys_overflow', 51, false]]);
    expect(r.findings[0]!.detail).toContain('200 attempts (first at line 51) were not tracked');
    const ok = await run(file);
    expect(ok).toMatchObject({ verdict: 'pass', scope: 150, findings: [] });
  });

  it('recognises a sign-in log by content', () => {
    const head = '{"timestamp":"2026-11-03T09:00:00+08:00","user":"alice","src_ip":"10.1.1.5","event":"login","outcome":"success"}';
    expect(signinAttemptsAnalyzer.recognises!({ name: 'auth.jsonl', head })).toBe(true);
    expect(signinAttemptsAnalyzer.recognises!({ name: 'auth.csv', head: 'time,account,source_ip,action,result\n1,a,1.2.3.4,login,failure' })).toBe(true);
    expect(signinAttemptsAnalyzer.recognises!({ name: 'devices.csv', head: 'hostname,vendor' })).toBe(false);
  });
});
