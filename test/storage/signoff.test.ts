import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowHash } from '../../src/core/audit/audit-chain.js';
import { canonicalJson } from '../../src/core/catalog/catalog-version.js';
import { CoreError } from '../../src/core/errors.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { verifyPackage } from '../../src/services/package-service.js';
import { exportPackage } from '../helpers/export-package.js';
import { rewriteFromGenesis } from '../helpers/audit-tamper.js';
import { pdfText } from '../helpers/pdf-text.js';
import { rewriteZip, zipEntries } from '../helpers/zip.js';
import { databaseUrlFor, migrate, openDatabase } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations.js';
import type { Database } from '../../src/storage/schema.js';
import { DIALECTS, freshStore, StoreSnapshot, type DialectUnderTest } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const clock = (today = '2026-11-27'): Clock => ({ now: () => `${today}T02:00:00.000Z`, today: () => today });
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const ITEM = '7/(1)/a/(j)';
const HOW = { role: 'ciso', authentication: 'local operator, OS account test' };

async function errorOf(p: Promise<unknown>): Promise<CoreError | null> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  return null;
}

/** Every row of the run and everything under it, hashed: proves a signed run stays byte-for-byte as it was. */
async function runRowsHash(db: Kysely<Database>, runId: string): Promise<string> {
  const results = await db.selectFrom('item_results').selectAll().where('run_id', '=', runId).orderBy('id').execute();
  const ids = results.map((r) => r.id);
  const rows = {
    run: await db.selectFrom('inspection_runs').selectAll().where('id', '=', runId).execute(),
    results,
    recordings: await db.selectFrom('result_recordings').selectAll().where('result_id', 'in', ids).orderBy('id').execute(),
    links: await db.selectFrom('result_evidence').selectAll().where('result_id', 'in', ids).orderBy('result_id').orderBy('evidence_id').execute(),
    approvals: await db.selectFrom('approvals').selectAll().where('result_id', 'in', ids).orderBy('id').execute(),
    findings: await db.selectFrom('findings').selectAll().where('run_id', '=', runId).orderBy('id').execute(),
    reports: await db.selectFrom('analyzer_reports').selectAll().where('run_id', '=', runId).orderBy('id').execute(),
    signoff: await db.selectFrom('run_signoffs').selectAll().where('run_id', '=', runId).execute(),
  };
  return createHash('sha256').update(canonicalJson(rows)).digest('hex');
}

describe.each(DIALECTS)('the signed inspection on %s', { timeout: 120_000 }, (dialect: DialectUnderTest) => {
  let tmp: { dir: string; cleanup: () => void };
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  let s: InspectionService;

  /** A new store with the firm and its run of PERIOD started. */
  async function started(): Promise<{ tmp: typeof tmp; env: NodeJS.ProcessEnv; drop: () => Promise<void>; s: InspectionService }> {
    const tmp = tempDir();
    const { env, drop } = await freshStore(dialect, tmp.dir);
    env.CCHECK_VAULT_KEY = KEY;
    const s = await InspectionService.connect(tmp.dir, env, clock(), { create: true });
    await s.init();
    await s.addFirm('alice', internetTier1());
    await s.startRun('alice', LICENCE, PERIOD);
    return { tmp, env, drop, s };
  }

  /**
   * The store a describe's tests start from, built once by `build` and copied for each test (the
   * building is dozens of audited writes; each test still gets a store of its own).
   */
  function startFromSnapshot<T>(build: (s: InspectionService, home: string) => Promise<T>): () => T {
    let built: Awaited<ReturnType<typeof started>>;
    let snapshot: StoreSnapshot;
    let value: T;
    beforeAll(async () => {
      built = await started();
      value = await build(built.s, built.tmp.dir);
      await built.s.close();
      snapshot = StoreSnapshot.of(dialect, built.tmp.dir, built.env);
    });
    afterAll(async () => {
      await built.drop();
      built.tmp.cleanup();
    });
    beforeEach(async () => {
      // The describe's tests replace the outer beforeEach's store with a copy of the built one.
      await s.close();
      await drop();
      tmp.cleanup();
      const copy = await snapshot.copy();
      tmp = { dir: copy.home, cleanup: () => {} };
      env = copy.env;
      drop = copy.remove;
      s = await InspectionService.connect(copy.home, copy.env, clock());
    });
    return () => value;
  }

  beforeEach(async () => {
    ({ tmp, env, drop, s } = await started());
  });
  afterEach(async () => {
    await s.close();
    await drop();
    tmp.cleanup();
  });

  /** alice records every applicable item, bob approves each: the run is ready for sign-off. */
  async function complete(except: string[] = [], on: InspectionService = s) {
    const { results } = await on.results(LICENCE, PERIOD);
    for (const r of results) {
      if (r.status === 'not_applicable' || except.includes(r.path)) continue;
      const ref = { firm: LICENCE, period: PERIOD, path: r.path };
      await on.setResult('alice', ref, { status: 'pass', source: 'attestation', justification: 'checked on site', expiresOn: '2027-11-27' });
      await on.approve('bob', ref);
    }
  }

  it('refuses to sign off an incomplete run, naming every blocking item, and a signer who recorded results', async () => {
    await complete([ITEM, '7/(1)/b/(h)']);
    const notReady = await errorOf(s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW));
    expect(notReady?.code).toBe('RUN_NOT_READY_FOR_SIGNOFF');
    expect(notReady?.params.items).toEqual(expect.arrayContaining([`${ITEM} (not_run)`, '7/(1)/b/(h) (not_run)']));
    expect(notReady?.params.count).toBe(2);

    await s.setResult(
      'alice',
      { firm: LICENCE, period: PERIOD, path: ITEM },
      { status: 'pass', source: 'attestation', justification: 'no EOL devices', expiresOn: '2027-11-27' },
    );
    await s.setResult(
      'dave',
      { firm: LICENCE, period: PERIOD, path: '7/(1)/b/(h)' },
      { status: 'pass', source: 'attestation', justification: 'rules reviewed', expiresOn: '2027-11-27' },
    );
    expect((await errorOf(s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW)))?.params.items).toEqual([
      `${ITEM} (not_approved)`,
      '7/(1)/b/(h) (not_approved)',
    ]);
    await s.approve('bob', { firm: LICENCE, period: PERIOD, path: ITEM });
    await s.approve('bob', { firm: LICENCE, period: PERIOD, path: '7/(1)/b/(h)' });
    // dave recorded 7/(1)/b/(h): he may not sign the inspection that covers his own result.
    expect((await errorOf(s.signRun('DAVE ', { firm: LICENCE, period: PERIOD }, HOW)))?.code).toBe('RUN_SIGNOFF_SELF');
    const signed = await s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW);
    expect(signed.signoff).toMatchObject({ signed_by: 'carol', role: 'ciso', authentication: HOW.authentication });
    expect(signed.revision).toBe(1);
    expect(s.witnesses().at(-1)?.seq).toBe(signed.witness.seq);
    expect(s.witnesses().at(-1)?.reason).toMatch(/^signoff /);
    expect((await s.verifyAudit()).ok).toBe(true);
  });

  it('refuses an expired attestation at sign-off', async () => {
    await complete();
    const later = await InspectionService.connect(tmp.dir, env, clock('2027-12-01'));
    try {
      const e = await errorOf(later.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW));
      expect(e?.code).toBe('RUN_NOT_READY_FOR_SIGNOFF');
      expect(e?.params.items).toContain(`${ITEM} (expired)`);
    } finally {
      await later.close();
    }
  });

  describe('once signed, every write path is refused with RUN_SIGNED', () => {
    const signed = startFromSnapshot(async (s, home) => {
      await complete([], s);
      const ref = { firm: LICENCE, period: PERIOD, path: '7/(1)/b/(h)' };
      const file = path.join(home, 'rules.txt');
      writeFileSync(file, 'permit ip any any\n');
      const sha = (await s.addEvidence('alice', LICENCE, file, { collectedAt: '2026-11-20' })).evidence.sha256;
      const findingId = (await s.setResult('alice', ref, { status: 'fail', source: 'attestation', justification: 'any-any rule', expiresOn: '2027-11-27' }))
        .finding!.id;
      await s.approve('bob', ref);
      await s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW);
      return { sha, findingId };
    });
    const refused = async (p: Promise<unknown>, what: string) => {
      const e = await errorOf(p);
      expect(e?.code).toBe('RUN_SIGNED');
      expect(e?.params.what).toBe(what);
    };
    const ref = { firm: LICENCE, period: PERIOD, path: ITEM };

    it('result set', () =>
      refused(s.setResult('alice', ref, { status: 'fail', source: 'attestation', justification: 'EOL switch found', expiresOn: '2027-11-27' }), 'result set'));
    it('analyzer result', () => refused(s.setResult('ccheck (alice)', ref, { status: 'pass', source: 'analyzer' }), 'analyzer result'));
    it('approval', () => refused(s.approve('erin', ref), 'approval'));
    it('rejection', () => refused(s.reject('erin', { ...ref, reason: 'the inventory is from 2025' }), 'rejection'));
    it('evidence link', () => refused(s.attachEvidence('alice', ref, signed().sha), 'evidence link'));
    it('analyzer report', () =>
      refused(
        s.storeAnalyzerReport('alice', { firm: LICENCE, period: PERIOD }, { analyzer: 'device-lifecycle', verdict: 'pass', items: [ITEM] }, [], '{}'),
        'analyzer report',
      ));
    it('finding update', () => refused(s.updateFinding('alice', signed().findingId, { owner: 'carol' }), 'finding update'));
    it('a second sign-off', () => refused(s.signRun('frank', { firm: LICENCE, period: PERIOD }, HOW), 'sign-off'));
    it('a new run of the same period', async () => expect((await errorOf(s.startRun('alice', LICENCE, PERIOD)))?.code).toBe('RUN_EXISTS'));
    it('deletion before the retention ends', async () => {
      expect((await errorOf(s.assertMayDelete({ firm: LICENCE, period: PERIOD })))?.code).toBe('RETENTION_ACTIVE'); // none set: kept indefinitely
      await s.setRetention('admin', LICENCE, 7);
      expect((await errorOf(s.assertMayDelete({ firm: LICENCE, period: PERIOD })))?.params.until).toBe('2033-11-27');
      const later = await InspectionService.connect(tmp.dir, env, clock('2033-11-27'));
      try {
        expect(await errorOf(later.assertMayDelete({ firm: LICENCE, period: PERIOD }))).toBeNull();
      } finally {
        await later.close();
      }
    });

    it('a revision copies the results unapproved and leaves the signed run byte-for-byte as it was', async () => {
      const signed = (await s.run(LICENCE, PERIOD)).run;
      const before = await runRowsHash(s.db, signed.id);
      const revised = await s.reviseRun('carol', { firm: LICENCE, period: PERIOD });
      expect(revised).toMatchObject({ revision: 2, revises: signed.id });
      // The correction is writable; the signed revision is not, and is still what `--revision 1` reads.
      await s.setResult('alice', ref, { status: 'fail', source: 'attestation', justification: 'EOL switch found', expiresOn: '2027-11-27' });
      expect((await s.run(LICENCE, PERIOD)).revision).toBe(2);
      const now = (await s.results(LICENCE, PERIOD)).results;
      expect(now.find((r) => r.path === '7/(1)/b/(h)')).toMatchObject({ status: 'fail', recordedBy: 'alice', approval: null });
      expect(now.find((r) => r.path === ITEM)).toMatchObject({ status: 'fail' });
      // The original recorder still may not approve the copied result (maker-checker survives the copy).
      expect((await errorOf(s.approve('alice', { ...ref, path: '7/(1)/b/(h)' })))?.code).toBe('RESULT_SELF_APPROVAL');
      expect((await s.results(LICENCE, PERIOD, 1)).results.find((r) => r.path === ITEM)).toMatchObject({ status: 'pass', approval: { state: 'approved' } });
      expect(await runRowsHash(s.db, signed.id)).toBe(before);
      expect((await s.verifyAudit()).ok).toBe(true);
      expect((await errorOf(s.reviseRun('carol', { firm: LICENCE, period: PERIOD })))?.code).toBe('RUN_NOT_SIGNED');
    });
  });

  it('detects a chain rewritten from genesis with fresh hashes by someone without the audit key', async () => {
    await s.setResult(
      'alice',
      { firm: LICENCE, period: PERIOD, path: ITEM },
      { status: 'pass', source: 'attestation', justification: 'no EOL devices', expiresOn: '2027-11-27' },
    );
    expect((await s.verifyAudit()).ok).toBe(true);
    // The attack: change a recorded actor and recompute every hash from genesis; the MACs cannot be recomputed.
    await rewriteFromGenesis(s.db, 3);
    const rewritten = await s.verifyAudit();
    expect(rewritten.problems.filter((p) => !p.kind.startsWith('mac') && !p.kind.startsWith('witness') && p.kind !== 'tail_cut')).toEqual([]); // the chain alone passes
    expect(rewritten.ok).toBe(false);
    expect(rewritten.problems[0]).toMatchObject({ kind: 'mac_invalid', seq: 3 }); // the first event the attacker changed
    // Stripping the MACs does not help: the key's witness says MACs begin at event 1.
    await s.db.updateTable('audit_events').set({ mac: null }).execute();
    expect((await s.verifyAudit()).problems[0]).toMatchObject({ kind: 'mac_missing', seq: 1 });
  });

  it('detects a tail cut after a witnessed head (events deleted together with their rows)', async () => {
    await complete();
    await s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW);
    const last = Number((await s.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq);
    await s.db.deleteFrom('run_signoffs').execute();
    await s.db.deleteFrom('audit_events').where('seq', '=', last).execute();
    const cut = await s.verifyAudit();
    expect(cut.problems).toEqual([expect.objectContaining({ kind: 'tail_cut', seq: last })]);
  });

  it('refuses to write with a new audit key to a store whose events carry MACs of another (a restore without audit.key)', async () => {
    const elsewhere = {
      ...env,
      CCHECK_AUDIT_KEY_FILE: path.join(tmp.dir, 'other', 'audit.key'),
      CCHECK_WITNESS_FILE: path.join(tmp.dir, 'other', 'witness.log'),
    };
    const o = await InspectionService.connect(tmp.dir, elsewhere, clock());
    try {
      const e = await errorOf(
        o.setResult(
          'alice',
          { firm: LICENCE, period: PERIOD, path: ITEM },
          { status: 'pass', source: 'attestation', justification: 'no EOL devices', expiresOn: '2027-11-27' },
        ),
      );
      expect(e?.code).toBe('AUDIT_KEY_MISSING');
    } finally {
      await o.close();
    }
  });

  it('verifies a store written before the audit key, reporting it as unauthenticated before a seq', async () => {
    // A store from before the key: drop the MACs, the key and the witness file.
    await s.db.updateTable('audit_events').set({ mac: null }).execute();
    const n = (await s.verifyAudit()).events;
    const old = { ...env, CCHECK_AUDIT_KEY_FILE: path.join(tmp.dir, 'none', 'audit.key'), CCHECK_WITNESS_FILE: path.join(tmp.dir, 'none', 'witness.log') };
    const o = await InspectionService.connect(tmp.dir, old, clock());
    try {
      const before = await o.verifyAudit();
      expect(before).toMatchObject({ ok: true, unauthenticatedBefore: n + 1 });
      await o.setResult(
        'alice',
        { firm: LICENCE, period: PERIOD, path: ITEM },
        { status: 'pass', source: 'attestation', justification: 'no EOL devices', expiresOn: '2027-11-27' },
      );
      const after = await o.verifyAudit();
      expect(after).toMatchObject({ ok: true, unauthenticatedBefore: n + 1 });
      expect(readFileSync(old.CCHECK_WITNESS_FILE, 'utf8')).toContain('"reason":"audit-key"');
    } finally {
      await o.close();
    }
  });

  describe('the package of a signed revision', () => {
    let archive: string;
    startFromSnapshot(async (s, home) => {
      await complete([], s);
      const file = path.join(home, 'devices.csv');
      writeFileSync(file, 'hostname,model,eol\nfw-core-01,ASA5516,2030-08-31\n');
      const sha = (await s.addEvidence('dave', LICENCE, file, { collectedAt: '2026-11-20' })).evidence.sha256;
      await s.attachEvidence('dave', { firm: LICENCE, period: PERIOD, path: ITEM }, sha);
      await s.approve('bob', { firm: LICENCE, period: PERIOD, path: ITEM });
      await s.signRun('carol', { firm: LICENCE, period: PERIOD }, HOW);
      await exportPackage(s, { firm: LICENCE, period: PERIOD }, path.join(home, 'package.zip'), 'en');
    });
    beforeEach(() => {
      archive = path.join(tmp.dir, 'package.zip');
    });

    it('holds the report, detail sheet, working papers, attachments and history, and verifies against the store', async () => {
      const entries = await zipEntries(archive);
      const names = [...entries.keys()];
      expect(names).toEqual(
        expect.arrayContaining([
          `report/inspection-report-${PERIOD}-r1.pdf`,
          `report/inspection-report-${PERIOD}-r1.html`,
          `detail/inspection-detail-${PERIOD}-r1.xlsx`,
          'working-papers/evidence-index.csv',
          'working-papers/attestations.csv',
          'signature-history.csv',
          'manifest.json',
          'manifest.sig',
        ]),
      );
      const attachment = names.find((n) => n.startsWith('attachments/'))!;
      expect(entries.get(attachment)!.toString('utf8')).toContain('fw-core-01'); // decrypted
      expect(entries.get('working-papers/evidence-index.csv')!.toString('utf8')).toContain('2026-11-20');
      const ok = await verifyPackage(archive, s);
      expect(ok.problems).toEqual([]);
      expect(ok.store).toMatchObject({ holdsHead: true });

      // The PDF's e-signature history lists every event of the run, in chain order.
      const { history } = await s.signatureHistory((await s.run(LICENCE, PERIOD)).run);
      expect(history.filter((e) => e.action === 'record').length).toBe(68); // 67 items once, 7/(1)/a/(j) again with evidence
      expect(history.map((e) => e.action).at(-1)).toBe('signoff');
      const text = pdfText(entries.get(`report/inspection-report-${PERIOD}-r1.pdf`)!);
      const at = text.indexOf('E-signature history');
      expect(at).toBeGreaterThan(0);
      let from = at;
      for (const e of history) {
        const next = text.indexOf(`#${e.seq} `, from);
        expect(next, `event ${e.seq} (${e.action} ${e.item ?? ''}) in order`).toBeGreaterThan(from - 1);
        from = next;
      }
      expect(text).toContain(ok.fingerprint!.slice(0, 30));

      // A backup carries the package the installation kept and the signing key's public half, never the private one.
      const dir = path.join(tmp.dir, 'backup');
      await s.backup(dir);
      expect(readdirSync(path.join(dir, 'packages'))).toHaveLength(1);
      expect(readFileSync(path.join(dir, 'package-signing.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
      expect(readdirSync(dir, { recursive: true }).join(' ')).not.toMatch(/package-signing\.key|audit\.key/);
      expect(s.witnesses().at(-1)?.reason).toBe('backup');
      expect(statSync(archive).mode & 0o077).toBe(0); // decrypted evidence inside: owner only
      // Asked for, the private half goes too, sealed with the vault key: no PEM in clear.
      const withKey = path.join(tmp.dir, 'backup-with-key');
      await s.backup(withKey, { withSigningKey: true });
      const sealed = readFileSync(path.join(withKey, 'package-signing.key.sealed'), 'utf8').trim();
      expect(sealed).not.toContain('PRIVATE KEY');
      expect(s.vault().openText(sealed, 'signing key')).toBe(readFileSync(path.join(tmp.dir, 'package-signing.key'), 'utf8'));
    });

    it('fails when any byte of any file, the manifest or the signature changes, naming what changed', async () => {
      const names = [...(await zipEntries(archive)).keys()];
      for (const name of names) {
        const changed = path.join(tmp.dir, `changed.zip`);
        await rewriteZip(archive, changed, (n, body) => {
          if (n !== name) return body;
          const b = Buffer.from(body);
          // A digit of the manifest (so it stays JSON), the first byte of anything else.
          const i = n === 'manifest.json' ? b.indexOf('2026') : n === 'manifest.sig' ? 3 : 0;
          b[i] = b[i] === 0x31 ? 0x32 : 0x31;
          return b;
        });
        const v = await verifyPackage(changed, null);
        expect(v.ok, name).toBe(false);
        expect(v.problems.map((p) => p.detail).join(' '), name).toContain(name === 'manifest.json' ? 'manifest' : name);
      }
    });

    it('fails against a store whose chain was rewritten from genesis with fresh hashes after the package', async () => {
      await rewriteFromGenesis(s.db, 5);
      const v = await verifyPackage(archive, s);
      expect(v.store).toMatchObject({ holdsHead: false });
      expect(v.store!.detail).toContain('rewritten');
    });

    it('fails against a store whose last events were deleted together with their rows after the package', async () => {
      await s.reviseRun('carol', { firm: LICENCE, period: PERIOD }); // more events after the signed head
      const head = JSON.parse((await zipEntries(archive)).get('manifest.json')!.toString('utf8')) as { auditHead: { seq: number } };
      // Tail cut: every event from the signed head on is deleted together with the rows it wrote.
      const later = await s.db.selectFrom('audit_events').selectAll().where('seq', '>=', head.auditHead.seq).execute();
      await s.db.deleteFrom('run_signoffs').execute();
      for (const e of later.filter((x) => x.entity !== 'run_signoffs').reverse())
        if (e.entity === 'result_evidence') {
          const [result_id, evidence_id] = e.entity_id.split(':');
          await s.db.deleteFrom('result_evidence').where('result_id', '=', result_id!).where('evidence_id', '=', evidence_id!).execute();
        } else
          await s.db
            .deleteFrom(e.entity as 'item_results')
            .where('id', '=', e.entity_id)
            .execute();
      await s.db.deleteFrom('audit_events').where('seq', '>=', head.auditHead.seq).execute();
      const cut = await verifyPackage(archive, s);
      expect(cut.store).toMatchObject({ holdsHead: false });
      expect(cut.store!.detail).toContain('deleted');
    });
  });
});

describe.each(DIALECTS)('migration 0004 on a store with data (%s)', (dialect: DialectUnderTest) => {
  it('keeps every run row as it was (same hash) and lets a second run of the period in only as a revision', async () => {
    const tmp = tempDir();
    const { env, drop } = await freshStore(dialect, tmp.dir);
    const open = openDatabase(databaseUrlFor(env, tmp.dir), { create: true });
    try {
      await new Migrator({ db: open.db, provider: migrationProvider }).migrateTo('0003_result_recordings');
      const db = open.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await db.insertInto('firms').values({ id: 'f1', name: 'F', licence: 'L', profile_json: '{}', created_at: 't' }).execute();
      await db.insertInto('catalog_versions').values({ id: 'v1', hash: 'h', effective_date: null, content_json: '{}', stored_at: 't' }).execute();
      const run = {
        id: 'r1',
        firm_id: 'f1',
        catalog_version_id: 'v1',
        catalog_hash: 'h',
        period: '2026-10',
        frequency: 'monthly',
        applicability_json: '[]',
        profile_hash: 'p',
        started_at: 't',
        started_by: 'alice',
      };
      await db.insertInto('inspection_runs').values(run).execute();
      const result = {
        id: 'i1',
        run_id: 'r1',
        path: 'a',
        code: null,
        status: 'not_run',
        justification: null,
        source: 'system',
        expires_on: null,
        recorded_by: null,
        recorded_at: null,
        content_hash: 'c',
        revision: 1,
      };
      await db.insertInto('item_results').values(result).execute();
      const before = rowHash(await db.selectFrom('inspection_runs').selectAll().executeTakeFirstOrThrow());
      await migrate(open.db);
      expect(rowHash((await db.selectFrom('inspection_runs').selectAll().executeTakeFirstOrThrow()) as Record<string, unknown>)).toBe(before);
      expect(await db.selectFrom('item_results').select('run_id').execute()).toEqual([{ run_id: 'r1' }]);
      // The one-run-per-period constraint is gone (revisions), and foreign keys still hold.
      await db
        .insertInto('inspection_runs')
        .values({ ...run, id: 'r2' })
        .execute();
      expect(
        await errorOrNull(
          db
            .insertInto('item_results')
            .values({ ...result, id: 'i2', run_id: 'nope' })
            .execute(),
        ),
      ).not.toBeNull();
    } finally {
      await open.close();
      await drop();
      tmp.cleanup();
    }
  });
});

async function errorOrNull(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return null;
  } catch (e) {
    return e;
  }
}
