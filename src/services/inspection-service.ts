import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID, createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { evaluateApplicability } from '../core/applicability/evaluate-applicability.js';
import { canonicalJson, type CatalogVersion } from '../core/catalog/catalog-version.js';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { assertTransition, FINDING_SEVERITIES, type FindingSeverity, type FindingStatus } from '../core/inspection/finding.js';
import {
  assertCanApprove,
  effectiveStatus,
  resultContentHash,
  validateResult,
  type ItemResultView,
  type ResultContent,
  type ResultSource,
  type ResultStatus,
} from '../core/inspection/item-result.js';
import { principalOf } from '../core/inspection/principal.js';
import {
  assertReadyForSignoff,
  assertRetentionOver,
  assertRetentionYears,
  assertRunWritable,
  assertSignerIndependent,
  signedResultsHash,
} from '../core/inspection/signoff.js';
import type { Witness } from '../core/audit/audit-auth.js';
import { LOCAL_OPERATOR, orderHistory, type SignatureEvent } from '../core/inspection/signature-history.js';
import { parsePeriod } from '../core/plan/periods.js';
import type { FirmProfile } from '../core/profile/firm-profile.js';
import { loadApplicabilityRules } from '../io/catalog-data.js';
import { appendWitness, auditKeyFile, createAuditKeyFile, readWitnesses, resolveAuditKey, witnessFile } from '../storage/audit-key.js';
import { AuditedWriter, verifyAuditTrail } from '../storage/audited-writer.js';
import { ensureSigningKey, readSigningPublicKey, signingKeyFiles } from '../storage/signing-key.js';
import { backup, restore, type AuditAuth, type BackupManifest, type RestoreOutcome } from '../storage/backup.js';
import { databaseUrlFor, isInitialised, migrate, openDatabase, withWriteTransaction, type OpenDatabase } from '../storage/database.js';
import { createVaultKeyFile, EvidenceVault, resolveVaultKey } from '../storage/evidence-vault.js';
import type { Database, FindingsTable, FirmsTable, InspectionRunsTable, ItemResultsTable, RunSignoffsTable } from '../storage/schema.js';
import { openCatalogStore } from './catalog-service.js';
import { versionFor } from './firm-service.js';

/** The clock, behind a port: tests and the CLI pass one in; the core never reads time itself. */
export interface Clock {
  /** An instant, ISO 8601 UTC. */
  now(): string;
  /** The calendar day in Taipei, which decides expiry and due dates. */
  today(): IsoDate;
}

/**
 * Crash-test hooks: with CCHECK_FAULT=<point> the process kills itself (SIGKILL) exactly there,
 * so that tests can prove what survives a crash without racing a timer.
 */
function faultPoint(env: NodeJS.ProcessEnv, point: string): void {
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
 * Inspections that hold up to an examiner: every write is audited in the same transaction,
 * approvals bind to a hash of what was approved, evidence is encrypted and content-addressed.
 */
export class InspectionService {
  private constructor(
    readonly open: OpenDatabase,
    readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly clock: Clock,
  ) {}

  static async connect(home: string, env: NodeJS.ProcessEnv, clock: Clock = systemClock, options: { create?: boolean } = {}): Promise<InspectionService> {
    const open = openDatabase(databaseUrlFor(env, home), options);
    const service = new InspectionService(open, home, env, clock);
    if (!options.create) {
      if (!(await isInitialised(open.db))) {
        await open.close();
        throw new CoreError('STORE_NOT_INITIALISED', `the ccheck database at ${open.location} is not set up: run ccheck init first`, {
          location: open.location,
        });
      }
      await migrate(open.db);
    }
    return service;
  }

  /** The transaction `transaction()` opened, while inside it: reads see its writes, and no second connection is needed. */
  private readonly scope = new AsyncLocalStorage<Kysely<Database>>();
  /** Files this service already put into the vault (path, size, mtime → content), so a `run` encrypts each once. */
  private readonly stored = new Map<string, { sha256: string; size: number }>();

  get db(): Kysely<Database> {
    return this.scope.getStore() ?? this.open.db;
  }

  /**
   * Runs `fn` as one write transaction: every write inside commits together or not at all, so a
   * command that fails half-way leaves nothing of its own behind (README: nothing stored changes
   * when a command fails). Writes nested inside join it.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.scope.getStore()) return fn();
    return withWriteTransaction(this.open, (tx) => this.scope.run(tx, fn));
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
    const last = await this.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const w: Witness = { seq: last ? Number(last.seq) : 0, head: last ? String(last.hash) : 'genesis', at: this.clock.now(), reason };
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

  private async write<T>(actor: string, fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>): Promise<T> {
    principalOf(actor); // a name with invisible characters is refused before anything is written
    const key = await this.ensureAuditKey();
    return this.transaction(() => {
      const tx = this.scope.getStore()!;
      return fn(new AuditedWriter(tx, actor, this.clock.now(), key), tx);
    });
  }

  // ── firms ──────────────────────────────────────────────────────────────────────────────

  async addFirm(actor: string, profile: FirmProfile): Promise<FirmsTable> {
    return this.write(actor, async (w, tx) => {
      const exists = await tx.selectFrom('firms').select('id').where('licence', '=', profile.firm.licence).executeTakeFirst();
      if (exists) throw new CoreError('FIRM_EXISTS', `a firm with licence ${profile.firm.licence} already exists`, { licence: profile.firm.licence });
      return w.insert('firms', {
        id: randomUUID(),
        name: profile.firm.name,
        licence: profile.firm.licence,
        profile_json: JSON.stringify(profile),
        created_at: this.clock.now(),
      });
    });
  }

  /**
   * Replaces a firm's profile (audited, with the old one in the event). Runs already started keep
   * the applicability frozen into them; the new profile decides from the next run on.
   */
  async updateFirmProfile(actor: string, profile: FirmProfile): Promise<{ firm: FirmsTable; changed: boolean }> {
    const firm = await this.firm(profile.firm.licence);
    if (canonicalJson(JSON.parse(firm.profile_json)) === canonicalJson(profile)) return { firm, changed: false };
    return this.write(actor, async (w) => ({
      firm: await w.update('firms', firm.id, { name: profile.firm.name, profile_json: JSON.stringify(profile) }, 'firms.update_profile'),
      changed: true,
    }));
  }

  listFirms(): Promise<FirmsTable[]> {
    return this.db.selectFrom('firms').selectAll().orderBy('name').execute();
  }

  /** By id, licence number or exact name. */
  async firm(ref: string): Promise<FirmsTable> {
    const f = await this.db
      .selectFrom('firms')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('licence', '=', ref), eb('name', '=', ref)]))
      .execute();
    if (f.length !== 1)
      throw new CoreError(
        'FIRM_NOT_FOUND',
        f.length ? `"${ref}" names ${f.length} firms; use the licence number` : `no firm "${ref}" (see: ccheck firm list)`,
        { ref },
      );
    return f[0]!;
  }

  // ── runs ───────────────────────────────────────────────────────────────────────────────

  /**
   * Starts the inspection of one period: one result per item of that cadence, `not_run` where
   * it applies and `not_applicable` (with the reason) where it does not. The catalog version and
   * the applicability decisions are frozen into the run.
   */
  async startRun(
    actor: string,
    firmRef: string,
    periodId: string,
    versionRef?: string,
  ): Promise<{ run: InspectionRunsTable; applicable: number; notApplicable: number }> {
    const firm = await this.firm(firmRef);
    const period = parsePeriod(periodId);
    const store = openCatalogStore(this.home);
    const version: CatalogVersion = versionFor(store, versionRef);
    const profile = JSON.parse(firm.profile_json) as FirmProfile;
    const decisions = evaluateApplicability(version, loadApplicabilityRules(), profile).decisions;
    const decisionOf = new Map(decisions.map((d) => [d.path, d]));
    const parents = new Set(version.nodes.map((n) => n.parentPath).filter((p): p is string => p !== null));
    const items = version.nodes.filter((n) => !parents.has(n.path) && n.frequency === period.frequency);
    return this.write(actor, async (w, tx) => {
      const existing = await tx.selectFrom('inspection_runs').select('id').where('firm_id', '=', firm.id).where('period', '=', period.id).executeTakeFirst();
      if (existing) throw new CoreError('RUN_EXISTS', `${firm.name} already has an inspection for ${period.id}`, { period: period.id });
      const stored = await tx.selectFrom('catalog_versions').select(['id', 'hash']).where('id', '=', version.id).executeTakeFirst();
      if (!stored) {
        await w.insert('catalog_versions', {
          id: version.id,
          hash: version.hash,
          effective_date: version.effectiveDate,
          content_json: JSON.stringify(version),
          stored_at: this.clock.now(),
        });
      } else if (stored.hash !== version.hash) {
        throw new CoreError('CATALOG_VERSION_CONFLICT', `catalog version ${version.id} in the database differs from the catalog (${stored.hash})`, {
          id: version.id,
        });
      }
      const run = await w.insert('inspection_runs', {
        id: randomUUID(),
        firm_id: firm.id,
        catalog_version_id: version.id,
        catalog_hash: version.hash,
        period: period.id,
        frequency: period.frequency,
        applicability_json: JSON.stringify(decisions.filter((d) => items.some((i) => i.path === d.path))),
        profile_hash: `sha256:${createHash('sha256').update(canonicalJson(profile)).digest('hex')}`,
        started_at: this.clock.now(),
        started_by: actor,
      });
      let applicable = 0;
      for (const item of items) {
        const d = decisionOf.get(item.path)!;
        const notYet = item.effectiveDate !== null && item.effectiveDate > period.end;
        const applies = d.applies && !notYet;
        applicable += applies ? 1 : 0;
        const content: ResultContent = {
          runId: run.id,
          path: item.path,
          status: applies ? 'not_run' : 'not_applicable',
          justification: applies
            ? null
            : notYet
              ? `尚未生效（${item.effectiveDate}）/ not in force until ${item.effectiveDate}`
              : `${d.reasonZh} / ${d.reason}`,
          source: 'system',
          evidence: [],
          expiresOn: null,
        };
        await w.insert('item_results', {
          id: randomUUID(),
          run_id: run.id,
          path: item.path,
          code: item.code,
          status: content.status,
          justification: content.justification,
          source: 'system',
          expires_on: null,
          recorded_by: null,
          recorded_at: null,
          content_hash: resultContentHash(content),
          revision: 1,
        });
      }
      return { run, applicable, notApplicable: items.length - applicable };
    });
  }

  /**
   * The period's run: its latest revision, or the one asked for (1 is the run as first started).
   * A signed run that was revised stays stored as it was; the correction is the next revision.
   */
  async run(firmRef: string, periodId: string, revision?: number): Promise<{ firm: FirmsTable; run: InspectionRunsTable; revision: number }> {
    const firm = await this.firm(firmRef);
    const period = parsePeriod(periodId).id;
    const runs = await this.db.selectFrom('inspection_runs').selectAll().where('firm_id', '=', firm.id).where('period', '=', period).execute();
    if (!runs.length) throw new CoreError('RUN_NOT_FOUND', `${firm.name} has no inspection for ${period} (start one: ccheck inspect start)`, { period });
    const revisions = await this.db.selectFrom('run_revisions').selectAll().where('firm_id', '=', firm.id).where('period', '=', period).execute();
    const numberOf = (id: string) => revisions.find((r) => r.id === id)?.revision ?? 1;
    const ordered = [...runs].sort((a, b) => numberOf(a.id) - numberOf(b.id));
    const run = revision === undefined ? ordered[ordered.length - 1]! : ordered.find((r) => numberOf(r.id) === revision);
    if (!run) throw new CoreError('RUN_NOT_FOUND', `${firm.name} has no revision ${revision} of ${period} (it has ${ordered.length})`, { period });
    return { firm, run, revision: numberOf(run.id) };
  }

  /** The sign-off of a run, or null. */
  async signoffOf(runId: string, tx: Kysely<Database> = this.db): Promise<RunSignoffsTable | null> {
    return (await tx.selectFrom('run_signoffs').selectAll().where('run_id', '=', runId).executeTakeFirst()) ?? null;
  }

  /** The read-only rule (臺證輔字第1060504884號: 簽核完竣之稽核報告應採唯讀方式儲存), checked inside each write's transaction. */
  private async assertWritable(tx: Kysely<Database>, run: InspectionRunsTable, what: string): Promise<void> {
    const s = await this.signoffOf(run.id, tx);
    assertRunWritable(s ? { signedBy: s.signed_by, signedAt: s.signed_at } : null, run.period, what);
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
      throw new CoreError(
        'RUN_NOT_FOUND',
        rows.length ? `"${ref}" names ${rows.length} inspections; give more of the id` : `no inspection "${ref}" (see: ccheck inspect list)`,
        {
          period: ref,
        },
      );
    return { licence: rows[0]!.licence, period: rows[0]!.period };
  }

  listRuns(firmId?: string): Promise<InspectionRunsTable[]> {
    let q = this.db.selectFrom('inspection_runs').selectAll().orderBy('period', 'desc');
    if (firmId) q = q.where('firm_id', '=', firmId);
    return q.execute();
  }

  // ── evidence ───────────────────────────────────────────────────────────────────────────

  /**
   * Streams a file into the encrypted vault and records it for the firm. The same bytes are
   * stored once and reused across items and periods. The vault write happens before the
   * transaction; a process killed in between leaves a complete, unreferenced blob at most.
   */
  async addEvidence(actor: string, firmRef: string, file: string, meta: { collectedAt: string; expiresOn?: IsoDate | null; name?: string }) {
    const firm = await this.firm(firmRef);
    const { sha256, size } = await this.storeFile(file);
    return this.write(actor, async (w, tx) => {
      const existing = await tx.selectFrom('evidence').selectAll().where('firm_id', '=', firm.id).where('sha256', '=', sha256).executeTakeFirst();
      if (existing) return { evidence: existing, reused: true };
      const evidence = await w.insert('evidence', {
        id: randomUUID(),
        firm_id: firm.id,
        sha256,
        size,
        name: meta.name ?? path.basename(file),
        collected_at: meta.collectedAt,
        uploaded_at: this.clock.now(),
        uploaded_by: actor,
        expires_on: meta.expiresOn ?? null,
      });
      return { evidence, reused: false };
    });
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
    const put = await this.vault().put(createReadStream(file, { highWaterMark: 1 << 20 }), (bytes) => {
      if (bytes > 1 << 20) faultPoint(this.env, 'evidence.mid-vault');
    });
    faultPoint(this.env, 'evidence.after-vault');
    this.stored.set(key, put);
    return put;
  }

  /** Attaches stored evidence to an item's result, keeping its status; a changed result voids its approval. */
  async attachEvidence(actor: string, ref: { firm: string; period: string; path: string }, sha256: string) {
    const { run } = await this.run(ref.firm, ref.period);
    await this.assertWritable(this.db, run, 'evidence link');
    const current = await this.resultRow(this.db, run.id, ref.path);
    const evidence = await this.evidenceOf(this.db, current.id);
    return this.setResult(actor, ref, {
      status: current.status as ResultStatus,
      justification: current.justification,
      source: current.source as ResultSource,
      expiresOn: current.expires_on,
      evidence: [...evidence, sha256],
    });
  }

  /**
   * Decrypts and re-hashes every evidence blob: those the database records (a missing one is a
   * problem) and any other in the vault. A flipped byte is found here, not when someone needs
   * the file.
   */
  async verifyEvidence(): Promise<{ checked: number; problems: { sha256: string; name: string | null; code: string; detail: string }[] }> {
    const vault = this.vault();
    const rows = await this.db.selectFrom('evidence').select(['sha256', 'name']).orderBy('sha256').execute();
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

  listEvidence(firmId: string) {
    return this.db.selectFrom('evidence').selectAll().where('firm_id', '=', firmId).orderBy('uploaded_at').execute();
  }

  // ── results ────────────────────────────────────────────────────────────────────────────

  private async resultRow(tx: Kysely<Database>, runId: string, itemPath: string): Promise<ItemResultsTable> {
    const r = await tx.selectFrom('item_results').selectAll().where('run_id', '=', runId).where('path', '=', itemPath).executeTakeFirst();
    if (!r)
      throw new CoreError('RUN_ITEM_NOT_IN_RUN', `item ${itemPath} is not part of this inspection (it has another frequency, or does not exist)`, {
        path: itemPath,
      });
    return r;
  }

  private async evidenceOf(tx: Kysely<Database>, resultId: string): Promise<string[]> {
    const rows = await tx
      .selectFrom('result_evidence')
      .innerJoin('evidence', 'evidence.id', 'result_evidence.evidence_id')
      .select('evidence.sha256')
      .where('result_evidence.result_id', '=', resultId)
      .execute();
    return rows.map((r) => r.sha256).sort();
  }

  private contentOf(r: ItemResultsTable, evidence: readonly string[]): ResultContent {
    return {
      runId: r.run_id,
      path: r.path,
      status: r.status as ResultStatus,
      justification: r.justification,
      source: r.source as ResultSource,
      evidence,
      expiresOn: r.expires_on,
    };
  }

  /**
   * Records a result (an analyzer's or a person's attestation). A failed or partial result opens
   * a finding, linked to the same item's finding in an earlier period when it recurs.
   */
  async setResult(
    actor: string,
    ref: { firm: string; period: string; path: string },
    input: {
      status: ResultStatus;
      justification?: string | null;
      source: ResultSource;
      expiresOn?: IsoDate | null;
      evidence?: readonly string[];
      severity?: FindingSeverity;
    },
  ) {
    const { firm, run } = await this.run(ref.firm, ref.period);
    const today = this.clock.today();
    return this.write(actor, async (w, tx) => {
      await this.assertWritable(tx, run, input.source === 'analyzer' ? 'analyzer result' : 'result set');
      const current = await this.resultRow(tx, run.id, ref.path);
      const wanted = [...new Set(input.evidence ?? [])];
      const evidenceRows = wanted.length
        ? await tx.selectFrom('evidence').selectAll().where('firm_id', '=', firm.id).where('sha256', 'in', wanted).execute()
        : [];
      const missing = wanted.filter((s) => !evidenceRows.some((e) => e.sha256 === s));
      if (missing.length)
        throw new CoreError('EVIDENCE_NOT_FOUND', `no evidence ${missing[0]!.slice(0, 12)}… for ${firm.name} (add it first: ccheck evidence add)`, {
          sha256: missing[0]!,
        });
      const content: ResultContent = {
        runId: run.id,
        path: ref.path,
        status: input.status,
        justification: input.justification?.trim() || null,
        source: input.source,
        evidence: evidenceRows.map((e) => e.sha256).sort(),
        expiresOn: input.expiresOn ?? null,
      };
      validateResult(content, today);
      const linked = await tx.selectFrom('result_evidence').select('evidence_id').where('result_id', '=', current.id).execute();
      for (const l of linked)
        if (!evidenceRows.some((e) => e.id === l.evidence_id)) await w.delete('result_evidence', { result_id: current.id, evidence_id: l.evidence_id });
      for (const e of evidenceRows)
        if (!linked.some((l) => l.evidence_id === e.id)) await w.insert('result_evidence', { result_id: current.id, evidence_id: e.id });
      const result = await w.update(
        'item_results',
        current.id,
        {
          status: content.status,
          justification: content.justification,
          source: content.source,
          expires_on: content.expiresOn,
          recorded_by: actor,
          recorded_at: this.clock.now(),
          content_hash: resultContentHash(content),
          revision: current.revision + 1,
        },
        'result.set',
      );
      await w.insert('result_recordings', {
        id: randomUUID(),
        result_id: current.id,
        content_hash: result.content_hash,
        recorded_by: actor,
        recorded_at: result.recorded_at!,
        revision: result.revision,
      });
      faultPoint(this.env, 'result.before-commit');
      let finding: FindingsTable | null = null;
      if (content.status === 'fail' || content.status === 'partial') {
        const open = await tx
          .selectFrom('findings')
          .selectAll()
          .where('result_id', '=', current.id)
          .where('status', '!=', 'verified_closed')
          .executeTakeFirst();
        if (!open) {
          const earlier = await tx
            .selectFrom('findings')
            .innerJoin('inspection_runs', 'inspection_runs.id', 'findings.run_id')
            .select(['findings.id', 'inspection_runs.period'])
            .where('findings.firm_id', '=', firm.id)
            .where('findings.path', '=', ref.path)
            .where('findings.run_id', '!=', run.id)
            .where('inspection_runs.period', '<', run.period)
            .orderBy('inspection_runs.period', 'desc')
            .executeTakeFirst();
          finding = await w.insert(
            'findings',
            {
              id: randomUUID(),
              firm_id: firm.id,
              run_id: run.id,
              result_id: current.id,
              path: ref.path,
              severity: input.severity ?? 'medium',
              status: 'open',
              root_cause: null,
              corrective_action: null,
              owner: null,
              due_on: null,
              effectiveness_check: null,
              verified_by: null,
              verified_at: null,
              previous_finding_id: earlier?.id ?? null,
              opened_at: this.clock.now(),
              opened_by: actor,
            },
            earlier ? 'finding.open_repeat' : 'finding.open',
          );
        } else finding = open;
      }
      return { result, finding };
    });
  }

  /**
   * Maker-checker sign-off: someone other than the recorder approves, and the approval stores
   * the hash of exactly what was approved. A later change voids it visibly.
   */
  async approve(actor: string, ref: { firm: string; period: string; path: string }) {
    const { run } = await this.run(ref.firm, ref.period);
    return this.write(actor, async (w, tx) => {
      await this.assertWritable(tx, run, 'approval');
      const r = await this.resultRow(tx, run.id, ref.path);
      if (r.status === 'not_run')
        throw new CoreError('RESULT_INVALID', `${ref.path} has no result yet; nothing to approve`, { what: 'not run', path: ref.path });
      const hash = resultContentHash(this.contentOf(r, await this.evidenceOf(tx, r.id)));
      if (hash !== r.content_hash) {
        throw new CoreError(
          'AUDIT_CHAIN_BROKEN',
          `${ref.path}: the stored result does not match its own hash; it was changed outside ccheck (run ccheck audit verify)`,
          { path: ref.path },
        );
      }
      // Everyone who ever recorded exactly this content for the item, not only the last recorder.
      const history = await tx.selectFrom('result_recordings').select('recorded_by').where('result_id', '=', r.id).where('content_hash', '=', hash).execute();
      assertCanApprove([...(r.recorded_by ? [r.recorded_by] : []), ...history.map((h) => h.recorded_by)], actor, ref.path);
      return w.insert(
        'approvals',
        { id: randomUUID(), result_id: r.id, approved_by: actor, approved_at: this.clock.now(), approved_hash: hash },
        'result.approve',
      );
    });
  }

  // ── retention ──────────────────────────────────────────────────────────────────────────

  /** Sets how many years a firm keeps its signed inspections and packages (audited). */
  async setRetention(actor: string, firmRef: string, years: number) {
    assertRetentionYears(years);
    const firm = await this.firm(firmRef);
    return this.write(actor, async (w, tx) => {
      const row = { years, set_by: actor, set_at: this.clock.now() };
      const existing = await tx.selectFrom('firm_retention').select('id').where('id', '=', firm.id).executeTakeFirst();
      return existing
        ? w.update('firm_retention', firm.id, row, 'firm.set_retention')
        : w.insert('firm_retention', { id: firm.id, ...row }, 'firm.set_retention');
    });
  }

  /** The firm's retention in years; null when none is set (then nothing signed may ever be deleted). */
  async retentionYears(firmId: string): Promise<number | null> {
    const r = await this.db.selectFrom('firm_retention').select('years').where('id', '=', firmId).executeTakeFirst();
    return r ? Number(r.years) : null;
  }

  /**
   * The guard every deletion of a signed run or its package must pass (there is no delete command
   * yet): refused until the firm's retention period after the sign-off has ended.
   */
  async assertMayDelete(ref: { firm: string; period: string; revision?: number }): Promise<void> {
    const { firm, run, revision } = await this.run(ref.firm, ref.period, ref.revision);
    const signoff = await this.signoffOf(run.id);
    if (!signoff) return;
    const years = await this.retentionYears(firm.id);
    if (years === null)
      throw new CoreError(
        'RETENTION_ACTIVE',
        `${run.period} revision ${revision} is signed and ${firm.name} has no retention period set: it is kept indefinitely`,
        {
          what: `${run.period} revision ${revision}`,
          until: '∞',
        },
      );
    assertRetentionOver(`${run.period} revision ${revision}`, signoff.signed_at, years, this.clock.today());
  }

  // ── sign-off and revisions ─────────────────────────────────────────────────────────────

  /**
   * The CISO signs the inspection off: every applicable item has a current approved result, and
   * the signer recorded none of them (maker-checker). From then on the run is read-only. The
   * chain head after the sign-off is witnessed outside the database.
   */
  async signRun(
    actor: string,
    ref: { firm: string; period: string },
    how: { role: string; authentication: string },
  ): Promise<{ signoff: RunSignoffsTable; revision: number; witness: Witness }> {
    const { run, revision } = await this.run(ref.firm, ref.period);
    const signoff = await this.write(actor, async (w, tx) => {
      await this.assertWritable(tx, run, 'sign-off');
      const { results } = await this.results(ref.firm, ref.period, revision);
      assertReadyForSignoff(run.period, results);
      const rows = await tx.selectFrom('item_results').selectAll().where('run_id', '=', run.id).execute();
      const recordings = await tx
        .selectFrom('result_recordings')
        .innerJoin('item_results', 'item_results.id', 'result_recordings.result_id')
        .select(['result_recordings.recorded_by', 'result_recordings.content_hash', 'item_results.content_hash as current'])
        .where('item_results.run_id', '=', run.id)
        .execute();
      const recorders = [
        ...rows.flatMap((r) => (r.recorded_by ? [r.recorded_by] : [])),
        ...recordings.filter((r) => r.content_hash === r.current).map((r) => r.recorded_by),
      ];
      assertSignerIndependent(recorders, actor, run.period);
      const hashOf = new Map(rows.map((r) => [r.path, r.content_hash]));
      return w.insert(
        'run_signoffs',
        {
          id: randomUUID(),
          run_id: run.id,
          signed_by: actor,
          signed_at: this.clock.now(),
          role: how.role,
          authentication: how.authentication,
          results_hash: signedResultsHash(results.map((r) => ({ path: r.path, contentHash: hashOf.get(r.path)!, approvedBy: r.approval?.by ?? null }))),
        },
        'run.signoff',
      );
    });
    return { signoff, revision, witness: await this.witness(`signoff ${run.id}`) };
  }

  /**
   * A correction of a signed run: a new run of the same period (the next revision) that points at
   * the signed one, which stays exactly as it was. The frozen catalog and applicability are kept
   * (a correction corrects results, not the scope); every result is copied as it was — status,
   * justification, evidence, expiry and recorder — but not its approval: every item is approved
   * afresh, and the original recorder still may not approve it (the recording is copied too).
   */
  async reviseRun(actor: string, ref: { firm: string; period: string }): Promise<{ run: InspectionRunsTable; revision: number; revises: string }> {
    const { firm, run: signed, revision } = await this.run(ref.firm, ref.period);
    return this.write(actor, async (w, tx) => {
      if (!(await this.signoffOf(signed.id, tx)))
        throw new CoreError('RUN_NOT_SIGNED', `${signed.period} revision ${revision} is not signed off; correct it directly`, {
          period: signed.period,
          what: 'revise',
        });
      const run = await w.insert('inspection_runs', { ...signed, id: randomUUID(), started_at: this.clock.now(), started_by: actor }, 'run.revise');
      await w.insert('run_revisions', {
        id: run.id,
        firm_id: firm.id,
        period: signed.period,
        revision: revision + 1,
        revises_run_id: signed.id,
        created_by: actor,
        created_at: this.clock.now(),
      });
      const rows = await tx.selectFrom('item_results').selectAll().where('run_id', '=', signed.id).execute();
      for (const r of rows) {
        const evidence = await this.evidenceOf(tx, r.id);
        const content = { ...this.contentOf(r, evidence), runId: run.id };
        const copy = await w.insert('item_results', { ...r, id: randomUUID(), run_id: run.id, content_hash: resultContentHash(content), revision: 1 });
        const links = await tx.selectFrom('result_evidence').select('evidence_id').where('result_id', '=', r.id).execute();
        for (const l of links) await w.insert('result_evidence', { result_id: copy.id, evidence_id: l.evidence_id });
        if (r.recorded_by)
          await w.insert('result_recordings', {
            id: randomUUID(),
            result_id: copy.id,
            content_hash: copy.content_hash,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at ?? this.clock.now(),
            revision: 1,
          });
      }
      // The analyzers' full reports go with the results they explain (still sealed as stored).
      for (const r of await tx.selectFrom('analyzer_reports').selectAll().where('run_id', '=', signed.id).execute())
        await w.insert('analyzer_reports', { ...r, id: randomUUID(), run_id: run.id });
      return { run, revision: revision + 1, revises: signed.id };
    });
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
      } else if (signoff) {
        history.push({ ...base, role: signoff.role, action: 'signoff', item: null, hash: signoff.results_hash, authentication: signoff.authentication });
      }
    }
    return { revision: rev?.revision ?? 1, revisesRunId: rev?.revises_run_id ?? null, signoff, history: orderHistory(history) };
  }

  async results(firmRef: string, periodId: string, revision?: number): Promise<{ run: InspectionRunsTable; results: ItemResultView[] }> {
    const { run } = await this.run(firmRef, periodId, revision);
    const rows = await this.db.selectFrom('item_results').selectAll().where('run_id', '=', run.id).execute();
    const approvals = await this.db
      .selectFrom('approvals')
      .innerJoin('item_results', 'item_results.id', 'approvals.result_id')
      .selectAll('approvals')
      .where('item_results.run_id', '=', run.id)
      .orderBy('approved_at')
      .execute();
    // Every evidence link of the run in one query, not one query per item.
    const links = await this.db
      .selectFrom('result_evidence')
      .innerJoin('evidence', 'evidence.id', 'result_evidence.evidence_id')
      .innerJoin('item_results', 'item_results.id', 'result_evidence.result_id')
      .select(['result_evidence.result_id', 'evidence.sha256'])
      .where('item_results.run_id', '=', run.id)
      .execute();
    const evidenceOf = new Map<string, string[]>();
    for (const l of links) evidenceOf.set(l.result_id, [...(evidenceOf.get(l.result_id) ?? []), l.sha256]);
    // An approval counts only for the recording it signed: a result changed and changed back
    // has the approved hash again, but a recording after the approval voids it. The audit chain
    // orders the two events.
    const lastSet = new Map<string, number>();
    const approvalSeq = new Map<string, number>();
    const events = approvals.length
      ? await this.db
          .selectFrom('audit_events')
          .select(['entity', 'entity_id', 'seq'])
          .where((eb) =>
            eb.or([
              eb.and([
                eb('entity', '=', 'item_results'),
                eb('action', '=', 'result.set'),
                eb(
                  'entity_id',
                  'in',
                  approvals.map((a) => a.result_id),
                ),
              ]),
              eb.and([
                eb('entity', '=', 'approvals'),
                eb(
                  'entity_id',
                  'in',
                  approvals.map((a) => a.id),
                ),
              ]),
            ]),
          )
          .execute()
      : [];
    for (const e of events) {
      if (e.entity === 'approvals') approvalSeq.set(e.entity_id, Number(e.seq));
      else lastSet.set(e.entity_id, Math.max(lastSet.get(e.entity_id) ?? 0, Number(e.seq)));
    }
    const today = this.clock.today();
    const views: ItemResultView[] = [];
    for (const r of rows) {
      const evidence = (evidenceOf.get(r.id) ?? []).sort();
      const last = approvals.filter((a) => a.result_id === r.id).pop();
      views.push({
        path: r.path,
        code: r.code,
        status: r.status as ResultStatus,
        effectiveStatus: effectiveStatus({ status: r.status as ResultStatus, source: r.source as ResultSource, expiresOn: r.expires_on }, today),
        source: r.source,
        justification: r.justification,
        recordedBy: r.recorded_by,
        recordedAt: r.recorded_at,
        expiresOn: r.expires_on,
        evidence,
        // Valid only while the result is exactly what was approved.
        approval: last
          ? {
              state:
                last.approved_hash === resultContentHash(this.contentOf(r, evidence)) && (approvalSeq.get(last.id) ?? 0) > (lastSet.get(r.id) ?? 0)
                  ? 'approved'
                  : 'void',
              by: last.approved_by,
              at: last.approved_at,
            }
          : null,
      });
    }
    // Catalog order, as frozen into the run.
    const frozen = JSON.parse(run.applicability_json) as { path: string }[];
    const order = new Map(frozen.map((d, i) => [d.path, i]));
    views.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
    return { run, results: views };
  }

  // ── findings ───────────────────────────────────────────────────────────────────────────

  listFindings(firmId?: string): Promise<FindingsTable[]> {
    let q = this.db.selectFrom('findings').selectAll().orderBy('opened_at');
    if (firmId) q = q.where('firm_id', '=', firmId);
    return q.execute();
  }

  private async finding(tx: Kysely<Database>, id: string): Promise<FindingsTable> {
    const rows = await tx.selectFrom('findings').selectAll().where('id', 'like', `${id}%`).execute();
    if (rows.length !== 1) throw new CoreError('FINDING_NOT_FOUND', rows.length ? `finding id ${id} is ambiguous` : `no finding ${id}`, { id });
    return rows[0]!;
  }

  async updateFinding(
    actor: string,
    id: string,
    patch: { severity?: FindingSeverity; rootCause?: string; correctiveAction?: string; owner?: string; dueOn?: IsoDate },
    to?: FindingStatus,
    effectivenessCheck?: string,
  ): Promise<FindingsTable> {
    if (patch.severity && !FINDING_SEVERITIES.includes(patch.severity)) {
      throw new CoreError('RESULT_INVALID', `unknown severity "${patch.severity}" (${FINDING_SEVERITIES.join(', ')})`, { what: 'severity', path: id });
    }
    return this.write(actor, async (w, tx) => {
      const f = await this.finding(tx, id);
      const owning = await tx.selectFrom('inspection_runs').selectAll().where('id', '=', f.run_id).executeTakeFirstOrThrow();
      await this.assertWritable(tx, owning, 'finding update');
      const next: Partial<FindingsTable> = {};
      if (patch.severity) next.severity = patch.severity;
      if (patch.rootCause) next.root_cause = patch.rootCause;
      if (patch.correctiveAction) next.corrective_action = patch.correctiveAction;
      if (patch.owner) {
        principalOf(patch.owner, 'owner'); // an owner's name must be one maker-checker can compare
        next.owner = patch.owner;
      }
      if (patch.dueOn) next.due_on = patch.dueOn;
      if (to) {
        const merged = { ...f, ...next };
        assertTransition(
          {
            id: f.id,
            status: f.status as FindingStatus,
            owner: merged.owner,
            correctiveAction: merged.corrective_action,
            dueOn: merged.due_on,
            rootCause: merged.root_cause,
          },
          to,
          { actor, effectivenessCheck },
        );
        next.status = to;
        if (to === 'verified_closed') {
          next.effectiveness_check = effectivenessCheck!.trim();
          next.verified_by = actor;
          next.verified_at = this.clock.now();
        }
      }
      if (Object.keys(next).length === 0) return f;
      return w.update('findings', f.id, next, to ? `finding.${to}` : 'finding.update');
    });
  }

  /** Keeps an analyzer's whole report with the run, so reports can show its findings row by row. */
  async storeAnalyzerReport(
    actor: string,
    ref: { firm: string; period: string },
    report: { analyzer: string; verdict: string; items: readonly string[] },
    evidence: readonly string[],
    reportJson: string,
  ) {
    const { run } = await this.run(ref.firm, ref.period);
    return this.write(actor, async (w, tx) => {
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
        recorded_by: actor,
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
  verifyAudit() {
    return verifyAuditTrail(this.db, this.auditAuth());
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
