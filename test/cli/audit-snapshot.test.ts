import { describe, expect, it } from 'vitest';
import { spawnCcheck, waitUntilStopped } from '../helpers/child-cli.js';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, resultSetArgs, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const ccheck = (...args: string[]) => runCcheck(args, { env: { ...home.env, CCHECK_USER: 'alice' }, cwd: home.dir });

// Issue 10 item 6: `audit verify` reads the chain and the rows in one snapshot. A write that
// commits between the two reads must not look like tampering.
describe('ccheck audit verify while another process writes', () => {
  it('reads the chain and the rows in one snapshot: a write committed in between is not tampering', async () => {
    expect((await ccheck('init')).code).toBe(0);
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await ccheck('inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);

    // The verifier stops itself right after reading the chain, before reading any row.
    const verify = spawnCcheck(['audit', 'verify', '--json'], { ...home.env, CCHECK_FAULT: 'audit.after-chain:stop' }, home.dir);
    await waitUntilStopped(verify);
    const write = await ccheck(...resultSetArgs('7/(1)/a/(j)', 'fail', 'sw-floor3 is past EOL', '2099-01-01'));
    expect(write.code, write.err).toBe(0);
    verify.proc.kill('SIGCONT');
    const done = await verify.done;
    expect(done.code, done.err).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ ok: true, problems: [] });

    // And afterwards the write is in the chain, verified.
    const after = await ccheck('audit', 'verify', '--json');
    expect(JSON.parse(after.out)).toMatchObject({ ok: true });
  }, 60_000);
});
