import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { verifyPackage } from '../../src/services/package-service.js';
import { exportPackage } from '../helpers/export-package.js';
import { buildReportData } from '../../src/services/report-service.js';
import type { BackupManifest } from '../../src/storage/backup.js';
import { rewriteFromGenesis } from '../helpers/audit-tamper.js';
import { DIALECTS, freshStore, StoreSnapshot, type DialectUnderTest } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { codeOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/shared.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const clock = (today = '2026-11-27'): Clock => ({ now: () => `${today}T02:00:00.000Z`, today: () => today });
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const HOW = { role: 'ciso', authentication: 'local operator, OS account test' };

/** Issue 12's backup gaps: the packages and the signing key travel with a backup, and MACs and witnessed heads are checked. */
describe.each(DIALECTS)('backups of a signed inspection on %s (issue 12)', { timeout: 180_000 }, (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let target: { dir: string; cleanup: () => void };
  let env: NodeJS.ProcessEnv;
  const drops: (() => Promise<void>)[] = [];
  const open: InspectionService[] = [];
  let s: InspectionService;
  let archive: string;

  /** A fresh, empty store in another home, with the vault key and whatever else `extra` sets. */
  async function elsewhere(extra: NodeJS.ProcessEnv = {}): Promise<InspectionService> {
    const t = await freshStore(dialect, target.dir);
    drops.push(t.drop);
    const o = await InspectionService.connect(target.dir, { ...t.env, CCHECK_VAULT_KEY: KEY, ...extra }, clock(), { create: true });
    open.push(o);
    return o;
  }
  /** The same audit key and witnesses as the original installation (copied beside the vault key). */
  const sameAuditKey = () => ({ CCHECK_AUDIT_KEY_FILE: path.join(tmp.dir, 'audit.key'), CCHECK_WITNESS_FILE: path.join(tmp.dir, 'witness.log') });

  // The signed inspection with its package handed out, built once; each test gets its own copy
  // (test/helpers/databases.ts, StoreSnapshot), so what one test changes no other sees.
  let snapshot: StoreSnapshot;
  let removeBuilt: () => Promise<void>;
  beforeAll(async () => {
    const home = tempDir();
    const store = await freshStore(dialect, home.dir);
    const builtEnv = { ...store.env, CCHECK_VAULT_KEY: KEY };
    const b = await InspectionService.connect(home.dir, builtEnv, clock(), { create: true });
    try {
      await b.init();
      await b.addFirm('alice', internetTier1());
      await b.startRun('alice', LICENCE, PERIOD);
      for (const r of (await b.results(LICENCE, PERIOD)).results) {
        if (r.status === 'not_applicable') continue;
        const ref = { firm: LICENCE, period: PERIOD, path: r.path };
        await b.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'checked on site', expiresOn: '2027-11-27' });
        await b.approve('bob', ref);
      }
      await b.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW);
      await exportPackage(b, { firm: LICENCE, period: PERIOD }, path.join(home.dir, 'handed-out.zip'), 'en');
    } finally {
      await b.close();
    }
    snapshot = StoreSnapshot.of(dialect, home.dir, builtEnv);
    removeBuilt = async () => {
      await store.drop();
      home.cleanup();
    };
  });
  afterAll(() => removeBuilt());

  beforeEach(async () => {
    target = tempDir();
    const copy = await snapshot.copy();
    drops.push(copy.remove);
    tmp = { dir: copy.home, cleanup: () => {} };
    env = copy.env;
    s = await InspectionService.connect(tmp.dir, env, clock());
    open.push(s);
    archive = path.join(tmp.dir, 'handed-out.zip');
  });
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
    for (const d of drops.splice(0)) await d();
    tmp.cleanup();
    target.cleanup();
  });

  it('lists the signed packages and the public key in the manifest with their SHA-256; the private half only when asked, sealed', async () => {
    const dir = path.join(tmp.dir, 'bk');
    const m = await s.backup(dir);
    const kept = readdirSync(path.join(tmp.dir, 'packages'));
    expect(kept).toHaveLength(1);
    expect(m.files?.map((f) => [f.kind, f.file])).toEqual([
      ['package', path.join('packages', kept[0]!)],
      ['signing-public-key', 'package-signing.pub'],
    ]);
    expect(m.auditFlags).toEqual([]);
    const withKey = await s.backup(path.join(tmp.dir, 'bk-key'), { withSigningKey: true });
    expect(withKey.files?.map((f) => f.kind)).toContain('signing-private-key-sealed');
    expect(readFileSync(path.join(tmp.dir, 'bk-key', 'package-signing.key.sealed'), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('restores the packages and the public key, and package verify --store holds after the restore', async () => {
    const dir = path.join(tmp.dir, 'bk');
    await s.backup(dir);
    const o = await elsewhere(sameAuditKey());
    const r = await o.restore(dir);
    expect(r).toMatchObject({ verified: true, packages: 1, signingKey: 'public-only', flags: [] });
    const restored = readdirSync(path.join(target.dir, 'packages'));
    expect(restored).toEqual(readdirSync(path.join(tmp.dir, 'packages')));
    expect(o.signingPublicKey()?.fingerprint).toBe(s.signingPublicKey()?.fingerprint);
    // The package handed out before, and the one the backup brought back, both verify against the restored store.
    for (const file of [archive, path.join(target.dir, 'packages', restored[0]!)]) {
      const v = await verifyPackage(file, o);
      expect(v.problems, file).toEqual([]);
      expect(v.store).toMatchObject({ holdsHead: true });
    }
  });

  it('restores the private half when the backup carries it, so the restored installation signs with the same key', async () => {
    const dir = path.join(tmp.dir, 'bk');
    await s.backup(dir, { withSigningKey: true });
    const o = await elsewhere(sameAuditKey());
    expect((await o.restore(dir)).signingKey).toBe('restored');
    expect(readFileSync(path.join(target.dir, 'package-signing.key'), 'utf8')).toBe(readFileSync(path.join(tmp.dir, 'package-signing.key'), 'utf8'));
    expect(o.signingKey().fingerprint).toBe(s.signingPublicKey()?.fingerprint);
  });

  it('restores nothing when a package in the backup was changed', async () => {
    const dir = path.join(tmp.dir, 'bk');
    const m = await s.backup(dir);
    const pkg = path.join(dir, m.files!.find((f) => f.kind === 'package')!.file);
    const b = readFileSync(pkg);
    b[10] = b[10]! ^ 1;
    writeFileSync(pkg, b);
    const o = await elsewhere(sameAuditKey());
    expect(await codeOf(o.restore(dir))).toBe('BACKUP_INVALID');
    // Refused before anything was written: no package, no key, and the store is still empty (a second restore is allowed).
    expect(readdirSync(target.dir)).not.toContain('packages');
    expect(readdirSync(target.dir)).not.toContain('package-signing.pub');
    writeFileSync(pkg, Buffer.from(b.map((x, i) => (i === 10 ? x ^ 1 : x))));
    expect((await o.restore(dir)).packages).toBe(1);
  });

  it('refuses to back up, or to report on, a store whose chain was rewritten from genesis with fresh hashes (MACs fail)', async () => {
    await rewriteFromGenesis(s.db, 3);
    // The chain alone still verifies: only the MACs tell.
    const dir = path.join(tmp.dir, 'bk');
    const e = await s.backup(dir).catch((x: unknown) => x as CoreError);
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).code).toBe('AUDIT_CHAIN_BROKEN');
    expect((e as CoreError).message).toContain('mac_invalid #3');
    expect(readdirSync(tmp.dir)).not.toContain('bk');
    expect(await codeOf(buildReportData(s, LICENCE, PERIOD, '2026-11-27'))).toBe('AUDIT_CHAIN_BROKEN');
  });

  it('refuses to back up a store whose witnessed head is gone (a tail cut)', async () => {
    const last = Number((await s.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq);
    await s.db.deleteFrom('run_signoffs').execute();
    await s.db.deleteFrom('audit_events').where('seq', '=', last).execute();
    expect(await codeOf(s.backup(path.join(tmp.dir, 'bk')))).toBe('AUDIT_CHAIN_BROKEN');
    expect(await codeOf(buildReportData(s, LICENCE, PERIOD, '2026-11-27'))).toBe('AUDIT_CHAIN_BROKEN');
  });

  it('refuses to restore a backup whose MACs fail under this installation’s audit key', async () => {
    const dir = path.join(tmp.dir, 'bk');
    await s.backup(dir);
    const o = await elsewhere({ CCHECK_AUDIT_KEY: Buffer.alloc(32, 9).toString('base64') });
    const e = await o.restore(dir).catch((x: unknown) => x as CoreError);
    expect((e as CoreError).code).toBe('AUDIT_CHAIN_BROKEN');
    expect((e as CoreError).message).toContain('mac_invalid');
    expect(await o.db.selectFrom('audit_events').select('seq').execute()).toEqual([]);
  });

  it('restores without the audit key but flags the unchecked MACs, and the report says so beside its head', async () => {
    const dir = path.join(tmp.dir, 'bk');
    const m: BackupManifest = await s.backup(dir);
    const o = await elsewhere();
    const r = await o.restore(dir);
    expect(r.flags.join(' ')).toContain('mac_unverifiable');
    const report = await buildReportData(o, LICENCE, PERIOD, '2026-11-27');
    expect(report.auditHead).toContain(m.auditHead);
    expect(report.auditHead).toContain('MACs not verified');
  });

  it('flags, but does not refuse, events witnessed after the backup when an older backup is restored', async () => {
    const dir = path.join(tmp.dir, 'bk');
    await s.backup(dir);
    await s.reviseRun('carol', { firm: LICENCE, period: PERIOD });
    await s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW).catch(() => undefined);
    await s.witness('later');
    const o = await elsewhere(sameAuditKey());
    const r = await o.restore(dir);
    expect(r.verified).toBe(true);
    expect(r.flags.join(' ')).toContain('tail_cut');
  });
});
