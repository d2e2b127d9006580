import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { CoreError } from '../core/errors.js';
import { actorLabel, assertCan, assertFreshFactor, type Actor } from '../core/people/actor.js';
import { assertPasswordStrong, assertUsernameValid, normalizeUsername } from '../core/people/password-policy.js';
import { formatRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_BYTES, RECOVERY_CODE_COUNT } from '../core/people/recovery-codes.js';
import { isRole, type Grant, type Role } from '../core/people/roles.js';
import { DEFAULT_SESSION_POLICY, sessionExpiry, sessionState, type SessionPolicy } from '../core/people/session-policy.js';
import { accountLock, addressThrottle, throttlePolicyFrom, type AccountAttempt, type ThrottlePolicy } from '../core/people/throttle.js';
import { resolveAuditKey } from '../storage/audit-key.js';
import { AuditedWriter } from '../storage/audited-writer.js';
import { resolveVaultKey } from '../storage/evidence-vault.js';
import type { AccountsTable, Database, SecondFactorsTable, SessionsTable } from '../storage/schema.js';
import { SecretBox } from '../storage/secret-box.js';
import type { InspectionService } from './inspection-service.js';

/** Where a request came from: the address (for throttling and the audit trail). */
export interface RequestOrigin {
  readonly address: string;
}

/** The relying party of a WebAuthn ceremony: taken from the request's host, the origin checked against it. */
export interface RelyingParty {
  readonly rpId: string;
  readonly origin: string;
}

export type SessionStage = 'second_factor' | 'enrol_totp' | 'signed_in';
export type FactorMethod = 'totp' | 'webauthn' | 'recovery';

export interface AccountView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly grants: readonly Grant[];
  readonly factors: { readonly totp: boolean; readonly passkeys: number; readonly recoveryCodesLeft: number };
  readonly lockedUntil: string | null;
}

export interface SessionView {
  readonly account: { readonly id: string; readonly username: string; readonly displayName: string; readonly grants: readonly Grant[] };
  readonly stage: SessionStage;
  readonly method: string;
  readonly idleExpiresAt: string;
  readonly expiresAt: string;
  readonly factorAt: string | null;
}

/** A sign-in step that opened or changed a session: the new cookie value and where the person stands. */
export interface SignInStep {
  readonly token: string;
  readonly stage: SessionStage;
  readonly methods: readonly FactorMethod[];
  readonly account: { readonly id: string; readonly username: string; readonly displayName: string };
}

export interface PeopleOptions {
  readonly throttle?: ThrottlePolicy;
  readonly session?: SessionPolicy;
  /** The issuer shown in authenticator apps and as the WebAuthn relying party's name. */
  readonly issuer?: string;
}

// OWASP's argon2id floor (19 MiB, 2 passes): about 50 ms here, slow enough for a stolen table.
// algorithm 2 is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const TOTP_PERIOD = 30;

/**
 * People and sign-in: accounts, role grants, second factors (TOTP with recovery codes, WebAuthn
 * passkeys), sessions and throttling. The CLI (`ccheck user`) and the API call the same methods;
 * every change goes through the audited writer, including each sign-in attempt (never the
 * password), so the chain shows who signed in, from where, and who failed.
 */
export class PeopleService {
  readonly throttle: ThrottlePolicy;
  readonly sessionPolicy: SessionPolicy;
  readonly issuer: string;
  private setupTokenHash: string | null = null;
  private dummyHash: Promise<string> | null = null;

  constructor(
    readonly inspections: InspectionService,
    private readonly env: NodeJS.ProcessEnv,
    options: PeopleOptions = {},
  ) {
    this.throttle = options.throttle ?? throttlePolicyFrom(throttleSettings(env));
    this.sessionPolicy = options.session ?? DEFAULT_SESSION_POLICY;
    this.issuer = options.issuer ?? 'ccheck';
  }

  private get db(): Kysely<Database> {
    return this.inspections.db;
  }

  private now(): string {
    return this.inspections.clock.now();
  }

  private secrets(): SecretBox {
    return new SecretBox(resolveVaultKey(this.env, this.inspections.home), 'totp secret');
  }

  /** One audited transaction. The audit key must exist (ccheck init / serve create it): events without a MAC would break verification. */
  private write<T>(actor: string, fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const key = resolveAuditKey(this.env, this.inspections.home);
    if (!key) throw new CoreError('AUDIT_KEY_MISSING', 'the audit key is missing', { file: 'audit.key' });
    const at = this.now();
    return this.inspections.transaction(() => fn(new AuditedWriter(this.db, actor, at, key), this.db));
  }

  // ── first run ──────────────────────────────────────────────────────────────────────────

  async needsAdmin(): Promise<boolean> {
    const any = await this.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    return !any;
  }

  /**
   * A fresh one-time setup token (kept only as a hash, in this process): `ccheck serve` prints
   * the address with it once, on a store without accounts. There are no default credentials.
   */
  issueSetupToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.setupTokenHash = sha256(token);
    return token;
  }

  /**
   * The first administrator, only while no account exists: from the web with the setup token, or
   * from the CLI (`ccheck user create-admin`) by the local operator, who can open the store anyway.
   */
  async createFirstAdmin(
    input: { readonly username: string; readonly displayName: string; readonly password: string },
    by: { readonly setupToken: string } | { readonly local: Actor },
    origin: RequestOrigin = { address: 'local' },
  ): Promise<AccountView> {
    const username = assertUsernameValid(input.username);
    assertPasswordStrong(input.password, username);
    if (!(await this.needsAdmin())) throw new CoreError('SETUP_DONE', 'the first administrator exists already', {});
    if ('setupToken' in by && !this.setupTokenMatches(by.setupToken)) throw new CoreError('SETUP_TOKEN_INVALID', 'the setup token is wrong or used', {});
    const passwordHash = await argonHash(input.password, ARGON2);
    const label = 'local' in by ? actorLabel(by.local) : `first-run setup (${origin.address})`;
    const id = await this.write(label, async (w, tx) => {
      // Checked again inside the write lock: two setup requests at once make one administrator.
      if (await tx.selectFrom('accounts').select('id').limit(1).executeTakeFirst())
        throw new CoreError('SETUP_DONE', 'the first administrator exists already', {});
      const account = await this.insertAccount(w, { username, displayName: input.displayName, passwordHash, createdBy: label }, 'people.create_first_admin');
      await this.insertGrant(w, account.id, { role: 'admin', firmId: null }, label, 'people.set_grants');
      return account.id;
    });
    this.setupTokenHash = null;
    return this.account(id);
  }

  private setupTokenMatches(token: string): boolean {
    if (!this.setupTokenHash) return false;
    return timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(this.setupTokenHash, 'hex'));
  }

  // ── people ─────────────────────────────────────────────────────────────────────────────

  private async insertAccount(
    w: AuditedWriter,
    a: { username: string; displayName: string; passwordHash: string; createdBy: string },
    action: string,
  ): Promise<AccountsTable> {
    const now = this.now();
    return w.insert(
      'accounts',
      {
        id: randomUUID(),
        username: a.username,
        display_name: a.displayName.trim() || a.username,
        password_hash: a.passwordHash,
        disabled: 0,
        created_at: now,
        created_by: a.createdBy,
        password_changed_at: now,
      },
      action,
    );
  }

  private insertGrant(w: AuditedWriter, accountId: string, g: Grant, by: string, action: string) {
    return w.insert(
      'account_grants',
      { id: randomUUID(), account_id: accountId, role: g.role, firm_id: g.firmId, granted_at: this.now(), granted_by: by },
      action,
    );
  }

  private assertManager(actor: Actor): void {
    assertCan(actor, 'people.manage');
    // Changing people or roles needs a second factor checked moments ago (issue 11 item 2).
    assertFreshFactor(actor, this.now());
  }

  async listPeople(actor: Actor): Promise<AccountView[]> {
    assertCan(actor, 'people.read');
    const rows = await this.db.selectFrom('accounts').select('id').orderBy('username').execute();
    return Promise.all(rows.map((r) => this.account(r.id)));
  }

  /** One account with its grants, factors and lock state. */
  async account(id: string): Promise<AccountView> {
    const a = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a) throw new CoreError('ACCOUNT_NOT_FOUND', 'no such account', { id });
    const factors = await this.db.selectFrom('second_factors').select(['kind', 'confirmed_at']).where('account_id', '=', id).execute();
    const codes = await this.db.selectFrom('recovery_codes').select('id').where('account_id', '=', id).where('used_at', 'is', null).execute();
    const lock = await this.accountLockOf(a.username);
    return {
      id: a.id,
      username: a.username,
      displayName: a.display_name,
      disabled: a.disabled === 1,
      createdAt: a.created_at,
      grants: await this.grantsOf(id),
      factors: {
        totp: factors.some((f) => f.kind === 'totp' && f.confirmed_at !== null),
        passkeys: factors.filter((f) => f.kind === 'webauthn').length,
        recoveryCodesLeft: codes.length,
      },
      lockedUntil: lock.locked ? lock.until : null,
    };
  }

  private async grantsOf(accountId: string): Promise<Grant[]> {
    const rows = await this.db
      .selectFrom('account_grants')
      .select(['role', 'firm_id'])
      .where('account_id', '=', accountId)
      .orderBy('role')
      .orderBy('firm_id')
      .execute();
    return rows.filter((r) => isRole(r.role)).map((r) => ({ role: r.role as Role, firmId: r.firm_id }));
  }

  async createPerson(actor: Actor, input: { readonly username: string; readonly displayName: string; readonly password: string }): Promise<AccountView> {
    this.assertManager(actor);
    const username = assertUsernameValid(input.username);
    assertPasswordStrong(input.password, username);
    const passwordHash = await argonHash(input.password, ARGON2);
    const id = await this.write(actorLabel(actor), async (w, tx) => {
      if (await tx.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst()) {
        throw new CoreError('ACCOUNT_EXISTS', 'that username is taken', { username }, { field: 'username' });
      }
      return (await this.insertAccount(w, { username, displayName: input.displayName, passwordHash, createdBy: actorLabel(actor) }, 'people.create')).id;
    });
    return this.account(id);
  }

  /** An account by id or username. */
  async findAccount(ref: string): Promise<AccountsTable> {
    const a = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('username', '=', normalizeUsername(ref))]))
      .executeTakeFirst();
    if (!a) throw new CoreError('ACCOUNT_NOT_FOUND', 'no such account', { id: ref });
    return a;
  }

  async updatePerson(actor: Actor, ref: string, patch: { readonly displayName?: string; readonly disabled?: boolean }): Promise<AccountView> {
    this.assertManager(actor);
    const a = await this.findAccount(ref);
    await this.write(actorLabel(actor), async (w, tx) => {
      const set: Partial<AccountsTable> = {};
      if (patch.displayName !== undefined) set.display_name = patch.displayName.trim() || a.username;
      if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
      if (Object.keys(set).length === 0) return;
      await w.update('accounts', a.id, set, patch.disabled === undefined ? 'people.update' : patch.disabled ? 'people.disable' : 'people.enable');
      if (patch.disabled) {
        await this.assertAdminRemains(tx);
        await tx.deleteFrom('sessions').where('account_id', '=', a.id).execute();
      }
    });
    return this.account(a.id);
  }

  /** Replaces an account's grants. Firms are given by id or licence; a grant for every firm has firm null. */
  async setGrants(actor: Actor, ref: string, grants: readonly { readonly role: string; readonly firm: string | null }[]): Promise<AccountView> {
    this.assertManager(actor);
    const a = await this.findAccount(ref);
    const wanted: Grant[] = [];
    for (const [i, g] of grants.entries()) {
      if (!isRole(g.role)) throw new CoreError('ROLE_INVALID', `no role "${g.role}"`, { role: g.role }, { field: `grants[${i}].role` });
      const firmId = g.firm === null ? null : (await this.inspections.firm(g.firm)).id;
      if (!wanted.some((x) => x.role === g.role && x.firmId === firmId)) wanted.push({ role: g.role, firmId });
    }
    await this.write(actorLabel(actor), async (w, tx) => {
      const existing = await tx.selectFrom('account_grants').select('id').where('account_id', '=', a.id).execute();
      for (const e of existing) await w.delete('account_grants', { id: e.id }, 'people.set_grants');
      for (const g of wanted) await this.insertGrant(w, a.id, g, actorLabel(actor), 'people.set_grants');
      await this.assertAdminRemains(tx);
    });
    return this.account(a.id);
  }

  /** Nobody could manage people any more without an enabled administrator for every firm. */
  private async assertAdminRemains(tx: Kysely<Database>): Promise<void> {
    const admin = await tx
      .selectFrom('account_grants')
      .innerJoin('accounts', 'accounts.id', 'account_grants.account_id')
      .select('accounts.id')
      .where('account_grants.role', '=', 'admin')
      .where('account_grants.firm_id', 'is', null)
      .where('accounts.disabled', '=', 0)
      .limit(1)
      .executeTakeFirst();
    if (!admin) throw new CoreError('ACCOUNT_LAST_ADMIN', 'refused: no enabled administrator would be left', {});
  }

  /** Ends a lockout now (an administrator, or the local operator). */
  async unlock(actor: Actor, ref: string, origin: RequestOrigin = { address: 'local' }): Promise<AccountView> {
    this.assertManager(actor);
    const a = await this.findAccount(ref);
    await this.write(actorLabel(actor), (w) => this.recordAttempt(w, a.username, a.id, origin, 'unlock', 'unlock', null, 'people.unlock'));
    return this.account(a.id);
  }

  /** Removes every second factor and recovery code: the person enrols again at the next sign-in. Ends their sessions. */
  async resetFactors(actor: Actor, ref: string): Promise<AccountView> {
    this.assertManager(actor);
    const a = await this.findAccount(ref);
    await this.write(actorLabel(actor), async (w, tx) => {
      for (const f of await tx.selectFrom('second_factors').select('id').where('account_id', '=', a.id).execute()) {
        await w.delete('second_factors', { id: f.id }, 'people.reset_factors');
      }
      for (const c of await tx.selectFrom('recovery_codes').select('id').where('account_id', '=', a.id).execute()) {
        await w.delete('recovery_codes', { id: c.id }, 'people.reset_factors');
      }
      await tx.deleteFrom('sessions').where('account_id', '=', a.id).execute();
    });
    return this.account(a.id);
  }

  // ── throttling ─────────────────────────────────────────────────────────────────────────

  /** Inside a write transaction (the write lock makes `seq` the order attempts were recorded in). */
  private async recordAttempt(
    w: AuditedWriter,
    username: string,
    accountId: string | null,
    origin: RequestOrigin,
    stage: string,
    outcome: 'success' | 'failure' | 'refused' | 'unlock',
    reason: string | null,
    action: string,
  ) {
    const last = await this.db.selectFrom('login_attempts').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return w.insert(
      'login_attempts',
      {
        id: randomUUID(),
        seq: (last ? Number(last.seq) : 0) + 1,
        at: this.now(),
        subject: sha256(normalizeUsername(username)),
        account_id: accountId,
        address: origin.address.slice(0, 100),
        stage,
        outcome,
        reason,
      },
      action,
    );
  }

  /** Records a failed attempt (its own transaction, so it stays when the request fails) and returns the error to throw. */
  private async failure(
    username: string,
    account: AccountsTable | null,
    origin: RequestOrigin,
    stage: string,
    reason: string,
    error: CoreError,
  ): Promise<CoreError> {
    await this.write(`anonymous (${origin.address})`, (w) =>
      this.recordAttempt(w, username, account?.id ?? null, origin, stage, 'failure', reason, 'auth.sign_in_failed'),
    );
    const lock = await this.accountLockOf(username);
    if (lock.locked) return lockedError(lock.until!);
    return error;
  }

  private async accountLockOf(username: string) {
    const rows = await this.db
      .selectFrom('login_attempts')
      .select(['at', 'stage', 'outcome'])
      .where('subject', '=', sha256(normalizeUsername(username)))
      .where('outcome', 'in', ['failure', 'success', 'unlock'])
      .orderBy('seq', 'desc')
      .limit(Math.max(50, this.throttle.account.maxFailures * 3))
      .execute();
    const attempts: AccountAttempt[] = rows
      .reverse()
      // A correct password alone resets nothing: the second factor could be guessed forever otherwise.
      .filter((r) => r.outcome !== 'success' || r.stage !== 'password')
      .map((r) => ({ at: r.at, kind: r.outcome === 'failure' ? 'failure' : 'reset' }));
    return accountLock(attempts, this.throttle.account, this.now());
  }

  /** Throws AUTH_THROTTLED or AUTH_LOCKED (recording the refusal) before any password or code is checked. */
  private async assertNotThrottled(username: string, account: AccountsTable | null, origin: RequestOrigin, stage: string): Promise<void> {
    const now = this.now();
    const from = new Date(Date.parse(now) - this.throttle.address.windowMinutes * 60_000).toISOString();
    const recent = await this.db
      .selectFrom('login_attempts')
      .select('at')
      .where('address', '=', origin.address)
      .where('outcome', '=', 'failure')
      .where('at', '>', from)
      .execute();
    const byAddress = addressThrottle(
      recent.map((r) => r.at),
      this.throttle.address,
      now,
    );
    const lock = await this.accountLockOf(username);
    if (!byAddress.throttled && !lock.locked) return;
    const reason = byAddress.throttled ? 'address_throttled' : 'locked';
    await this.write(`anonymous (${origin.address})`, (w) =>
      this.recordAttempt(w, username, account?.id ?? null, origin, stage, 'refused', reason, 'auth.sign_in_refused'),
    );
    if (byAddress.throttled) {
      throw new CoreError('AUTH_THROTTLED', `too many failed sign-ins from this address: try again after ${byAddress.until}`, { until: byAddress.until! });
    }
    throw lockedError(lock.until!);
  }

  // ── sign-in ────────────────────────────────────────────────────────────────────────────

  private dummy(): Promise<string> {
    this.dummyHash ??= argonHash(randomBytes(16).toString('hex'), ARGON2);
    return this.dummyHash;
  }

  /**
   * The password step. Unknown username, wrong password and a disabled account give the same
   * answer after the same work (an argon2 verification each), so usernames cannot be probed.
   */
  async login(username: string, password: string, origin: RequestOrigin): Promise<SignInStep> {
    const folded = normalizeUsername(username);
    const account = (await this.db.selectFrom('accounts').selectAll().where('username', '=', folded).executeTakeFirst()) ?? null;
    await this.assertNotThrottled(folded, account, origin, 'password');
    const ok = account
      ? await argonVerify(account.password_hash, password).catch(() => false)
      : (await argonVerify(await this.dummy(), password).catch(() => false), false);
    if (!account || !ok || account.disabled === 1) {
      const reason = !account ? 'unknown_username' : !ok ? 'password' : 'disabled';
      throw await this.failure(folded, account, origin, 'password', reason, invalidCredentials());
    }
    await this.write(actorLabel(this.actorFor(account, [], 'password', null)), (w) =>
      this.recordAttempt(w, folded, account.id, origin, 'password', 'success', null, 'auth.password_accepted'),
    );
    const methods = await this.methodsOf(account.id);
    const stage: SessionStage = methods.includes('totp') || methods.includes('webauthn') ? 'second_factor' : 'enrol_totp';
    const token = await this.openSession(account.id, stage, 'password', origin, null);
    return { token, stage, methods, account: brief(account) };
  }

  private async methodsOf(accountId: string): Promise<FactorMethod[]> {
    const factors = await this.db.selectFrom('second_factors').select(['kind', 'confirmed_at']).where('account_id', '=', accountId).execute();
    const codes = await this.db.selectFrom('recovery_codes').select('id').where('account_id', '=', accountId).where('used_at', 'is', null).limit(1).execute();
    const methods: FactorMethod[] = [];
    if (factors.some((f) => f.kind === 'totp' && f.confirmed_at !== null)) methods.push('totp');
    if (factors.some((f) => f.kind === 'webauthn')) methods.push('webauthn');
    if (methods.length > 0 && codes.length > 0) methods.push('recovery');
    return methods;
  }

  private async openSession(accountId: string, stage: SessionStage, method: string, origin: RequestOrigin, factorAt: string | null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    // Sessions past their absolute end are dead anyway; clear them out as new ones open.
    const stale = new Date(Date.parse(now) - this.sessionPolicy.absoluteHours * 3_600_000).toISOString();
    await this.db.deleteFrom('sessions').where('created_at', '<', stale).execute();
    await this.db
      .insertInto('sessions')
      .values({
        id: sha256(token),
        account_id: accountId,
        stage,
        method,
        address: origin.address.slice(0, 100),
        created_at: now,
        last_seen_at: now,
        factor_at: factorAt,
        challenge: null,
      })
      .execute();
    return token;
  }

  /** The session behind a cookie, if it is live and at one of `stages`; an expired one is deleted. */
  private async liveSession(token: string | undefined, stages: readonly SessionStage[]): Promise<{ session: SessionsTable; account: AccountsTable } | null> {
    if (!token || token.length > 200) return null;
    const session = await this.db.selectFrom('sessions').selectAll().where('id', '=', sha256(token)).executeTakeFirst();
    if (!session) return null;
    const times = { createdAt: session.created_at, lastSeenAt: session.last_seen_at, pending: session.stage !== 'signed_in' };
    if (sessionState(times, this.now(), this.sessionPolicy) !== 'live') {
      await this.db.deleteFrom('sessions').where('id', '=', session.id).execute();
      return null;
    }
    if (!stages.includes(session.stage as SessionStage)) return null;
    const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', session.account_id).executeTakeFirst();
    if (!account || account.disabled === 1) return null;
    return { session, account };
  }

  private async requireSession(token: string | undefined, stages: readonly SessionStage[]) {
    const live = await this.liveSession(token, stages);
    if (!live) {
      const pending = stages.includes('signed_in') ? null : await this.liveSession(token, ['enrol_totp']);
      if (pending) throw new CoreError('AUTH_ENROLMENT_REQUIRED', 'set up your second factor first', {});
      throw new CoreError('AUTH_REQUIRED', 'sign in first', {});
    }
    return live;
  }

  /** Whether the cookie names a live session at any stage (the API's check before TOTP enrolment and sign-out). */
  async hasLiveSession(token: string | undefined): Promise<boolean> {
    return (await this.liveSession(token, ['second_factor', 'enrol_totp', 'signed_in'])) !== null;
  }

  /** A signed-in session's actor (touching its idle timer), or null: the API's SessionPort. */
  async actorOfToken(token: string | undefined): Promise<Actor | null> {
    const live = await this.liveSession(token, ['signed_in']);
    if (!live) return null;
    await this.db.updateTable('sessions').set({ last_seen_at: this.now() }).where('id', '=', live.session.id).execute();
    return this.actorFor(live.account, await this.grantsOf(live.account.id), live.session.method, live.session.factor_at);
  }

  private actorFor(account: AccountsTable, grants: readonly Grant[], method: string, factorAt: string | null): Actor {
    return { kind: 'account', id: account.id, name: account.display_name, grants, method, factorAt };
  }

  /** The signed-in session's account, grants and deadlines (GET /api/auth/session). */
  async session(token: string | undefined): Promise<SessionView | null> {
    const live = await this.liveSession(token, ['signed_in']);
    if (!live) return null;
    const { session, account } = live;
    const expiry = sessionExpiry({ createdAt: session.created_at, lastSeenAt: session.last_seen_at, pending: false }, this.sessionPolicy);
    return {
      account: { id: account.id, username: account.username, displayName: account.display_name, grants: await this.grantsOf(account.id) },
      stage: 'signed_in',
      method: session.method,
      idleExpiresAt: expiry.idleExpiresAt,
      expiresAt: expiry.expiresAt,
      factorAt: session.factor_at,
    };
  }

  /** A new token for a session that moved up a stage (no session fixation: the old token dies). */
  private async promote(session: SessionsTable, method: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db
      .updateTable('sessions')
      .set({ id: sha256(token), stage: 'signed_in', method, created_at: now, last_seen_at: now, factor_at: now, challenge: null })
      .where('id', '=', session.id)
      .execute();
    return token;
  }

  private async totpFactor(accountId: string, confirmed: boolean): Promise<SecondFactorsTable | undefined> {
    return this.db
      .selectFrom('second_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kind', '=', 'totp')
      .where('confirmed_at', confirmed ? 'is not' : 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** The time step a code is valid for (±1 step of drift), if it is later than the last one used: a code works once. */
  private totpStep(factor: SecondFactorsTable, code: string): number | null {
    if (!/^\d{6}$/.test(code.trim())) return null;
    const secret = this.secrets().open(factor.secret ?? '', factor.id);
    const timestamp = Date.parse(this.now());
    const delta = OTPAuth.TOTP.validate({ token: code.trim(), secret: OTPAuth.Secret.fromBase32(secret), period: TOTP_PERIOD, timestamp, window: 1 });
    if (delta === null) return null;
    const step = Math.floor(timestamp / 1000 / TOTP_PERIOD) + delta;
    return step > factor.counter ? step : null;
  }

  /** The second step with a TOTP code. */
  async signInWithTotp(token: string | undefined, code: string, origin: RequestOrigin): Promise<SignInStep> {
    const { session, account } = await this.requireSession(token, ['second_factor']);
    await this.assertNotThrottled(account.username, account, origin, 'totp');
    const factor = await this.totpFactor(account.id, true);
    const step = factor ? this.totpStep(factor, code) : null;
    if (!factor || step === null) throw await this.failure(account.username, account, origin, 'totp', 'totp', factorInvalid());
    await this.write(actorLabel(this.actorFor(account, [], 'password+totp', null)), async (w) => {
      await w.update('second_factors', factor.id, { counter: step, last_used_at: this.now() }, 'auth.factor_used');
      await this.recordAttempt(w, account.username, account.id, origin, 'totp', 'success', null, 'auth.signed_in');
    });
    return this.signedIn(session, account, 'password+totp');
  }

  private async signedIn(session: SessionsTable, account: AccountsTable, method: string): Promise<SignInStep> {
    const token = await this.promote(session, method);
    return { token, stage: 'signed_in', methods: await this.methodsOf(account.id), account: brief(account) };
  }

  /** The second step with a recovery code (each works once). */
  async signInWithRecoveryCode(token: string | undefined, code: string, origin: RequestOrigin): Promise<SignInStep> {
    const { session, account } = await this.requireSession(token, ['second_factor']);
    await this.assertNotThrottled(account.username, account, origin, 'recovery');
    let hash: string | null = null;
    try {
      hash = sha256(normalizeRecoveryCode(code));
    } catch {
      hash = null;
    }
    const row = hash
      ? await this.db
          .selectFrom('recovery_codes')
          .select('id')
          .where('account_id', '=', account.id)
          .where('code_hash', '=', hash)
          .where('used_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!row) throw await this.failure(account.username, account, origin, 'recovery', 'recovery_code', factorInvalid());
    await this.write(actorLabel(this.actorFor(account, [], 'password+recovery', null)), async (w, tx) => {
      // Used once: the update only counts if the code was still unused inside the write lock.
      const still = await tx.selectFrom('recovery_codes').select('id').where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
      if (!still) throw factorInvalid();
      await w.update('recovery_codes', row.id, { used_at: this.now() }, 'auth.recovery_code_used');
      await this.recordAttempt(w, account.username, account.id, origin, 'recovery', 'success', null, 'auth.signed_in');
    });
    return this.signedIn(session, account, 'password+recovery');
  }

  /** WebAuthn options for the second step (or for re-authentication when already signed in). */
  async webauthnSignInOptions(token: string | undefined, rp: RelyingParty) {
    const { session, account } = await this.requireSession(token, ['second_factor', 'signed_in']);
    const credentials = await this.db.selectFrom('second_factors').selectAll().where('account_id', '=', account.id).where('kind', '=', 'webauthn').execute();
    if (credentials.length === 0) throw new CoreError('PASSKEY_NOT_FOUND', 'this account has no passkey', {});
    const options = await generateAuthenticationOptions({
      rpID: rp.rpId,
      allowCredentials: credentials.map((c) => ({ id: c.credential_id!, transports: c.transports ? (JSON.parse(c.transports) as string[]) : undefined })),
      userVerification: 'preferred',
    });
    await this.db.updateTable('sessions').set({ challenge: options.challenge }).where('id', '=', session.id).execute();
    return options;
  }

  /** Checks a WebAuthn assertion against the session's challenge, the request's origin and rpID, and the stored key. */
  private async checkAssertion(session: SessionsTable, account: AccountsTable, response: AuthenticationResponseJSON, rp: RelyingParty) {
    const challenge = session.challenge;
    // A challenge serves one ceremony only.
    await this.db.updateTable('sessions').set({ challenge: null }).where('id', '=', session.id).execute();
    const credential =
      typeof response?.id === 'string'
        ? await this.db
            .selectFrom('second_factors')
            .selectAll()
            .where('account_id', '=', account.id)
            .where('kind', '=', 'webauthn')
            .where('credential_id', '=', response.id)
            .executeTakeFirst()
        : undefined;
    if (!challenge || !credential) return null;
    try {
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        credential: {
          id: credential.credential_id!,
          publicKey: Buffer.from(credential.public_key!, 'base64url'),
          counter: credential.counter,
          transports: credential.transports ? (JSON.parse(credential.transports) as string[]) : undefined,
        },
      });
      return v.verified ? { credential, newCounter: v.authenticationInfo.newCounter } : null;
    } catch {
      return null;
    }
  }

  async signInWithPasskey(token: string | undefined, response: AuthenticationResponseJSON, rp: RelyingParty, origin: RequestOrigin): Promise<SignInStep> {
    const { session, account } = await this.requireSession(token, ['second_factor']);
    await this.assertNotThrottled(account.username, account, origin, 'webauthn');
    const ok = await this.checkAssertion(session, account, response, rp);
    if (!ok) throw await this.failure(account.username, account, origin, 'webauthn', 'webauthn', factorInvalid());
    await this.write(actorLabel(this.actorFor(account, [], 'password+webauthn', null)), async (w) => {
      await w.update('second_factors', ok.credential.id, { counter: ok.newCounter, last_used_at: this.now() }, 'auth.factor_used');
      await this.recordAttempt(w, account.username, account.id, origin, 'webauthn', 'success', null, 'auth.signed_in');
    });
    return this.signedIn(session, account, 'password+webauthn');
  }

  /** A fresh second factor for approve, sign-off and people changes: TOTP code or passkey assertion. */
  async reauthenticate(
    token: string | undefined,
    proof: { readonly code?: string; readonly response?: AuthenticationResponseJSON },
    rp: RelyingParty,
    origin: RequestOrigin,
  ): Promise<{ factorAt: string; token: string }> {
    const { session, account } = await this.requireSession(token, ['signed_in']);
    await this.assertNotThrottled(account.username, account, origin, 'reauth');
    const label = actorLabel(this.actorFor(account, [], session.method, session.factor_at));
    if (proof.response) {
      const ok = await this.checkAssertion(session, account, proof.response, rp);
      if (!ok) throw await this.failure(account.username, account, origin, 'reauth', 'webauthn', factorInvalid());
      await this.write(label, async (w) => {
        await w.update('second_factors', ok.credential.id, { counter: ok.newCounter, last_used_at: this.now() }, 'auth.factor_used');
        await this.recordAttempt(w, account.username, account.id, origin, 'reauth', 'success', 'webauthn', 'auth.reauthenticated');
      });
    } else {
      const factor = await this.totpFactor(account.id, true);
      const step = factor && proof.code ? this.totpStep(factor, proof.code) : null;
      if (!factor || step === null) throw await this.failure(account.username, account, origin, 'reauth', 'totp', factorInvalid());
      await this.write(label, async (w) => {
        await w.update('second_factors', factor.id, { counter: step, last_used_at: this.now() }, 'auth.factor_used');
        await this.recordAttempt(w, account.username, account.id, origin, 'reauth', 'success', 'totp', 'auth.reauthenticated');
      });
    }
    // A step up in privilege takes a new session id, as sign-in does: a token learnt before it
    // (a fixated or leaked cookie) is worth nothing after it.
    const now = this.now();
    const fresh = randomBytes(32).toString('base64url');
    await this.db
      .updateTable('sessions')
      .set({ id: sha256(fresh), factor_at: now, last_seen_at: now })
      .where('id', '=', session.id)
      .execute();
    return { factorAt: now, token: fresh };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
  }

  // ── one's own second factors and password ───────────────────────────────────────────────

  /**
   * Starts TOTP enrolment: a new secret (sealed at rest), as an otpauth URL and a QR code (SVG).
   * A person who has a confirmed TOTP already must have checked a factor moments ago to replace it.
   */
  async enrolTotp(token: string | undefined): Promise<{ otpauthUrl: string; qrSvg: string }> {
    const { session, account } = await this.requireSession(token, ['enrol_totp', 'signed_in']);
    if (session.stage === 'signed_in' && (await this.totpFactor(account.id, true))) {
      assertFreshFactor(this.actorFor(account, [], session.method, session.factor_at), this.now());
    }
    const secret = new OTPAuth.Secret({ size: 20 });
    const id = randomUUID();
    await this.write(actorLabel(this.actorFor(account, [], session.method, null)), async (w, tx) => {
      for (const old of await tx
        .selectFrom('second_factors')
        .select('id')
        .where('account_id', '=', account.id)
        .where('kind', '=', 'totp')
        .where('confirmed_at', 'is', null)
        .execute()) {
        await w.delete('second_factors', { id: old.id }, 'auth.totp_enrol');
      }
      await w.insert(
        'second_factors',
        {
          id,
          account_id: account.id,
          kind: 'totp',
          name: 'TOTP',
          secret: this.secrets().seal(secret.base32, id),
          credential_id: null,
          public_key: null,
          counter: 0,
          transports: null,
          confirmed_at: null,
          created_at: this.now(),
          last_used_at: null,
        },
        'auth.totp_enrol',
      );
    });
    const otpauthUrl = this.totpFor(account.username, secret.base32).toString();
    return { otpauthUrl, qrSvg: await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }

  totpFor(username: string, base32: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({
      issuer: this.issuer,
      label: username,
      algorithm: 'SHA1',
      digits: 6,
      period: TOTP_PERIOD,
      secret: OTPAuth.Secret.fromBase32(base32),
    });
  }

  /**
   * Confirms enrolment with a first code: the new TOTP replaces any earlier one, ten fresh
   * recovery codes replace any earlier ones (shown this once), and a session that was waiting
   * for enrolment becomes a signed-in one (a new token).
   */
  async confirmTotp(token: string | undefined, code: string, origin: RequestOrigin): Promise<{ recoveryCodes: string[]; token: string | null }> {
    const { session, account } = await this.requireSession(token, ['enrol_totp', 'signed_in']);
    await this.assertNotThrottled(account.username, account, origin, 'totp');
    const factor = await this.totpFactor(account.id, false);
    const step = factor ? this.totpStep(factor, code) : null;
    if (!factor || step === null) throw await this.failure(account.username, account, origin, 'totp', 'totp_enrol', factorInvalid());
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(randomBytes(RECOVERY_CODE_BYTES)));
    await this.write(actorLabel(this.actorFor(account, [], 'password+totp', null)), async (w, tx) => {
      for (const old of await tx
        .selectFrom('second_factors')
        .select('id')
        .where('account_id', '=', account.id)
        .where('kind', '=', 'totp')
        .where('id', '!=', factor.id)
        .execute()) {
        await w.delete('second_factors', { id: old.id }, 'auth.totp_enrolled');
      }
      await w.update('second_factors', factor.id, { confirmed_at: this.now(), counter: step, last_used_at: this.now() }, 'auth.totp_enrolled');
      for (const old of await tx.selectFrom('recovery_codes').select('id').where('account_id', '=', account.id).execute()) {
        await w.delete('recovery_codes', { id: old.id }, 'auth.recovery_codes_issued');
      }
      for (const c of codes) {
        await w.insert(
          'recovery_codes',
          { id: randomUUID(), account_id: account.id, code_hash: sha256(normalizeRecoveryCode(c)), created_at: this.now(), used_at: null },
          'auth.recovery_codes_issued',
        );
      }
      if (session.stage === 'enrol_totp') await this.recordAttempt(w, account.username, account.id, origin, 'totp', 'success', 'enrolled', 'auth.signed_in');
    });
    if (session.stage === 'enrol_totp') return { recoveryCodes: codes, token: await this.promote(session, 'password+totp') };
    await this.db.updateTable('sessions').set({ factor_at: this.now() }).where('id', '=', session.id).execute();
    return { recoveryCodes: codes, token: null };
  }

  /** Registration options for a new passkey (signed in, factor checked moments ago). */
  async passkeyOptions(token: string | undefined, rp: RelyingParty) {
    const { session, account } = await this.requireSession(token, ['signed_in']);
    assertFreshFactor(this.actorFor(account, [], session.method, session.factor_at), this.now());
    const existing = await this.db
      .selectFrom('second_factors')
      .select(['credential_id', 'transports'])
      .where('account_id', '=', account.id)
      .where('kind', '=', 'webauthn')
      .execute();
    const options = await generateRegistrationOptions({
      rpName: this.issuer,
      rpID: rp.rpId,
      userName: account.username,
      userDisplayName: account.display_name,
      userID: new TextEncoder().encode(account.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.credential_id!, transports: c.transports ? (JSON.parse(c.transports) as string[]) : undefined })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.db.updateTable('sessions').set({ challenge: options.challenge }).where('id', '=', session.id).execute();
    return options;
  }

  /** Verifies the authenticator's registration (challenge, origin, rpID) and stores the passkey. */
  async registerPasskey(token: string | undefined, response: RegistrationResponseJSON, name: string, rp: RelyingParty): Promise<{ id: string; name: string }> {
    const { session, account } = await this.requireSession(token, ['signed_in']);
    assertFreshFactor(this.actorFor(account, [], session.method, session.factor_at), this.now());
    const challenge = session.challenge;
    await this.db.updateTable('sessions').set({ challenge: null }).where('id', '=', session.id).execute();
    if (!challenge) throw factorInvalid();
    let info;
    try {
      const v = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpId });
      info = v.verified ? v.registrationInfo : null;
    } catch {
      info = null;
    }
    if (!info) throw factorInvalid();
    const id = randomUUID();
    const label = name.trim().slice(0, 64) || 'passkey';
    await this.write(actorLabel(this.actorFor(account, [], session.method, session.factor_at)), (w) =>
      w.insert(
        'second_factors',
        {
          id,
          account_id: account.id,
          kind: 'webauthn',
          name: label,
          secret: null,
          credential_id: info.credential.id,
          public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: info.credential.transports ? JSON.stringify(info.credential.transports) : null,
          confirmed_at: this.now(),
          created_at: this.now(),
          last_used_at: null,
        },
        'auth.passkey_enrolled',
      ),
    );
    return { id, name: label };
  }

  async listPasskeys(token: string | undefined): Promise<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }[]> {
    const { account } = await this.requireSession(token, ['signed_in']);
    const rows = await this.db
      .selectFrom('second_factors')
      .selectAll()
      .where('account_id', '=', account.id)
      .where('kind', '=', 'webauthn')
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async deletePasskey(token: string | undefined, id: string): Promise<void> {
    const { session, account } = await this.requireSession(token, ['signed_in']);
    assertFreshFactor(this.actorFor(account, [], session.method, session.factor_at), this.now());
    const row = await this.db
      .selectFrom('second_factors')
      .select('id')
      .where('id', '=', id)
      .where('account_id', '=', account.id)
      .where('kind', '=', 'webauthn')
      .executeTakeFirst();
    if (!row) throw new CoreError('PASSKEY_NOT_FOUND', 'no such passkey', { id });
    await this.write(actorLabel(this.actorFor(account, [], session.method, session.factor_at)), (w) =>
      w.delete('second_factors', { id }, 'auth.passkey_removed'),
    );
  }

  /** A new password (the current one checked, strength checked); every other session of the account ends. */
  async changePassword(token: string | undefined, current: string, next: string, origin: RequestOrigin): Promise<void> {
    const { session, account } = await this.requireSession(token, ['signed_in']);
    await this.assertNotThrottled(account.username, account, origin, 'password_change');
    if (!(await argonVerify(account.password_hash, current).catch(() => false))) {
      throw await this.failure(account.username, account, origin, 'password_change', 'password', invalidCredentials());
    }
    assertPasswordStrong(next, account.username);
    const passwordHash = await argonHash(next, ARGON2);
    await this.write(actorLabel(this.actorFor(account, [], session.method, session.factor_at)), async (w, tx) => {
      await w.update('accounts', account.id, { password_hash: passwordHash, password_changed_at: this.now() }, 'people.password_changed');
      await tx.deleteFrom('sessions').where('account_id', '=', account.id).where('id', '!=', session.id).execute();
    });
  }

  // ── accounts made without the web (the demo, the CLI) ───────────────────────────────────

  /**
   * An account with a confirmed TOTP, made by the local operator (`ccheck serve --demo`): returns
   * the TOTP secret, shown once. Grants as given.
   */
  async createWithTotp(
    local: Actor,
    input: { readonly username: string; readonly displayName: string; readonly password: string; readonly grants: readonly Grant[] },
  ): Promise<{ account: AccountView; totpSecret: string; otpauthUrl: string }> {
    const username = assertUsernameValid(input.username);
    assertPasswordStrong(input.password, username);
    const passwordHash = await argonHash(input.password, ARGON2);
    const secret = new OTPAuth.Secret({ size: 20 });
    const label = actorLabel(local);
    const id = await this.write(label, async (w, tx) => {
      if (await tx.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst()) {
        throw new CoreError('ACCOUNT_EXISTS', 'that username is taken', { username }, { field: 'username' });
      }
      const a = await this.insertAccount(w, { username, displayName: input.displayName, passwordHash, createdBy: label }, 'people.create');
      for (const g of input.grants) await this.insertGrant(w, a.id, g, label, 'people.set_grants');
      const fid = randomUUID();
      const now = this.now();
      await w.insert(
        'second_factors',
        {
          id: fid,
          account_id: a.id,
          kind: 'totp',
          name: 'TOTP',
          secret: this.secrets().seal(secret.base32, fid),
          credential_id: null,
          public_key: null,
          counter: 0,
          transports: null,
          confirmed_at: now,
          created_at: now,
          last_used_at: null,
        },
        'auth.totp_enrolled',
      );
      return a.id;
    });
    return { account: await this.account(id), totpSecret: secret.base32, otpauthUrl: this.totpFor(username, secret.base32).toString() };
  }
}

function brief(a: AccountsTable) {
  return { id: a.id, username: a.username, displayName: a.display_name };
}

function invalidCredentials(): CoreError {
  return new CoreError('AUTH_INVALID_CREDENTIALS', 'wrong username or password', {});
}

function factorInvalid(): CoreError {
  return new CoreError('AUTH_FACTOR_INVALID', 'that code or passkey is not valid', {});
}

function lockedError(until: string): CoreError {
  return new CoreError('AUTH_LOCKED', `too many failed sign-ins: locked until ${until}`, { until });
}

/** Throttle settings from the environment (CCHECK_LOGIN_ACCOUNT_MAX_FAILURES …); the defaults otherwise. */
function throttleSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return {
    accountMaxFailures: env.CCHECK_LOGIN_ACCOUNT_MAX_FAILURES,
    accountLockMinutes: env.CCHECK_LOGIN_ACCOUNT_LOCK_MINUTES,
    addressMaxFailures: env.CCHECK_LOGIN_ADDRESS_MAX_FAILURES,
    addressWindowMinutes: env.CCHECK_LOGIN_ADDRESS_WINDOW_MINUTES,
  };
}
