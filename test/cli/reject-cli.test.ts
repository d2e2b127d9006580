import { describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, resultSetArgs, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const as = (who: string, ...args: string[]) => runCcheck(args, { env: { ...home.env, CCHECK_USER: who }, cwd: home.dir });
const ITEM = '7/(1)/a/(j)';
const ref = ['--firm', LICENCE, '--period', '2026-11', '--item', ITEM];

describe('ccheck result reject (issue 12 item 3)', () => {
  it('sends a result back with a reason, never the recorder’s own; --as may not take an account’s form', async () => {
    expect((await as('alice', 'init')).code).toBe(0);
    expect((await as('alice', 'firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await as('alice', 'inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
    expect((await as('alice', ...resultSetArgs(ITEM, 'pass', 'no EOL devices found', '2099-01-01'))).code).toBe(0);

    const self = await as('alice', 'result', 'reject', ...ref, '--reason', 'the inventory is from 2025', '--json');
    expect(self.code).toBe(5);
    expect(JSON.parse(self.err)).toMatchObject({ error: { code: 'RESULT_SELF_APPROVAL' } });

    const r = await as('bob', 'result', 'reject', ...ref, '--reason', 'the inventory is from 2025', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ path: ITEM, review: 'reject', by: 'bob', reason: 'the inventory is from 2025' });
    const shown = JSON.parse((await as('alice', 'inspect', 'show', '--firm', LICENCE, '--period', '2026-11', '--json')).out) as {
      results: { path: string; approval: { state: string; reason?: string } | null }[];
    };
    expect(shown.results.find((x) => x.path === ITEM)!.approval).toMatchObject({ state: 'rejected', reason: 'the inventory is from 2025' });

    // A name typed at a terminal may not pass for an account (it would be compared as that account).
    const forged = await runCcheck(['result', 'approve', ...ref, '--as', 'bob [account 3f2a]', '--lang', 'zh-TW'], { env: home.env, cwd: home.dir });
    expect(forged.code).toBe(3);
    expect(forged.err).toContain('ACTOR_NAME_INVALID');
    expect(forged.err).toContain('帳號之格式');
  }, 60_000);
});
