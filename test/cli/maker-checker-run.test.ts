import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { runCcheck } from '../helpers/cli.js';
import { LICENCE, resultSetArgs, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const ccheck = (...args: string[]) => runCcheck(args, { env: { ...home.env, CCHECK_USER: 'officer' }, cwd: home.dir });
const profile = path.join(packageRoot(), 'data', 'templates', 'firm-profile.yaml');
const demo = (f: string) => path.join(packageRoot(), 'data', 'demo', f);

interface Shown {
  results: { path: string; status: string; recorded_by: string | null; approval: { state: string; by: string } | null }[];
}
const show = async (period: string) => (JSON.parse((await ccheck('inspect', 'show', '--firm', LICENCE, '--period', period, '--json')).out) as Shown).results;

function evidenceFolder(attestations: string[]): void {
  const ev = path.join(home.dir, 'ev');
  mkdirSync(ev, { recursive: true });
  copyFileSync(demo('devices.csv'), path.join(ev, 'devices.csv'));
  writeFileSync(path.join(ev, 'policy.txt'), '遠端連線管理辦法 v3\n');
  writeFileSync(
    path.join(ev, 'ccheck-evidence.yaml'),
    ['period: 2026-11', 'analyzers:', '  device-lifecycle: { files: [devices.csv] }', 'attestations:', ...attestations, ''].join('\n'),
  );
}
const attestation = (item: string) => [
  `  - path: ${item}`,
  '    status: pass',
  '    justification: 遠端連線管理辦法 v3 已覆核',
  '    evidence: [policy.txt]',
  '    expires_on: 2027-06-30',
];

describe('ccheck run is all or nothing (issue 15 item 3)', () => {
  it('stores nothing when an attestation names an item the run does not have, and runs cleanly once fixed', async () => {
    evidenceFolder([...attestation('7/(1)/a/(h)'), ...attestation('9/(9)/z')]);
    const failed = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out', '--json');
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.err)).toMatchObject({ error: { code: 'RUN_ITEM_NOT_IN_RUN' } });
    // No firm, no run, no analyzer result, no attestation: not one audit event.
    expect(JSON.parse((await ccheck('firm', 'list', '--json')).out)).toEqual({ firms: [] });
    expect(JSON.parse((await ccheck('inspect', 'list', '--json')).out)).toEqual({ runs: [] });
    expect(JSON.parse((await ccheck('audit', 'verify', '--json')).out)).toMatchObject({ ok: true, events: 0 });

    evidenceFolder(attestation('7/(1)/a/(h)'));
    const again = await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out', '--json');
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ firmAdded: true, runStarted: true, attestations: 1 });
    expect((await show('2026-11')).find((r) => r.path === '7/(1)/a/(h)')).toMatchObject({ status: 'pass', recorded_by: 'officer' });
    expect((await ccheck('audit', 'verify')).code).toBe(0);
  });
});

describe('maker-checker by identity, not by spelling (issue 15 item 5)', () => {
  it('keeps whoever ran `ccheck run --as X` from approving what the run recorded, under X or ccheck (X)', async () => {
    evidenceFolder(attestation('7/(1)/a/(h)'));
    expect((await ccheck('run', '--profile', profile, '--evidence', 'ev', '--today', '2026-11-27', '-o', 'out', '--as', 'Supervisor')).code).toBe(0);
    const analyzed = (await show('2026-11')).find((r) => r.recorded_by === 'ccheck (Supervisor)')!;
    expect(analyzed).toBeDefined();
    for (const who of ['Supervisor', 'ｓｕｐｅｒｖｉｓｏｒ', 'ccheck (supervisor)']) {
      const self = await ccheck('result', 'approve', '--firm', LICENCE, '--period', '2026-11', '--item', analyzed.path, '--as', who);
      expect(self.code, who).toBe(5);
      expect(self.err).toContain('[RESULT_SELF_APPROVAL]');
    }
    const attested = await ccheck('result', 'approve', '--firm', LICENCE, '--period', '2026-11', '--item', '7/(1)/a/(h)', '--as', 'supervisor');
    expect(attested.code).toBe(5);
    expect((await ccheck('result', 'approve', '--firm', LICENCE, '--period', '2026-11', '--item', analyzed.path, '--as', 'checker')).code).toBe(0);
  });

  it('refuses names with invisible characters, folds fullwidth and decomposed spellings, and checks the content’s whole history', async () => {
    expect((await ccheck('init')).code).toBe(0);
    copyFileSync(profile, path.join(home.dir, 'firm.yaml'));
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await ccheck('inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
    const item = '7/(1)/a/(j)';
    const set = (who: string, status = 'pass') => ccheck(...resultSetArgs(item, status, 'all devices supported', '2099-01-01'), '--as', who);
    const approve = (who: string) => ccheck('result', 'approve', '--firm', LICENCE, '--period', '2026-11', '--item', item, '--as', who);

    expect((await set('王小明')).code).toBe(0);
    const zwsp = await approve('王小明\u200b');
    expect(zwsp.code).toBe(3);
    expect(zwsp.err).toContain('[ACTOR_NAME_INVALID]');
    expect(zwsp.err).toContain('U+200B');
    expect((await approve('王\u00ad小明')).code).toBe(3);
    expect((await set('Jose\u0301')).code).toBe(0);
    expect((await approve('José')).code).toBe(5);
    expect((await set('ａｌｉｃｅ')).code).toBe(0);
    expect((await approve('alice')).code).toBe(5);

    // bob approves alice's content; carol changes it and changes it back.
    expect((await approve('bob')).code).toBe(0);
    expect((await show('2026-11')).find((r) => r.path === item)!.approval).toMatchObject({ state: 'approved', by: 'bob' });
    expect((await set('carol', 'fail')).code).toBe(0);
    expect((await set('carol')).code).toBe(0);
    // The same content hash as bob approved, but recorded again after: the approval no longer counts.
    expect((await show('2026-11')).find((r) => r.path === item)!.approval).toMatchObject({ state: 'void', by: 'bob' });
    // alice, 王小明 and José recorded this exact content before carol: none of them may approve it.
    for (const who of ['alice', '王小明', 'josé', 'carol']) expect((await approve(who)).code, who).toBe(5);
    expect((await approve('dave')).code).toBe(0);
    expect((await show('2026-11')).find((r) => r.path === item)!.approval).toMatchObject({ state: 'approved', by: 'dave' });
    expect((await ccheck('audit', 'verify')).code).toBe(0);
  });
});

describe('evidence add --item is all or nothing (issue 15 item 3)', () => {
  it('records no evidence when the item is not part of the inspection', async () => {
    expect((await ccheck('init')).code).toBe(0);
    copyFileSync(profile, path.join(home.dir, 'firm.yaml'));
    expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
    expect((await ccheck('inspect', 'start', '--firm', LICENCE, '--period', '2026-11')).code).toBe(0);
    writeFileSync(path.join(home.dir, 'devices.csv'), 'hostname,eol\nsw-floor3,2022-03-31\n');
    const events = async () => (JSON.parse((await ccheck('audit', 'verify', '--json')).out) as { events: number }).events;
    const before = await events();
    const r = await ccheck('evidence', 'add', 'devices.csv', '--firm', LICENCE, '--collected-at', '2026-11-26', '--period', '2026-11', '--item', '9/(9)/z');
    expect(r.code).toBe(3);
    expect(r.err).toContain('[RUN_ITEM_NOT_IN_RUN]');
    expect(JSON.parse((await ccheck('evidence', 'list', '--firm', LICENCE, '--json')).out)).toEqual({ evidence: [] });
    expect(await events()).toBe(before);
  });
});
