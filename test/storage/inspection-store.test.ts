import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { child } from '../helpers/child-cli.js';
import { resultSetArgs } from '../helpers/cli-home.js';
import { DIALECTS, freshStore, type DialectUnderTest } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const clock = (today = '2026-11-27'): Clock => ({ now: () => `${today}T02:00:00.000Z`, today: () => today });
const LICENCE = '金管證總字第0000號';
const ITEM = '7/(1)/a/(j)';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
  return 'no error';
}

/**
 * A writer process (test/helpers/concurrent-writer.ts): `ready` once it has loaded and connected,
 * `go()` starts its writes, `done` gives its exit code and output.
 */
function writer(args: string[], env: NodeJS.ProcessEnv) {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(packageRoot(), 'test', 'helpers', 'concurrent-writer.ts'), env.CCHECK_HOME!, ...args], {
    env: { ...process.env, ...env },
    cwd: packageRoot(),
  });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => p.on('close', (code) => resolve({ code, out, err })));
  const ready = new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY\n')) resolve();
    });
    void done.then((r) => reject(new Error(`the writer exited (${r.code}) before it was ready: ${r.err}`)));
  });
  return { ready, done, go: () => p.stdin.end('go\n') };
}

describe.each(DIALECTS)('inspection storage on %s', (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  const open: InspectionService[] = [];
  const connect = async (c: Clock = clock(), e: NodeJS.ProcessEnv = env) => {
    const s = await InspectionService.connect(tmp.dir, e, c);
    open.push(s);
    return s;
  };

  beforeEach(async () => {
    tmp = tempDir();
    ({ env, drop } = await freshStore(dialect, tmp.dir));
    env.CCHECK_VAULT_KEY = KEY;
    const s = await InspectionService.connect(tmp.dir, env, clock(), { create: true });
    await s.init();
    await s.close();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await drop();
    tmp.cleanup();
  });

  async function withRun(period = '2026-11') {
    const s = await connect();
    if ((await s.listFirms()).length === 0) await s.addFirm('alice', internetTier1());
    await s.startRun('alice', LICENCE, period);
    return s;
  }

  it('refuses to work on a store that was never initialised', async () => {
    const other = tempDir();
    const fresh = await freshStore(dialect, other.dir);
    try {
      expect(await codeOf(InspectionService.connect(other.dir, fresh.env, clock()))).toBe('STORE_NOT_INITIALISED');
    } finally {
      await fresh.drop();
      other.cleanup();
    }
  });

  it('starts a run with one result per item, applicability and catalog frozen in', async () => {
    const s = await connect();
    await s.addFirm('alice', internetTier1());
    expect(await codeOf(s.addFirm('alice', internetTier1()))).toBe('FIRM_EXISTS');
    const monthly = await s.startRun('alice', LICENCE, '2026-11');
    expect(monthly.applicable).toBe(67);
    const annual = await s.startRun('alice', LICENCE, '2026');
    expect(annual.notApplicable).toBeGreaterThan(0); // IoT (12/(4)) and video identity do not apply
    expect(await codeOf(s.startRun('alice', LICENCE, '2026-11'))).toBe('RUN_EXISTS');
    const { run, results } = await s.results(LICENCE, '2026');
    expect(run.catalog_version_id).toBe('2023-08-23');
    expect(run.catalog_hash).toMatch(/^sha256:/);
    expect(results.find((r) => r.path === '12/(4)/g')).toMatchObject({ status: 'not_applicable', source: 'system' });
    expect(results.find((r) => r.path === '12/(4)/g')!.justification).toContain('公司未使用 iot 服務');
    expect(results.find((r) => r.path === '12/(6)/b')).toMatchObject({ status: 'not_run' });
    const frozen = JSON.parse(run.applicability_json) as { path: string }[];
    expect(frozen.map((d) => d.path)).toContain('12/(4)/g');
  });

  it('keeps evidence encrypted and content-addressed, and reuses it', async () => {
    const s = await withRun();
    const file = path.join(tmp.dir, 'inventory.csv');
    writeFileSync(file, 'hostname,model,eol\nfw-core-01,ASA5516,2021-08-31\n');
    const a = await s.addEvidence('alice', LICENCE, file, { collectedAt: '2026-11-20' });
    const b = await s.addEvidence('bob', LICENCE, file, { collectedAt: '2026-11-21' });
    expect(b).toMatchObject({ reused: true, evidence: { id: a.evidence.id } });
    const blob = readFileSync(s.vault().fileOf(a.evidence.sha256));
    expect(blob.includes(Buffer.from('fw-core-01'))).toBe(false); // encrypted at rest
    expect(a.evidence).toMatchObject({ collected_at: '2026-11-20', uploaded_at: '2026-11-27T02:00:00.000Z', size: Buffer.byteLength(readFileSync(file)) });
    const out = path.join(tmp.dir, 'out.csv');
    await s.vault().get(a.evidence.sha256, out);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(file, 'utf8'));

    const wrong = await connect(clock(), { ...env, CCHECK_VAULT_KEY: OTHER_KEY });
    expect(await codeOf(wrong.vault().get(a.evidence.sha256, path.join(tmp.dir, 'x')))).toBe('VAULT_KEY_WRONG');
    expect(existsSync(path.join(tmp.dir, 'x'))).toBe(false);
    const nokey = await connect(clock(), { ...env, CCHECK_VAULT_KEY: '', CCHECK_VAULT_KEY_FILE: path.join(tmp.dir, 'none.key') });
    expect(await codeOf(nokey.addEvidence('alice', LICENCE, file, { collectedAt: '2026-11-20' }))).toBe('VAULT_KEY_MISSING');

    const damaged = Buffer.from(blob);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 20) ^ 0xff, damaged.length - 20); // flip one ciphertext byte
    writeFileSync(s.vault().fileOf(a.evidence.sha256), damaged);
    expect(await codeOf(s.vault().get(a.evidence.sha256, path.join(tmp.dir, 'y')))).toBe('VAULT_CORRUPT');
    expect(existsSync(path.join(tmp.dir, 'y'))).toBe(false);
  });

  it('records attestations, opens findings, and enforces maker-checker on an exact hash', async () => {
    const s = await withRun();
    const ref = { firm: LICENCE, period: '2026-11', path: ITEM };
    expect(await codeOf(s.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'ok', expiresOn: '2027-01-01' }))).toBe(
      'RESULT_INVALID',
    );
    expect(await codeOf(s.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'all devices supported' }))).toBe('RESULT_INVALID'); // no expiry
    expect(
      await codeOf(
        s.setResult('alice', { ...ref, path: '12/(6)/b' }, { status: 'pass', source: 'attestation', justification: 'training held', expiresOn: '2027-01-01' }),
      ),
    ).toBe('RUN_ITEM_NOT_IN_RUN');

    const set = await s.setResult('alice', ref, {
      status: 'fail',
      source: 'attestation',
      justification: 'fw-core-01 past EOL, no plan',
      expiresOn: '2027-11-27',
      severity: 'high',
    });
    expect(set.finding).toMatchObject({ status: 'open', severity: 'high', path: ITEM, previous_finding_id: null });
    expect(await codeOf(s.approve('alice', ref))).toBe('RESULT_SELF_APPROVAL');
    await s.approve('bob', ref);
    const view = async () => (await s.results(LICENCE, '2026-11')).results.find((r) => r.path === ITEM)!;
    expect((await view()).approval).toMatchObject({ state: 'approved', by: 'bob' });

    await s.setResult('alice', ref, { status: 'partial', source: 'attestation', justification: 'retirement plan drafted', expiresOn: '2027-11-27' });
    expect((await view()).approval).toMatchObject({ state: 'void', by: 'bob' }); // changed after approval
    expect((await s.listFindings()).length).toBe(1); // the open finding is kept, not duplicated

    const later = await connect(clock('2027-12-01'));
    expect((await later.results(LICENCE, '2026-11')).results.find((r) => r.path === ITEM)).toMatchObject({ status: 'partial', effectiveStatus: 'not_run' });
  });

  it('links a finding that recurs in the next period, and walks a finding to verified-closed', async () => {
    const s = await withRun('2026-10');
    await s.startRun('alice', LICENCE, '2026-11');
    const fail = { status: 'fail' as const, source: 'attestation' as const, justification: 'any-any rule on fw-edge', expiresOn: '2027-06-30' };
    const first = (await s.setResult('alice', { firm: LICENCE, period: '2026-10', path: '7/(1)/b/(h)' }, fail)).finding!;
    const again = (await s.setResult('alice', { firm: LICENCE, period: '2026-11', path: '7/(1)/b/(h)' }, fail)).finding!;
    expect(again.previous_finding_id).toBe(first.id);

    expect(await codeOf(s.updateFinding('alice', first.id, {}, 'remediated'))).toBe('FINDING_INVALID_TRANSITION');
    await s.updateFinding(
      'alice',
      first.id.slice(0, 8),
      { rootCause: 'temporary rule never removed', correctiveAction: 'remove rule, add review step', owner: 'carol', dueOn: '2026-12-15' },
      'in_progress',
    );
    await s.updateFinding('carol', first.id, {}, 'remediated');
    expect(await codeOf(s.updateFinding('carol', first.id, {}, 'verified_closed', 'rule gone in December export'))).toBe('FINDING_INVALID_TRANSITION'); // the owner cannot verify
    const closed = await s.updateFinding('dave', first.id, {}, 'verified_closed', 'rule gone in December export');
    expect(closed).toMatchObject({ status: 'verified_closed', verified_by: 'dave', effectiveness_check: 'rule gone in December export' });
  });

  it('names a row edited behind its back, an altered event and a removed event', async () => {
    const s = await withRun();
    const ref = { firm: LICENCE, period: '2026-11', path: ITEM };
    await s.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'no EOS/EOL devices in inventory', expiresOn: '2027-11-27' });
    const ok = await s.verifyAudit();
    expect(ok).toMatchObject({ ok: true, problems: [] });
    expect(ok.events).toBeGreaterThan(60);

    await s.db.updateTable('item_results').set({ status: 'fail' }).where('path', '=', '7/(1)/b/(h)').execute();
    const edited = await s.verifyAudit();
    expect(edited.ok).toBe(false);
    expect(edited.problems).toEqual([expect.objectContaining({ kind: 'row_changed', entity: 'item_results', label: '7/(1)/b/(h)' })]);
    expect(await codeOf(s.approve('bob', { ...ref, path: '7/(1)/b/(h)' }))).toBe('AUDIT_CHAIN_BROKEN');

    await s.db.updateTable('audit_events').set({ actor: 'mallory' }).where('seq', '=', 5).execute();
    const altered = await s.verifyAudit();
    expect(altered.problems[0]).toMatchObject({ kind: 'event_altered', seq: 5 });

    await s.db.updateTable('audit_events').set({ actor: 'alice' }).where('seq', '=', 5).execute();
    await s.db.deleteFrom('audit_events').where('seq', '=', 7).execute();
    expect((await s.verifyAudit()).problems[0]).toMatchObject({ kind: 'sequence_gap', seq: 8 });
  });

  it('backs up and restores into the other database kind, checking every hash first', async () => {
    const s = await withRun();
    const file = path.join(tmp.dir, 'ntpq.txt');
    writeFileSync(
      file,
      '     remote           refid      st t when poll reach   delay   offset  jitter\n*time.stdtime.gov 118.163.81.63  2 u   52   64  377    1.2   0.304   0.101\n',
    );
    const e = await s.addEvidence('alice', LICENCE, file, { collectedAt: '2026-11-26' });
    await s.setResult(
      'alice',
      { firm: LICENCE, period: '2026-11', path: '7/(1)/b/(h)' },
      { status: 'pass', source: 'attestation', justification: 'rules reviewed on 11/20', expiresOn: '2027-05-01', evidence: [e.evidence.sha256] },
    );
    const dir = path.join(tmp.dir, 'backup');
    const manifest = await s.backup(dir);
    expect(manifest.blobs.map((b) => b.sha256)).toEqual([e.evidence.sha256]);
    expect(manifest.auditHead).toBe((await s.verifyAudit()).head);
    expect(await codeOf(s.backup(dir))).toBe('OUTPUT_EXISTS');

    const otherKind: DialectUnderTest = dialect === 'sqlite' ? 'postgres' : 'sqlite';
    const target = tempDir();
    const t = await freshStore(otherKind, target.dir);
    try {
      const tenv = { ...t.env, CCHECK_VAULT_KEY: KEY };
      const tampered = path.join(tmp.dir, 'tampered');
      const m2 = await s.backup(tampered);
      const resultsFile = path.join(tampered, m2.tables.find((x) => x.name === 'item_results')!.file);
      writeFileSync(resultsFile, readFileSync(resultsFile, 'utf8').replace('"status":"pass"', '"status":"fail"'));
      const fresh = await InspectionService.connect(target.dir, tenv, clock(), { create: true });
      open.push(fresh);
      expect(await codeOf(fresh.restore(tampered))).toBe('BACKUP_INVALID');

      const restored = await fresh.restore(dir);
      expect(restored.verified).toBe(true);
      expect((await fresh.verifyAudit()).head).toBe(manifest.auditHead);
      const view = (await fresh.results(LICENCE, '2026-11')).results.find((r) => r.path === '7/(1)/b/(h)');
      expect(view).toMatchObject({ status: 'pass', evidence: [e.evidence.sha256] });
      const out = path.join(target.dir, 'ntpq.out');
      await fresh.vault().get(e.evidence.sha256, out);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(file, 'utf8'));
      expect(await codeOf(fresh.restore(dir))).toBe('RESTORE_TARGET_NOT_EMPTY');
    } finally {
      for (const o of open.splice(0)) await o.close();
      await t.drop();
      target.cleanup();
    }
  });

  it('survives a process killed mid-write: nothing committed lost, nothing half-written left', async () => {
    const s = await withRun();
    const ref = { firm: LICENCE, period: '2026-11', path: ITEM };
    await s.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'no EOS/EOL devices', expiresOn: '2027-11-27' });
    const before = await s.verifyAudit();
    const big = path.join(tmp.dir, 'syslog.log');
    writeFileSync(big, Buffer.alloc(8 << 20, 'Nov 27 10:00:00 fw-core-01 %ASA-6-302013: Built outbound TCP connection\n'));

    const killedMidVault = await child(['evidence', 'add', big, '--firm', LICENCE, '--collected-at', '2026-11-27', '--as', 'alice'], {
      ...env,
      CCHECK_FAULT: 'evidence.mid-vault',
    });
    expect(killedMidVault.signal).toBe('SIGKILL');
    const killedInTx = await child([...resultSetArgs(ITEM, 'fail', 'found an EOL switch', '2027-11-27'), '--as', 'alice'], {
      ...env,
      CCHECK_FAULT: 'result.before-commit',
    });
    expect(killedInTx.signal).toBe('SIGKILL');

    const after = await connect();
    expect(await after.listEvidence((await after.firm(LICENCE)).id)).toEqual([]);
    expect(readdirSync(path.join(tmp.dir, 'vault', 'tmp')).length).toBe(1); // the killed writer's temp file
    expect((await after.results(LICENCE, '2026-11')).results.find((r) => r.path === ITEM)).toMatchObject({ status: 'pass' });
    expect(await after.listFindings()).toEqual([]);
    const audit = await after.verifyAudit();
    expect(audit).toMatchObject({ ok: true, events: before.events, head: before.head });
    await after.init(); // start-up housekeeping removes leftovers
    expect(readdirSync(path.join(tmp.dir, 'vault', 'tmp'))).toEqual([]);
    expect(after.vault().list()).toEqual([]);
    // The lock the killed writer held is gone: the next write goes through.
    await after.setResult('bob', ref, { status: 'fail', source: 'attestation', justification: 'found an EOL switch', expiresOn: '2027-11-27' });
    expect((await after.verifyAudit()).ok).toBe(true);
  });

  // Judges what was written, never how fast: both writers are started together (each waits for
  // "go" after loading), and the test's time limit only catches a hang, on a machine as busy as
  // it may be (the writers' queue, src/storage/write-queue.ts, keeps any of them from starving).
  it('lets two processes write at once without losing or corrupting anything', async () => {
    await withRun();
    const items = ['7/(1)/a/(h)', '7/(1)/a/(j)', '7/(1)/b/(h)', '7/(1)/b/(i)', '8/(2)/f', '8/(2)/g', '8/(2)/h', '8/(4)/d'];
    const writers = [writer(['alice', LICENCE, '2026-11', ...items.slice(0, 4)], env), writer(['bob', LICENCE, '2026-11', ...items.slice(4)], env)];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    for (const r of await Promise.all(writers.map((w) => w.done))) expect(r.code, r.err).toBe(0);
    const s = await connect();
    const results = (await s.results(LICENCE, '2026-11')).results.filter((r) => items.includes(r.path));
    expect(results.map((r) => r.recordedBy).sort()).toEqual(['alice', 'alice', 'alice', 'alice', 'bob', 'bob', 'bob', 'bob']);
    expect((await s.listFindings()).length).toBe(4);
    const audit = await s.verifyAudit();
    expect(audit.ok).toBe(true);
  });
});
