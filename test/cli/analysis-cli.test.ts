import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { TEMPLATE } from '../helpers/profiles.js';
import { FIXTURES, tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const ccheck = (...args: string[]) =>
  runCcheck(args, { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'zh_TW.UTF-8', CCHECK_USER: 'alice' }, cwd: tmp.dir, columns: 160 });

const ASA = path.join(FIXTURES, 'firewall', 'edge-policy.asa');

describe('ccheck analyzers / analyze', () => {
  it('lists the analyzers with the items they evidence', async () => {
    const r = await ccheck('analyzers', '--json');
    const list = (JSON.parse(r.out) as { analyzers: { id: string; items: string[] }[] }).analyzers;
    expect(list.map((a) => [a.id, a.items])).toEqual([
      ['device-lifecycle', ['7/(1)/a/(j)']],
      ['rule-set', ['7/(1)/b/(h)', '7/(1)/b/(i)']],
      ['signin-factors', ['7/(1)/c/(c)', '7/(1)/d', '7/(1)/d/(a)', '7/(1)/d/(b)', '7/(1)/d/(c)', '12/(6)/a']],
      ['accounts', ['8/(2)/f', '8/(2)/h', '7/(2)/b/(h)']],
      ['signin-attempts', ['7/(1)/j/(g)', '7/(1)/e/(c)']],
      ['backups', ['7/(2)/c/(f)', '7/(2)/c/(g)']],
      ['continuity', ['1/(4)', '10/(3)', '10/(4)', '10/(10)']],
      ['clocks', ['7/(2)/b/(f)']],
      ['log-monitoring', ['8/(4)/d']],
      ['pd-trails', ['8/(5)/k']],
    ]);
  });

  it('prints the documented JSON: analyzer, items, verdict, findings with file, line, rule and blocking lines', async () => {
    const r = await ccheck('analyze', 'rule-set', ASA, '--today', '2026-11-27', '--reviewed-on', '2026-06-01', '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { analyzer: string; items: string[]; verdict: string; findings: Record<string, unknown>[] };
    expect(body).toMatchObject({ analyzer: 'rule-set', items: ['7/(1)/b/(h)', '7/(1)/b/(i)'], verdict: 'fail' });
    expect(Object.keys(body.findings[0]!).slice(0, 7)).toEqual(['kind', 'severity', 'file', 'line', 'rule', 'detail', 'detail_zh']);
    const redundant = body.findings.find((f) => f.kind === 'redundant' && f.line === 16)!;
    expect(redundant).toMatchObject({
      file: 'edge-policy.asa',
      rule: 'deny-from-private',
      blocking: [{ file: 'edge-policy.asa', line: 8, rule: 'deny-from-bogons' }],
    });
    expect(body.findings.find((f) => f.kind === 'any_any')).toMatchObject({ line: 46, severity: 'high', failing: true });
  });

  it('records the verdict into an inspection, with the files as encrypted evidence', async () => {
    writeFileSync(path.join(tmp.dir, 'firm.yaml'), TEMPLATE);
    await ccheck('init');
    await ccheck('firm', 'add', '--profile', 'firm.yaml');
    await ccheck('inspect', 'start', '--firm', '金管證總字第0000號', '--period', '2026-11');
    // Without --as or CCHECK_USER the login name records, as for every other command (cli-context.ts operatorOf).
    const r = await runCcheck(
      ['analyze', 'rule-set', ASA, '--today', '2026-11-27', '--reviewed-on', '2026-06-01', '--firm', '金管證總字第0000號', '--period', '2026-11'],
      { env: { CCHECK_HOME: path.join(tmp.dir, 'home'), LANG: 'zh_TW.UTF-8' }, cwd: tmp.dir, columns: 160 },
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('已記錄至 2026-11 查核：7/(1)/b/(h)、7/(1)/b/(i)');
    const shown = JSON.parse((await ccheck('inspect', 'show', '--firm', '金管證總字第0000號', '--period', '2026-11', '--json')).out) as {
      results: { path: string; status: string; source: string; evidence: string[]; justification: string; recorded_by: string }[];
    };
    const item = shown.results.find((x) => x.path === '7/(1)/b/(h)')!;
    expect(item).toMatchObject({ status: 'fail', source: 'analyzer', recorded_by: os.userInfo().username });
    expect(item.evidence).toHaveLength(1);
    expect(item.justification).toContain('[rule-set]');
    // Each item gets its own verdict: the rules were reviewed on 2026-06-01, so the yearly review
    // (7/(1)/b/(i)) passes while the rules themselves (7/(1)/b/(h)) fail; one finding opens.
    expect(shown.results.find((x) => x.path === '7/(1)/b/(i)')).toMatchObject({ status: 'pass', source: 'analyzer' });
    const findings = JSON.parse((await ccheck('finding', 'list', '--json')).out) as { findings: { path: string; severity: string }[] };
    expect(findings.findings.map((f) => f.path).sort()).toEqual(['7/(1)/b/(h)']);
    // The any-any permit is a high analyzer finding: the finding it opens is high too (issue 10).
    expect(findings.findings[0]!.severity).toBe('high');
    expect((await ccheck('audit', 'verify')).code).toBe(0);
  });

  it('says clearly when the analyzer or the syntax is unknown', async () => {
    const none = await ccheck('analyze', 'no-such', ASA);
    expect(none.code).toBe(3);
    expect(none.err).toContain('no analyzer "no-such"');
    // An unknown syntax is the user's error (exit 3, the option named), not an analyzer verdict.
    const bad = await ccheck('analyze', 'rule-set', ASA, '--syntax', 'cobol', '--json');
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.out || bad.err)).toMatchObject({ error: { code: 'ANALYZER_OPTION_INVALID' } });
    expect(bad.out || bad.err).toContain('syntax');
  });
});
