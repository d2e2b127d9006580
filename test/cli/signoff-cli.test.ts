import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, resultSetArgs, useCliHome } from '../helpers/cli-home.js';
import { rewriteZip } from '../helpers/zip.js';

const home = useCliHome();
const as = (who: string, ...args: string[]) => runCcheck(args, { env: { ...home.env, CCHECK_USER: who }, cwd: home.dir });

describe('ccheck inspect sign / revise, package export / verify (issue 12)', () => {
  it('refuses an incomplete sign-off in both languages, signs a complete run, and an examiner verifies the package with one command', async () => {
    expect((await as('alice', 'init')).code).toBe(0);
    expect((await as('alice', 'firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await as('alice', 'inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
    const notReady = await as('carol', 'inspect', 'sign', '--firm', LICENCE, '--period', '2026-11', '--lang', 'zh-TW');
    expect(notReady.code).toBe(5);
    expect(notReady.err).toContain('RUN_NOT_READY_FOR_SIGNOFF');
    expect(notReady.err).toContain('不得簽核'); // zh-TW
    expect(notReady.err).toContain('cannot be signed off'); // and English
    expect(notReady.err).toContain('7/(1)/a/(j) (not_run)');

    const shown = JSON.parse((await as('alice', 'inspect', 'show', '--firm', LICENCE, '--period', '2026-11', '--json')).out) as {
      results: { path: string; status: string }[];
    };
    for (const r of shown.results.filter((x) => x.status !== 'not_applicable')) {
      const ref = ['--firm', LICENCE, '--period', '2026-11', '--item', r.path];
      expect((await as('alice', 'result', 'set', ...ref, '--status', 'pass', '--justification', 'checked on site', '--expires', '2099-01-01')).code).toBe(0);
      expect((await as('bob', 'result', 'approve', ...ref)).code).toBe(0);
    }
    const self = await as('alice', 'inspect', 'sign', '--firm', LICENCE, '--period', '2026-11', '--json');
    expect(JSON.parse(self.err)).toMatchObject({ error: { code: 'RUN_SIGNOFF_SELF' } });
    const signed = await as('carol', 'inspect', 'sign', '--firm', LICENCE, '--period', '2026-11', '--json');
    expect(signed.code, signed.err).toBe(0);
    const signoff = JSON.parse(signed.out) as { signed_by: string; revision: number; authentication: string };
    expect(signoff).toMatchObject({ signed_by: 'carol', revision: 1 });
    expect(signoff.authentication).toMatch(/^local operator, OS account /);

    const refused = await as('alice', ...resultSetArgs('7/(1)/a/(j)', 'fail', 'EOL switch', '2099-01-01'));
    expect(refused.code).toBe(5);
    expect(refused.err).toContain('RUN_SIGNED');

    const exported = await as('carol', 'package', 'export', '--firm', LICENCE, '--period', '2026-11', '-o', 'pkg.zip', '--json');
    expect(exported.code, exported.err).toBe(0);
    const ok = await as('examiner', 'package', 'verify', 'pkg.zip', '--store');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('package intact');

    // One byte of the report changed inside the archive: non-zero exit, the code, and which file.
    await rewriteZip(path.join(home.dir, 'pkg.zip'), path.join(home.dir, 'bad.zip'), (name, body) =>
      name.endsWith('.html') ? Buffer.from(body.toString('utf8').replace('carol', 'carel')) : body,
    );
    const bad = await as('examiner', 'package', 'verify', 'bad.zip');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('PACKAGE_INVALID');
    expect(bad.out).toMatch(/file_changed report\/inspection-report-2026-11-r1\.html/);

    const revised = await as('carol', 'inspect', 'revise', '--firm', LICENCE, '--period', '2026-11', '--json');
    expect(JSON.parse(revised.out)).toMatchObject({ revision: 2 });
    const audit = JSON.parse((await as('alice', 'audit', 'verify', '--json')).out) as { ok: boolean; unauthenticatedBefore: number | null };
    expect(audit).toMatchObject({ ok: true, unauthenticatedBefore: null });
    const human = await as('alice', 'audit', 'verify');
    expect(human.code).toBe(0);
    expect(human.out).toContain('audit trail intact');
  }, 180_000); // ~140 commands: generous on a busy 2-core machine
});
