import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import type { FindingSeverity, FindingStatus } from '../core/inspection/finding.js';
import { type ItemResultView, type ResultSource, type ResultStatus } from '../core/inspection/item-result.js';
import { principalOf } from '../core/inspection/principal.js';
import { ROLES } from '../core/people/roles.js';
import { actorLabel, assertCan, type Actor } from '../core/people/actor.js';
import type { Clock } from '../core/ports/clock.js';
import type { NamedStream } from '../core/ports/evidence-blobs.js';
import type { ChainHead, Review } from '../core/ports/records.js';
import type { Witness } from '../core/audit/audit-auth.js';
import { LOCAL_OPERATOR, orderHistory, type SignatureEvent } from '../core/inspection/signature-history.js';
import type { FirmProfile } from '../core/profile/firm-profile.js';
import { loadApplicabilityRules } from '../io/catalog-data.js';
import { appendWitness, auditKeyFile, createAuditKeyFile, readWitnesses, resolveAuditKey, witnessFile } from '../storage/audit-key.js';
import { AuditedWriter, verifyAuditTrail } from '../storage/audited-writer.js';
import { ensureSigningKey, readSigningPublicKey, signingKeyFiles } from '../storage/signing-key.js';
import { assertAuditIntact, backup, readSnapshot, restore, type AuditAuth, type BackupManifest, type RestoreOutcome } from '../storage/backup.js';
import { databaseUrlFor, isInitialised, migrate, openDatabase, type OpenDatabase } from '../storage/database.js';
import { createVaultKeyFile, EvidenceVault, resolveVaultKey } from '../storage/evidence-vault.js';
import { KyselyInspectionStore } from '../storage/repositories/inspection-store.js';
import { VaultBlobStore } from '../storage/repositories/vault-blob-store.js';
import { evidenceRow, findingRow, firmRow, runOf, runRow, resultRow, signoffRow } from '../storage/repositories/rows.js';
import type { ApprovalsTable, Database, FindingsTable, FirmsTable, InspectionRunsTable, ItemResultsTable, RunSignoffsTable } from '../storage/schema.js';
import type { CatalogStore } from '../storage/catalog-store.js';
import { catalogStoreOn } from './catalog-service.js';
import { versionIn } from './firm-service.js';
import type { InspectionDeps } from './use-cases/deps.js';
import { addEvidence as addEvidenceUseCase, attachEvidence as attachEvidenceUseCase, recordEvidence } from './use-cases/evidence.js';
import { listFindings as listFindingsUseCase, updateFinding as updateFindingUseCase } from './use-cases/findings.js';
import { addFirm as addFirmUseCase, resolveFirm, updateFirmProfile as updateFirmProfileUseCase } from './use-cases/firms.js';
import { approveResult, recordResult, rejectResult, resultViews } from './use-cases/results.js';
import { assertWritable as assertRunWritableIn, resolveRun, startRun as startRunUseCase } from './use-cases/runs.js';
import { reviseRun as reviseRunUseCase } from './use-cases/revise.js';
import { signRun as signRunUseCase } from './use-cases/signoff.js';
import {
  assertMayDelete as assertMayDeleteUseCase,
  setRetention as setRetentionUseCase,
  type RetentionDeps,
  type RetentionStore,
} from './use-cases/retention.js';

export type { Clock } from '../core/ports/clock.js';

/**
 * Crash-test hooks: with CCHECK_FAULT=<point> the process kills itself (SIGKILL) exactly there,
 * so that tests can prove what survives a crash without racing a timer.
 */
export function faultPoint(env: NodeJS.ProcessEnv, point: string): void {
  if (env.CCHECK_FAULT === point) process.kill(process.pid, 'SIGKILL');
  // `<point>:stop` freezes the process there (SIGSTOP) until the test sends SIGCONT, so a second
  // command can run at exactly that moment: races are tested by state, never by timing.
  if (env.CCHECK_FAULT === `${point}:stop` && !stopped.has(point)) {
    stopped.add(point);
    process.kill(process.pid, 'SIGSTOP');
  }
}
const stopped = new Set<string>();

/** The only place ccheck reads the clock; everything else gets a Clock passed in. */
export const systemClock: Clock = {
  now: () => new Date().toISOString(),
  today: () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()),
};

/**
 * The actor behind a name passed to the façade (the callers from before actors: the CLI's older
 * paths and other services): a local operator with every role, named exactly as given. A name in
 * an account's form keeps meaning that account in the trail (principalOf reads its id). Callers
 * that have an Actor pass it and it is used as is.
 */
export function actorOf(actor: string | Actor): Actor {
  if (typeof actor !== 'string') return actor;
  principalOf(actor); // a name with invisible characters is refused before anything is written
  return { kind: 'local', id: actor, name: actor, grants: ROLES.map((role) => ({ role, firmId: null })), method: 'local', factorAt: null };
}

/**
 * Inspections that hold up to an examiner: every write is audited in the same transaction,
 * approvals bind to a hash of what was approved, evidence is encrypted and content-addressed.
 */
export class InspectionService {
  /** The store behind the use cases (ports in src/core/ports, Kysely repositories in src/storage/repositories). */
  readonly store: KyselyInspectionStore;

  private constructor(
    readonly open: OpenDatabase,
    readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly clock: Clock,
  ) {
    this.store = new KyselyInspectionStore(open, clock, () => this.ensureAuditKey());
    this.catalog = catalogStoreOn(this.store, clock, home);
  }

  /** The catalog versions: shipped files plus the imports in this database (ADR-0003). */
  readonly catalog: CatalogStore;

  /**
   * What the use cases (src/services/use-cases) are given. This class is a façade over them that
   * keeps the signatures its callers use (names, table rows); new code calls the use cases.
   */
  get deps(): InspectionDeps {
    return { store: this.store, clock: this.clock, ids: { next: () => randomUUID() }, fault: (point) => faultPoint(this.env, point) };
  }

  static async connect(home: string, env: NodeJS.ProcessEnv, clock: Clock = systemClock, options: { create?: boolean } = {}): Promise<InspectionService> {
    const open = openDatabase(databaseUrlFor(env, home), options);
    const service = new InspectionService(open, home, env, clock);
    if (!options.create) {
      if (!(await isInitialised(open.db))) {
        await open.close();
        throw new CoreError('STORE_NOT_INITIALISED', `the ccheck database at ${open.location} is not set up`, {
          location: open.location,
        });
      }
      await migrate(open.db);
    }
    return service;
  }

  /** Files this service already put into the vault (path, size, mtime → content), so a `run` encrypts each once. */
  private readonly stored = new Map<string, { sha256: string; size: number }>();

  /** The connection or, inside `transaction()`, the transaction: reads see its writes, and no second connection is needed. */
  get db(): Kysely<Database> {
    return this.store.db;
  }

  /**
   * Runs `fn` as one write transaction: every write inside commits together or not at all, so a
   * command that fails half-way leaves nothing of its own behind (README: nothing stored changes
   * when a command fails). Writes nested inside join it.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.store.transaction(fn);
  }

  async close(): Promise<void> {
    await this.open.close();
  }

  /** Creates (or upgrades) the schema, and a vault key file when no key is configured. */
  async init(): Promise<{ location: string; keyFile: string | null }> {
    await migrate(this.db);
    await this.ensureAuditKey();
    let keyFile: string | null = null;
    if (!this.env.CCHECK_VAULT_KEY && !this.env.CCHECK_VAULT_KEY_FILE) {
      const file = path.join(this.home, 'vault.key');
      if (!existsSync(file)) {
        createVaultKeyFile(file);
        keyFile = file;
      }
    }
    this.vault().removeLeftovers();
    return { location: this.open.location, keyFile };
  }

  vault(): EvidenceVault {
    return new EvidenceVault(path.join(this.home, 'vault'), resolveVaultKey(this.env, this.home));
  }

  private macKey: Buffer | null | undefined;

  /**
   * The audit key (outside the database): created with the first write of a store that has none,
   * and witnessed with the head it starts after, so every later event must carry a MAC.
   */
  private async ensureAuditKey(): Promise<Buffer | null> {
    if (this.macKey) return this.macKey;
    let key = resolveAuditKey(this.env, this.home);
    if (!key && !this.env.CCHECK_AUDIT_KEY) {
      // A store whose events already carry MACs was made with a key that is not here (a restore
      // on another machine): a new key would make every earlier event unverifiable.
      const authenticated = await this.db.selectFrom('audit_events').select('seq').where('mac', 'is not', null).limit(1).executeTakeFirst();
      if (authenticated) {
        const file = auditKeyFile(this.env, this.home);
        throw new CoreError(
          'AUDIT_KEY_MISSING',
          `this database's audit trail is authenticated with an audit key that is not at ${file}: copy audit.key from the installation that wrote it, or set CCHECK_AUDIT_KEY`,
          { file },
        );
      }
      if (createAuditKeyFile(auditKeyFile(this.env, this.home))) await this.witness('audit-key');
      key = resolveAuditKey(this.env, this.home);
    }
    this.macKey = key;
    return key;
  }

  /** Appends the chain head to the witness file (outside the database): at sign-off, backup and key creation. */
  async witness(reason: string): Promise<Witness> {
    const last = await this.store.audit.head();
    const w: Witness = { seq: last.seq, head: last.seq ? last.hash : 'genesis', at: this.clock.now(), reason };
    appendWitness(witnessFile(this.env, this.home), w);
    return w;
  }

  /** The installation's package-signing public key and fingerprint (null before the first package). */
  signingPublicKey(): { publicKeyPem: string; fingerprint: string } | null {
    return readSigningPublicKey(this.env, this.home);
  }

  /** The package-signing key, created on first use beside the vault key. */
  signingKey() {
    return ensureSigningKey(this.env, this.home);
  }

  witnesses(): Witness[] {
    return readWitnesses(witnessFile(this.env, this.home));
  }

  private write<T>(actor: string, fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>): Promise<T> {
    principalOf(actor); // a name with invisible characters is refused before anything is written
    return this.store.writeRows(actor, fn);
  }

  // ── firms ──────────────────────────────────────────────────────────────────────────────

  async addFirm(actor: string | Actor, profile: FirmProfile): Promise<FirmsTable> {
    return firmRow(await addFirmUseCase(this.deps, actorOf(actor), profile));
  }

  /**
   * Replaces a firm's profile (audited, with the old one in the event). Runs already started keep
   * the applicability frozen into them; the new profile decides from the next run on.
   */
  async updateFirmProfile(actor: string | Actor, profile: FirmProfile): Promise<{ firm: FirmsTable; changed: boolean }> {
    const r = await updateFirmProfileUseCase(this.deps, actorOf(actor), profile);
    return { firm: firmRow(r.firm), changed: r.changed };
  }

  async listFirms(): Promise<FirmsTable[]> {
    return (await this.store.firms.list()).map(firmRow);
  }

  /** By id, licence number or exact name. */
  async firm(ref: string): Promise<FirmsTable> {
    return firmRow(await resolveFirm(this.store.firms, ref));
  }

  // ── runs ───────────────────────────────────────────────────────────────────────────────

  /**
   * Starts the inspection of one period: one result per item of that cadence, `not_run` where
   * it applies and `not_applicable` (with the reason) where it does not. The catalog version and
   * the applicability decisions are frozen into the run.
   */
  async startRun(
    actor: string | Actor,
    firmRef: string,
    periodId: string,
    versionRef?: string,
  ): Promise<{ run: InspectionRunsTable; applicable: number; notApplicable: number }> {
    const versions = await this.catalog.list(); // read once: CatalogSource.version() picks from it synchronously
    const catalog = { version: (ref?: string) => versionIn(versions, ref), rules: () => loadApplicabilityRules() };
    const r = await startRunUseCase({ ...this.deps, catalog }, actorOf(actor), { firm: firmRef, period: periodId, version: versionRef });
    return { ...r, run: runRow(r.run) };
  }

  /**
   * The period's run: its latest revision, or the one asked for (1 is the run as first started).
   * A signed run that was revised stays stored as it was; the correction is the next revision.
   */
  async run(firmRef: string, periodId: string, revision?: number): Promise<{ firm: FirmsTable; run: InspectionRunsTable; revision: number }> {
    const r = await resolveRun(this.store, { firm: firmRef, period: periodId, revision });
    return { firm: firmRow(r.firm), run: runRow(r.run), revision: r.revision };
  }

  /** The sign-off of a run, or null. */
  async signoffOf(runId: string, tx: Kysely<Database> = this.db): Promise<RunSignoffsTable | null> {
    return (await tx.selectFrom('run_signoffs').selectAll().where('run_id', '=', runId).executeTakeFirst()) ?? null;
  }

  /** The read-only rule (臺證輔字第1060504884號: 簽核完竣之稽核報告應採唯讀方式儲存), checked inside each write's transaction. */
  private async assertWritable(_tx: Kysely<Database>, run: InspectionRunsTable, what: string): Promise<void> {
    await assertRunWritableIn(this.store, runOf(run), what);
  }

  /** A run by its id or an unambiguous prefix of at least 8 characters (as `inspect list` shows it), with its firm's licence. */
  async runById(ref: string): Promise<{ licence: string; period: string }> {
    const id = ref.trim().toLowerCase();
    const rows =
      id.length >= 8 && /^[0-9a-f-]+$/.test(id)
        ? await this.db
            .selectFrom('inspection_runs')
            .innerJoin('firms', 'firms.id', 'inspection_runs.firm_id')
            .select(['inspection_runs.id', 'inspection_runs.period', 'firms.licence'])
            .where('inspection_runs.id', 'like', `${id}%`)
            .execute()
        : [];
    if (rows.length !== 1)
      throw new CoreError('RUN_NOT_FOUND', rows.length ? `"${ref}" names ${rows.length} inspections; give more of the id` : `no inspection "${ref}"`, {
        period: ref,
      });
    return { licence: rows[0]!.licence, period: rows[0]!.period };
  }

  async listRuns(firmId?: string): Promise<InspectionRunsTable[]> {
    return (await this.store.runs.list(firmId)).map(runRow);
  }

  // ── evidence ───────────────────────────────────────────────────────────────────────────

  /**
   * Streams a file into the encrypted vault and records it for the firm. The same bytes are
   * stored once and reused across items and periods. The vault write happens before the
   * transaction; a process killed in between leaves a complete, unreferenced blob at most.
   */
  async addEvidence(actor: string | Actor, firmRef: string, file: string, meta: { collectedAt: string; expiresOn?: IsoDate | null; name?: string }) {
    const firm = await resolveFirm(this.store.firms, firmRef);
    const blob = await this.storeFile(file);
    const r = await recordEvidence(this.deps, actorOf(actor), firm.id, { ...blob, name: meta.name ?? path.basename(file) }, meta);
    return { evidence: evidenceRow(r.evidence), reused: r.reused };
  }

  /**
   * Puts a file into the vault (encrypted, verified) without recording it yet. `ccheck run` stores
   * every file first, outside its transaction: blobs are content-addressed and harmless if the
   * run then fails, and the database lock is not held while gigabytes are encrypted.
   */
  async storeFile(file: string): Promise<{ sha256: string; size: number }> {
    if (!existsSync(file) || !statSync(file).isFile()) throw new CoreError('INPUT_FILE_NOT_FOUND', `${file}: cannot read the file`, {}, { file });
    const st = statSync(file);
    const key = `${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`;
    const known = this.stored.get(key);
    if (known && this.vault().has(known.sha256)) return known;
    const put = await this.blobs().put(createReadStream(file, { highWaterMark: 1 << 20 }));
    faultPoint(this.env, 'evidence.after-vault');
    this.stored.set(key, put);
    return put;
  }

  /** The evidence blob store (the vault), with the crash-test hook after the first MiB. */
  private blobs(): VaultBlobStore {
    return new VaultBlobStore(this.vault(), (bytes) => {
      if (bytes > 1 << 20) faultPoint(this.env, 'evidence.mid-vault');
    });
  }

  /**
   * Evidence as a named stream (an upload, or any source that is not a file here): the same path
   * a file takes — into the vault first, then the row.
   */
  async addEvidenceStream(actor: string | Actor, firmRef: string, input: NamedStream, meta: { collectedAt: string; expiresOn?: IsoDate | null }) {
    const r = await addEvidenceUseCase({ ...this.deps, blobs: this.blobs() }, actorOf(actor), firmRef, input, meta);
    return { evidence: evidenceRow(r.evidence), reused: r.reused };
  }

  /** Attaches stored evidence to an item's result, keeping its status; a changed result voids its approval. */
  async attachEvidence(actor: string | Actor, ref: { firm: string; period: string; path: string }, sha256: string) {
    const r = await attachEvidenceUseCase(this.deps, actorOf(actor), ref, sha256);
    return { result: resultRow(r.result), finding: null as FindingsTable | null };
  }

  /**
   * Decrypts and re-hashes every evidence blob: those the database records (a missing one is a
   * problem) and any other in the vault. A flipped byte is found here, not when someone needs
   * the file.
   */
  async verifyEvidence(): Promise<{ checked: number; problems: { sha256: string; name: string | null; code: string; detail: string }[] }> {
    const vault = this.vault();
    const rows = await this.store.evidence.all();
    const nameOf = new Map(rows.map((r) => [r.sha256, r.name]));
    const all = [...new Set([...rows.map((r) => r.sha256), ...vault.list()])].sort();
    const problems: { sha256: string; name: string | null; code: string; detail: string }[] = [];
    for (const sha of all) {
      try {
        await vault.verify(sha);
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        problems.push({ sha256: sha, name: nameOf.get(sha) ?? null, code: e.code, detail: e.message });
      }
    }
    return { checked: all.length, problems };
  }

  async listEvidence(firmId: string) {
    return (await this.store.evidence.list(firmId)).map(evidenceRow);
  }

  // ── results ────────────────────────────────────────────────────────────────────────────

  /** The content a result's hash covers, read from the store (revisions copy it). */
  /**
   * Records a result (an analyzer's or a person's attestation). A failed or partial result opens
   * a finding, linked to the same item's finding in an earlier period when it recurs.
   */
  async setResult(
    actor: string | Actor,
    ref: { firm: string; period: string; path: string },
    input: {
      status: ResultStatus;
      justification?: string | null;
      source: ResultSource;
      expiresOn?: IsoDate | null;
      evidence?: readonly string[];
      severity?: FindingSeverity;
    },
  ): Promise<{ result: ItemResultsTable; finding: FindingsTable | null }> {
    const r = await recordResult(this.deps, actorOf(actor), ref, input);
    return { result: resultRow(r.result), finding: r.finding ? findingRow(r.finding) : null };
  }

  /**
   * Maker-checker sign-off: someone other than the recorder approves, and the approval stores
   * the hash of exactly what was approved. A later change voids it visibly.
   */
  async approve(actor: string | Actor, ref: { firm: string; period: string; path: string }): Promise<ApprovalsTable> {
    const a = await approveResult(this.deps, actorOf(actor), ref);
    return { id: a.id, result_id: a.resultId, approved_by: a.by, approved_at: a.at, approved_hash: a.hash };
  }

  /** A supervisor sends a recorded result back to the officer with a reason (not their own: maker-checker). */
  reject(actor: string | Actor, ref: { firm: string; period: string; path: string; reason: string }): Promise<Review> {
    return rejectResult(this.deps, actorOf(actor), ref);
  }

  // ── retention ──────────────────────────────────────────────────────────────────────────

  /** Sets how many years a firm keeps its signed inspections and packages (audited; firm.edit on the firm). */
  async setRetention(actor: string | Actor, firmRef: string, years: number): Promise<{ years: number; set_by: string; set_at: string }> {
    const r = await setRetentionUseCase(this.retentionDeps(), actorOf(actor), { firm: firmRef, years });
    return { years: r.years, set_by: r.setBy, set_at: r.setAt };
  }

  /** The firm's retention in years; null when none is set (then nothing signed may ever be deleted). */
  async retentionYears(firmId: string): Promise<number | null> {
    return (await this.retentionDeps().retention.of(firmId))?.years ?? null;
  }

  /**
   * The guard every deletion of a signed run or its package must pass (there is no delete command
   * yet): refused until the firm's retention period after the sign-off has ended.
   */
  async assertMayDelete(ref: { firm: string; period: string; revision?: number }): Promise<void> {
    const { firm, run, revision } = await this.run(ref.firm, ref.period, ref.revision);
    const signoff = await this.signoffOf(run.id);
    await assertMayDeleteUseCase(this.retentionDeps(), { firmId: firm.id, what: `${run.period} revision ${revision}`, signedAt: signoff?.signed_at ?? null });
  }

  /** The retention use cases' ports: firms from the store, settings in firm_retention, each write audited. */
  private retentionDeps(): RetentionDeps {
    const retention: RetentionStore = {
      of: async (firmId) => {
        const r = await this.db.selectFrom('firm_retention').selectAll().where('id', '=', firmId).executeTakeFirst();
        return r ? { years: Number(r.years), setBy: r.set_by, setAt: r.set_at } : null;
      },
      set: (label, firmId, setting) =>
        this.write(label, async (w, tx) => {
          const row = { years: setting.years, set_by: setting.setBy, set_at: setting.setAt };
          const existing = await tx.selectFrom('firm_retention').select('id').where('id', '=', firmId).executeTakeFirst();
          const r = existing
            ? await w.update('firm_retention', firmId, row, 'firm.set_retention')
            : await w.insert('firm_retention', { id: firmId, ...row }, 'firm.set_retention');
          return { years: Number(r.years), setBy: r.set_by, setAt: r.set_at };
        }),
    };
    return { firms: this.store.firms, retention, clock: this.clock };
  }

  // ── sign-off and revisions ─────────────────────────────────────────────────────────────

  /**
   * The CISO signs the inspection off: every applicable item has a current approved result, and
   * the signer recorded none of them (maker-checker). From then on the run is read-only. The
   * chain head after the sign-off is witnessed outside the database.
   */
  async signRun(
    actor: string | Actor,
    ref: { firm: string; period: string },
    how: { role: string; authentication: string },
  ): Promise<{ signoff: RunSignoffsTable; revision: number; witness: Witness }> {
    const { signoff, revision } = await signRunUseCase(this.deps, actorOf(actor), ref, how);
    return { signoff: signoffRow(signoff), revision, witness: await this.witness(`signoff ${signoff.runId}`) };
  }

  /** A correction of a signed run: its next revision (use-cases/revise.ts). */
  async reviseRun(actor: string | Actor, ref: { firm: string; period: string }): Promise<{ run: InspectionRunsTable; revision: number; revises: string }> {
    const out = await reviseRunUseCase(this.deps, actorOf(actor), ref);
    return { ...out, run: runRow(out.run) };
  }

  /**
   * The run's e-signature history from the audit trail: the start, every recording and approval
   * of its results, its revision and its sign-off, in chain order, with the hash each one covers.
   */
  async signatureHistory(
    run: InspectionRunsTable,
  ): Promise<{ revision: number; revisesRunId: string | null; signoff: RunSignoffsTable | null; history: SignatureEvent[] }> {
    const results = await this.db.selectFrom('item_results').select(['id', 'path']).where('run_id', '=', run.id).execute();
    const pathOf = new Map(results.map((r) => [r.id, r.path]));
    const ids = results.map((r) => r.id);
    const approvals = ids.length ? await this.db.selectFrom('approvals').selectAll().where('result_id', 'in', ids).execute() : [];
    const approvalOf = new Map(approvals.map((a) => [a.id, a]));
    const rejections = ids.length ? await this.db.selectFrom('rejections').selectAll().where('result_id', 'in', ids).execute() : [];
    const rejectionOf = new Map(rejections.map((r) => [r.id, r]));
    const recordings = ids.length
      ? await this.db.selectFrom('result_recordings').selectAll().where('result_id', 'in', ids).where('revision', '>=', 2).orderBy('revision').execute()
      : [];
    const signoff = await this.signoffOf(run.id);
    const rev = await this.db.selectFrom('run_revisions').selectAll().where('id', '=', run.id).executeTakeFirst();
    const events = await this.db
      .selectFrom('audit_events')
      .select(['seq', 'at', 'actor', 'action', 'entity', 'entity_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('entity', '=', 'inspection_runs'), eb('entity_id', '=', run.id)]),
          ...(ids.length ? [eb.and([eb('entity', '=', 'item_results'), eb('action', '=', 'result.set'), eb('entity_id', 'in', ids)])] : []),
          ...(approvals.length
            ? [
                eb.and([
                  eb('entity', '=', 'approvals'),
                  eb(
                    'entity_id',
                    'in',
                    approvals.map((a) => a.id),
                  ),
                ]),
              ]
            : []),
          ...(rejections.length
            ? [
                eb.and([
                  eb('entity', '=', 'rejections'),
                  eb(
                    'entity_id',
                    'in',
                    rejections.map((r) => r.id),
                  ),
                ]),
              ]
            : []),
          ...(signoff ? [eb.and([eb('entity', '=', 'run_signoffs'), eb('entity_id', '=', signoff.id)])] : []),
        ]),
      )
      .orderBy('seq')
      .execute();
    const nth = new Map<string, number>();
    const history: SignatureEvent[] = [];
    for (const e of events) {
      const base = { seq: Number(e.seq), at: e.at, actor: e.actor, authentication: LOCAL_OPERATOR };
      if (e.entity === 'inspection_runs') {
        history.push({
          ...base,
          role: 'operator',
          action: rev ? 'revise' : 'start',
          item: null,
          hash: rev ? `revises ${rev.revises_run_id}` : run.catalog_hash,
        });
      } else if (e.entity === 'item_results') {
        const n = nth.get(e.entity_id) ?? 0;
        nth.set(e.entity_id, n + 1);
        const rec = recordings.filter((r) => r.result_id === e.entity_id)[n];
        history.push({ ...base, role: 'recorder', action: 'record', item: pathOf.get(e.entity_id) ?? null, hash: rec?.content_hash ?? null });
      } else if (e.entity === 'approvals') {
        const a = approvalOf.get(e.entity_id)!;
        history.push({ ...base, role: 'reviewer', action: 'approve', item: pathOf.get(a.result_id) ?? null, hash: a.approved_hash });
      } else if (e.entity === 'rejections') {
        const r = rejectionOf.get(e.entity_id)!;
        history.push({ ...base, role: 'reviewer', action: 'reject', item: pathOf.get(r.result_id) ?? null, hash: r.rejected_hash, reason: r.reason });
      } else if (signoff) {
        history.push({ ...base, role: signoff.role, action: 'signoff', item: null, hash: signoff.results_hash, authentication: signoff.authentication });
      }
    }
    return { revision: rev?.revision ?? 1, revisesRunId: rev?.revises_run_id ?? null, signoff, history: orderHistory(history) };
  }

  async results(firmRef: string, periodId: string, revision?: number): Promise<{ run: InspectionRunsTable; results: ItemResultView[] }> {
    const { run } = await resolveRun(this.store, { firm: firmRef, period: periodId, revision });
    return { run: runRow(run), results: await resultViews(this.store, run, this.clock.today()) };
  }

  // ── findings ───────────────────────────────────────────────────────────────────────────

  async listFindings(firmId?: string): Promise<FindingsTable[]> {
    return (await listFindingsUseCase(this.deps, actorOf('ccheck'), firmId)).map(findingRow);
  }

  async updateFinding(
    actor: string | Actor,
    id: string,
    patch: { severity?: FindingSeverity; rootCause?: string; correctiveAction?: string; owner?: string; dueOn?: IsoDate },
    to?: FindingStatus,
    effectivenessCheck?: string,
  ): Promise<FindingsTable> {
    return findingRow(await updateFindingUseCase(this.deps, actorOf(actor), id, { ...patch, to, effectivenessCheck }));
  }

  /** Keeps an analyzer's whole report with the run, so reports can show its findings row by row. */
  async storeAnalyzerReport(
    actor: string | Actor,
    ref: { firm: string; period: string },
    report: { analyzer: string; verdict: string; items: readonly string[] },
    evidence: readonly string[],
    reportJson: string,
  ) {
    const a = actorOf(actor);
    const { firm, run } = await this.run(ref.firm, ref.period);
    assertCan(a, 'analysis.run', firm.id);
    const label = actorLabel(a);
    return this.write(label, async (w, tx) => {
      await this.assertWritable(tx, run, 'analyzer report');
      return w.insert('analyzer_reports', {
        id: randomUUID(),
        run_id: run.id,
        analyzer: report.analyzer,
        verdict: report.verdict,
        items_json: JSON.stringify(report.items),
        evidence_json: JSON.stringify(evidence),
        // Firewall rules, addresses and host names: as encrypted as the evidence they came from.
        report_json: this.vault().sealText(reportJson),
        recorded_by: label,
        recorded_at: this.clock.now(),
      });
    });
  }

  /** A run's analyzer reports, decrypted (a wrong key or a changed text is an error, never garbage). */
  async analyzerReports(runId: string) {
    const rows = await this.db.selectFrom('analyzer_reports').selectAll().where('run_id', '=', runId).orderBy('recorded_at').execute();
    if (!rows.length) return rows;
    const vault = this.vault();
    return rows.map((r) => ({ ...r, report_json: vault.openText(r.report_json, `analyzer report ${r.analyzer} ${r.id.slice(0, 8)}`) }));
  }

  // ── audit ──────────────────────────────────────────────────────────────────────────────

  /** The chain, every row against it, each event's MAC (audit key) and each witnessed head. */
  /** The chain head, read directly (one indexed row, never a walk of the chain). */
  auditHead(): Promise<ChainHead> {
    return this.store.audit.head();
  }

  /** Refuses `doing` unless the audit trail verifies, checked in one snapshot (so a concurrent write is not tampering). */
  assertAuditIntact(doing: string): Promise<{ head: string; events: number; flags: string[] }> {
    // MACs and witnessed heads are checked too (a chain rewritten by a database writer is refused);
    // MACs that cannot be checked here (no audit key) come back as flags.
    if (this.store.inTransaction) return assertAuditIntact(this.db, doing, this.auditAuth());
    return readSnapshot(this.open, (db) => assertAuditIntact(db as Kysely<Database>, doing, this.auditAuth()));
  }

  verifyAudit() {
    const auth = this.auditAuth();
    const check = (db: Kysely<Database>) => verifyAuditTrail(db, auth, () => faultPoint(this.env, 'audit.after-chain'));
    // Inside a write (a report within a transaction) the transaction is the snapshot; otherwise one
    // read transaction holds the chain and the rows together, so a write committing between the two
    // reads can never look like tampering.
    if (this.store.inTransaction) return check(this.db);
    return readSnapshot(this.open, (db) => check(db as Kysely<Database>));
  }

  /** The audit key and the witnessed heads (both outside the database), for every check of the trail. */
  auditAuth(): AuditAuth {
    return { key: resolveAuditKey(this.env, this.home), witnesses: this.witnesses() };
  }

  // ── backup ─────────────────────────────────────────────────────────────────────────────

  /**
   * The database and the evidence, plus the signed packages and the signing key's public half
   * (the private half only when asked, sealed with the vault key), every file in the manifest.
   * A store whose MACs or witnessed heads fail is not backed up.
   */
  async backup(dir: string, options: { withSigningKey?: boolean } = {}): Promise<BackupManifest> {
    const pub = this.signingPublicKey();
    const sealed = pub && options.withSigningKey ? this.vault().sealText(readFileSync(signingKeyFiles(this.env, this.home).privateKey, 'utf8')) : null;
    const extras = { packagesDir: path.join(this.home, 'packages'), signingPublicKeyPem: pub?.publicKeyPem ?? null, sealedSigningKey: sealed };
    const manifest = await backup(this.open, this.vault(), dir, this.clock.now(), { auth: this.auditAuth(), extras });
    // The head a backup holds is witnessed outside the database: a tail cut later is detected.
    await this.witness('backup');
    return manifest;
  }

  /** Restores the database and evidence, then the packages and the signing key into this installation. */
  restore(dir: string): Promise<RestoreOutcome> {
    return restore(this.open, this.vault(), dir, {
      auth: this.auditAuth(),
      installation: { packagesDir: path.join(this.home, 'packages'), signingKey: signingKeyFiles(this.env, this.home) },
    });
  }
}
