import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { child } from '../helpers/child-cli.js';
import { LICENCE, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const ccheck = home.ccheck;

const FW = '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.1.2.0/24 -d 10.9.9.9/32 -p tcp --dport 1000:3000 -j ACCEPT\nCOMMIT\n';

describe('ccheck analyze --firm --period records all or nothing (README: nothing stored changes when a command fails)', () => {
  it('a process killed while recording the first item’s result leaves no evidence row, no report and no result; run again, it records', async () => {
    expect((await ccheck('init')).code).toBe(0);
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await ccheck('inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
    const fw = path.join(home.dir, 'fw.rules');
    writeFileSync(fw, FW);
    const args = ['analyze', 'rule-set', fw, '--today', '2026-11-27', '--reviewed-on', '2026-06-01', '--firm', LICENCE, '--period', '2026-11'];
    const events = async () => (JSON.parse((await ccheck('audit', 'verify', '--json')).out) as { events: number }).events;
    const before = await events();

    // Killed (SIGKILL) inside the transaction, just before the first result commits: the evidence
    // row and the analyzer report were written earlier in the same command.
    const killed = await child(args, { ...home.env, CCHECK_FAULT: 'result.before-commit' }, home.dir);
    expect(killed.signal).toBe('SIGKILL');
    const evidence = JSON.parse((await ccheck('evidence', 'list', '--firm', LICENCE, '--json')).out) as { evidence: unknown[] };
    expect(evidence.evidence).toHaveLength(0);
    expect(await events()).toBe(before);
    const shown = JSON.parse((await ccheck('inspect', 'show', '--firm', LICENCE, '--period', '2026-11', '--json')).out) as {
      results: { path: string; status: string }[];
    };
    expect(shown.results.filter((r) => ['7/(1)/b/(h)', '7/(1)/b/(i)'].includes(r.path)).map((r) => r.status)).toEqual(['not_run', 'not_run']);
    expect((await ccheck('audit', 'verify')).code).toBe(0);

    const again = await ccheck(...args);
    expect(again.code, again.err).toBe(0);
    const after = JSON.parse((await ccheck('inspect', 'show', '--firm', LICENCE, '--period', '2026-11', '--json')).out) as {
      results: { path: string; status: string }[];
    };
    expect(after.results.filter((r) => ['7/(1)/b/(h)', '7/(1)/b/(i)'].includes(r.path)).map((r) => [r.path, r.status])).toEqual([
      ['7/(1)/b/(h)', 'fail'],
      ['7/(1)/b/(i)', 'pass'],
    ]);
  });
});
