import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import * as OTPAuth from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { cookieSessionPort } from '../../src/api/session-port.js';
import { InspectionService } from '../../src/services/inspection-service.js';
import { TestClock } from '../helpers/api-app.js';
import { PeopleService } from '../../src/services/people-service.js';
import { DIALECTS, freshStore } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

const KEY = Buffer.alloc(32, 9).toString('base64');
const ADMIN = { username: 'Admin.Chen', display_name: '系統管理者 陳', password: 'correct horse battery staple' };
const OFFICER = { username: 'officer.wang', display_name: '資安專員 王', password: 'violet-kettle-orbit-42' };

/** A browser: keeps cookies, sends the CSRF header once it has a token, and checks every answer for leaks. */
class Browser {
  cookies: Record<string, string> = {};
  csrf: string | null = null;
  constructor(
    private readonly app: FastifyInstance,
    readonly address = '10.1.1.1',
  ) {}

  async call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, options: { csrf?: boolean } = {}) {
    // The messages these tests read are the English ones (zh-TW is the default: error-table tests cover it).
    const headers: Record<string, string> = { host: 'ccheck.example.tw', 'accept-language': 'en' };
    if (this.csrf && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await this.app.inject({
      method,
      url,
      headers,
      cookies: this.cookies,
      remoteAddress: this.address,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) delete this.cookies[c.name];
      else this.cookies[c.name] = c.value;
    }
    assertNoLeak(res);
    const json = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
    if (typeof json.csrf_token === 'string') this.csrf = json.csrf_token;
    return { status: res.statusCode, json };
  }
}

/** 9/(12): no answer ever carries a stack trace, SQL, or a file path. */
function assertNoLeak(res: LightMyRequestResponse): void {
  const body = res.body;
  expect(body, body).not.toMatch(
    /\bat \S+ \(|\.ts:\d+|\.js:\d+|node_modules|\/tmp\/|\/work\/|\/home\/|select .* from|insert into|update \S+ set|SQLITE_|violates .* constraint|password_hash|\$argon2/i,
  );
}

function secretOf(otpauthUrl: string): string {
  return new URL(otpauthUrl).searchParams.get('secret')!;
}

describe.each(DIALECTS)('people and sign-in over HTTP (%s)', (dialect) => {
  let tmp: ReturnType<typeof tempDir>;
  let drop: () => Promise<void>;
  let s: InspectionService;
  let people: PeopleService;
  let app: FastifyInstance;
  let clock: TestClock;

  beforeEach(async () => {
    tmp = tempDir();
    const store = await freshStore(dialect, tmp.dir);
    drop = store.drop;
    const env: NodeJS.ProcessEnv = {
      ...store.env,
      CCHECK_VAULT_KEY: KEY,
      CCHECK_SIGNIN_RATE_LIMIT: '1000',
      CCHECK_LOGIN_ADDRESS_MAX_FAILURES: '8',
      CCHECK_LOGIN_ADDRESS_WINDOW_MINUTES: '10',
    };
    clock = new TestClock();
    s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
    people = new PeopleService(s, env);
    app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: cookieSessionPort(people), people });
  });

  afterEach(async () => {
    await app.close();
    await s.close();
    await drop();
    tmp.cleanup();
  });

  /** The current TOTP code, after moving past the last step used (a code works once). */
  const code = (secret: string) => {
    clock.advance(0.5);
    return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: clock.ms() });
  };

  /** First run: the administrator is created with the setup token, signs in and enrols TOTP. */
  async function adminSignedIn(): Promise<{ b: Browser; secret: string; recovery: string[] }> {
    const b = new Browser(app);
    const token = people.issueSetupToken();
    expect((await b.call('POST', '/api/setup/admin', { setup_token: token, ...ADMIN })).status).toBe(201);
    const login = await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(login.json.stage).toBe('enrol_totp');
    const enrol = await b.call('POST', '/api/me/totp/enrol');
    expect(enrol.status).toBe(200);
    const secret = secretOf(enrol.json.otpauth_url as string);
    const confirm = await b.call('POST', '/api/me/totp/confirm', { code: code(secret) });
    expect(confirm.status).toBe(200);
    return { b, secret, recovery: confirm.json.recovery_codes as string[] };
  }

  async function session(b: Browser) {
    return b.call('GET', '/api/auth/session');
  }

  it('creates the first administrator once, with the one-time token, and never with a weak password', async () => {
    const b = new Browser(app);
    expect((await b.call('GET', '/api/setup')).json).toEqual({ needs_admin: true });
    // No token issued yet: nothing to guess.
    expect((await b.call('POST', '/api/setup/admin', { setup_token: 'guess', ...ADMIN })).json.code).toBe('SETUP_TOKEN_INVALID');
    const token = people.issueSetupToken();
    expect((await b.call('POST', '/api/setup/admin', { setup_token: `${token}x`, ...ADMIN })).status).toBe(403);
    const weak = await b.call('POST', '/api/setup/admin', { setup_token: token, ...ADMIN, password: 'P@ssw0rd2026!' });
    expect(weak).toMatchObject({ status: 400, json: { code: 'PASSWORD_WEAK' } });
    const ok = await b.call('POST', '/api/setup/admin', { setup_token: token, ...ADMIN });
    expect(ok.status).toBe(201);
    expect(ok.json.account).toMatchObject({ username: 'admin.chen', grants: [{ role: 'admin', firm_id: null }] });
    expect((await b.call('GET', '/api/setup')).json).toEqual({ needs_admin: false });
    // The same token again, or a new one: setup is done.
    expect((await b.call('POST', '/api/setup/admin', { setup_token: token, ...ADMIN, username: 'second' })).json.code).toBe('SETUP_DONE');
    const again = await b.call('POST', '/api/setup/admin', { setup_token: people.issueSetupToken(), ...ADMIN, username: 'second' });
    expect(again).toMatchObject({ status: 409, json: { code: 'SETUP_DONE' } });
  });

  it('signs in with password and TOTP; an account without a factor must enrol first; a TOTP code works once', async () => {
    const b = new Browser(app);
    const token = people.issueSetupToken();
    await b.call('POST', '/api/setup/admin', { setup_token: token, ...ADMIN });
    const login = await b.call('POST', '/api/auth/login', { username: 'ADMIN.CHEN', password: ADMIN.password });
    expect(login.json).toMatchObject({ stage: 'enrol_totp' });
    // Waiting for enrolment is not being signed in.
    expect((await session(b)).status).toBe(401);
    expect((await b.call('GET', '/api/people')).json.code).toBe('AUTH_REQUIRED');
    const enrol = await b.call('POST', '/api/me/totp/enrol');
    expect(enrol.json.qr_svg).toMatch(/^<svg/);
    expect(enrol.json.otpauth_url).toMatch(/^otpauth:\/\/totp\/ccheck:admin\.chen\?/);
    const secret = secretOf(enrol.json.otpauth_url as string);
    expect((await b.call('POST', '/api/me/totp/confirm', { code: '000000' })).json.code).toBe('AUTH_FACTOR_INVALID');
    const confirm = await b.call('POST', '/api/me/totp/confirm', { code: code(secret) });
    expect(confirm.json.recovery_codes).toHaveLength(10);
    const me = await session(b);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ account: { username: 'admin.chen', grants: [{ role: 'admin', firm_id: null }] }, method: 'password+totp' });
    expect(typeof me.json.csrf_token).toBe('string');

    // A live session is not ended by a request without its CSRF token (a forged sign-out).
    expect((await b.call('POST', '/api/auth/logout', undefined, { csrf: false })).json.code).toBe('CSRF_INVALID');
    expect((await session(b)).status).toBe(200);
    expect((await b.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await session(b)).status).toBe(401);
    // Signed out, with the dead session's cookie or none, sign-out answers 204 again: nothing is left to end.
    const dead = new Browser(app, '10.1.1.3');
    dead.cookies = { ccheck_session: 'a-session-that-ended' };
    expect((await dead.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await new Browser(app, '10.1.1.3').call('POST', '/api/auth/logout')).status).toBe(204);
    // TOTP enrolment signed out: 401 before the CSRF token (docs/API.md, order of the checks).
    expect((await dead.call('POST', '/api/me/totp/enrol')).json.code).toBe('AUTH_REQUIRED');

    const second = await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(second.json).toMatchObject({ stage: 'second_factor', methods: ['totp', 'recovery'] });
    expect((await b.call('POST', '/api/auth/totp', { code: '123456' })).json.code).toBe('AUTH_FACTOR_INVALID');
    const c = code(secret);
    const ok = await b.call('POST', '/api/auth/totp', { code: c });
    expect(ok.json).toMatchObject({ stage: 'signed_in', account: { username: 'admin.chen' } });
    expect((await session(b)).status).toBe(200);
    // The same code again (replayed within its 30 seconds) is refused.
    const other = new Browser(app, '10.1.1.2');
    await other.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect((await other.call('POST', '/api/auth/totp', { code: c })).json.code).toBe('AUTH_FACTOR_INVALID');
  });

  it('takes each recovery code once', async () => {
    const { b, recovery } = await adminSignedIn();
    await b.call('POST', '/api/auth/logout');
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    // Typed by hand: lower case, spaces instead of hyphens.
    const typed = recovery[0]!.toLowerCase().replace(/-/g, ' ');
    expect((await b.call('POST', '/api/auth/recovery', { code: typed })).json).toMatchObject({ stage: 'signed_in' });
    expect((await session(b)).json.method).toBe('password+recovery');
    await b.call('POST', '/api/auth/logout');
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect((await b.call('POST', '/api/auth/recovery', { code: recovery[0]! })).json.code).toBe('AUTH_FACTOR_INVALID');
    expect((await b.call('POST', '/api/auth/recovery', { code: recovery[1]! })).json.stage).toBe('signed_in');
  });

  it('answers a wrong password and an unknown username alike', async () => {
    await adminSignedIn();
    const b = new Browser(app, '10.2.2.2');
    const wrong = await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: 'not the password at all' });
    const unknown = await b.call('POST', '/api/auth/login', { username: 'nobody.here', password: 'not the password at all' });
    expect(wrong).toEqual({ status: 401, json: { code: 'AUTH_INVALID_CREDENTIALS', message: 'wrong username or password.' } });
    expect(unknown).toEqual(wrong);
    expect(b.cookies.ccheck_session).toBeUndefined();
  });

  it('locks an account after 5 failures for 15 minutes, says until when, and locks an unknown username the same way', async () => {
    await adminSignedIn();
    const b = new Browser(app, '10.3.3.3');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: `wrong password ${i}` }));
    expect(answers.slice(0, 4).map((a) => a.json.code)).toEqual(Array(4).fill('AUTH_INVALID_CREDENTIALS'));
    const until = new Date(clock.ms() + 15 * 60_000).toISOString();
    expect(answers[4]).toEqual({ status: 429, json: { code: 'AUTH_LOCKED', message: `too many failed sign-ins: the account is locked until ${until}.` } });
    // The right password, from another address, does not get in while locked.
    const right = new Browser(app, '10.3.3.4');
    expect((await right.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.code).toBe('AUTH_LOCKED');
    clock.advance(15);
    expect((await right.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.stage).toBe('second_factor');

    const ghost = [];
    for (let i = 0; i < 5; i++) ghost.push((await b.call('POST', '/api/auth/login', { username: 'ghost.user', password: `wrong password ${i}` })).json.code);
    expect(ghost).toEqual([...Array<string>(4).fill('AUTH_INVALID_CREDENTIALS'), 'AUTH_LOCKED']);
  });

  it('counts wrong second factors toward the lockout (a known password does not reset it)', async () => {
    const { secret } = await adminSignedIn();
    const b = new Browser(app, '10.4.4.4');
    for (let i = 0; i < 4; i++) {
      await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
      expect((await b.call('POST', '/api/auth/totp', { code: '000000' })).json.code).toBe('AUTH_FACTOR_INVALID');
    }
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect((await b.call('POST', '/api/auth/totp', { code: '000000' })).json.code).toBe('AUTH_LOCKED');
    expect((await b.call('POST', '/api/auth/totp', { code: code(secret) })).json.code).toBe('AUTH_LOCKED');
  });

  it('throttles an address across usernames (sliding window), and not the other addresses', async () => {
    const { b: admin } = await adminSignedIn();
    const spray = new Browser(app, '10.5.5.5');
    const codes = [];
    for (let i = 0; i < 9; i++) codes.push((await spray.call('POST', '/api/auth/login', { username: `user${i}`, password: 'Summer2026!!' })).json.code);
    expect(codes.slice(0, 8)).toEqual(Array(8).fill('AUTH_INVALID_CREDENTIALS'));
    expect(codes[8]).toBe('AUTH_THROTTLED');
    const refused = await spray.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(refused.status).toBe(429);
    expect(refused.json.message).toMatch(/try again after 2026-11-30T01:\d\d:\d\d\.\d{3}Z/);
    expect((await admin.call('GET', '/api/auth/session')).status).toBe(200);
    const elsewhere = new Browser(app, '10.5.5.6');
    expect((await elsewhere.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.stage).toBe('second_factor');
    clock.advance(10);
    expect((await spray.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.stage).toBe('second_factor');
  });

  it('ends a session idle for 15 minutes', async () => {
    const { b } = await adminSignedIn();
    clock.advance(14);
    const s1 = await session(b);
    expect(s1.status).toBe(200);
    expect(s1.json.idle_expires_at).toBe(new Date(clock.ms() + 15 * 60_000).toISOString());
    clock.advance(14);
    expect((await session(b)).status).toBe(200);
    clock.advance(15);
    expect(await session(b)).toMatchObject({ status: 401, json: { code: 'AUTH_REQUIRED' } });
  });

  it('ends every session 8 hours after sign-in, however active', async () => {
    const { b } = await adminSignedIn();
    const start = clock.ms();
    for (let i = 0; i < 47; i++) {
      clock.advance(10);
      expect((await session(b)).status, `after ${(clock.ms() - start) / 60_000} minutes`).toBe(200);
    }
    expect((await session(b)).json.expires_at).toBe(new Date(start + 8 * 3_600_000).toISOString());
    clock.advance(10);
    expect((await session(b)).status).toBe(401);
  });

  it('refuses a changing request without the CSRF token, and demands a fresh second factor for people changes', async () => {
    const { b, secret } = await adminSignedIn();
    const create = () => b.call('POST', '/api/people', OFFICER);
    expect(await b.call('POST', '/api/people', OFFICER, { csrf: false })).toMatchObject({ status: 403, json: { code: 'CSRF_INVALID' } });
    const stolen = b.csrf;
    b.csrf = 'forged-token';
    expect((await create()).json.code).toBe('CSRF_INVALID');
    b.csrf = stolen;
    // Signed in 1 minute ago with TOTP: fresh.
    expect((await create()).status).toBe(201);
    clock.advance(6);
    const stale = await b.call('POST', '/api/people', { ...OFFICER, username: 'officer.two' });
    expect(stale).toMatchObject({ status: 403, json: { code: 'FACTOR_NOT_FRESH' } });
    expect((await b.call('POST', '/api/auth/reauth', { code: '000000' })).json.code).toBe('AUTH_FACTOR_INVALID');
    const re = await b.call('POST', '/api/auth/reauth', { code: code(secret) });
    expect(re.json.factor_at).toBe(clock.now());
    expect((await b.call('POST', '/api/people', { ...OFFICER, username: 'officer.two' })).status).toBe(201);
    const list = await b.call('GET', '/api/people');
    expect((list.json.people as { username: string }[]).map((p) => p.username)).toEqual(['admin.chen', 'officer.two', 'officer.wang']);
  });

  it('manages people: grants per firm, weak passwords refused, the last administrator kept, unlock and factor reset', async () => {
    const { b } = await adminSignedIn();
    const firm = await s.addFirm('setup', internetTier1());
    const created = await b.call('POST', '/api/people', OFFICER);
    const id = (created.json.account as { id: string }).id;
    expect((await b.call('POST', '/api/people', { ...OFFICER, username: 'x.y.z', password: 'password1234' })).json.code).toBe('PASSWORD_WEAK');
    expect((await b.call('POST', '/api/people', { ...OFFICER, username: 'OFFICER.WANG' })).json.code).toBe('ACCOUNT_EXISTS');
    const granted = await b.call('PUT', `/api/people/${id}/grants`, { grants: [{ role: 'officer', firm_id: firm.licence }] });
    expect(granted.json.account).toMatchObject({ grants: [{ role: 'officer', firm_id: firm.id }] });
    expect((await b.call('PUT', `/api/people/${id}/grants`, { grants: [{ role: 'pope', firm_id: null }] })).json.code).toBe('REQUEST_INVALID');
    // A field the route does not take, however deep, is refused by name rather than dropped.
    expect(await b.call('PUT', `/api/people/${id}/grants`, { grants: [{ role: 'auditor', firm_id: null, frim: firm.id }] })).toMatchObject({
      status: 400,
      json: { code: 'REQUEST_INVALID', message: 'this request takes no field "grants[0].frim" (misspelt?).', location: { field: 'grants[0].frim' } },
    });
    expect((await b.call('PUT', `/api/people/${id}/grants`, { grants: [{ role: 'officer', firm_id: 'no-such-firm' }] })).json.code).toBe('FIRM_NOT_FOUND');

    const me = (await session(b)).json.account as { id: string };
    expect(await b.call('PATCH', `/api/people/${me.id}`, { disabled: true })).toMatchObject({ status: 409, json: { code: 'ACCOUNT_LAST_ADMIN' } });
    expect((await b.call('PUT', `/api/people/${me.id}/grants`, { grants: [] })).json.code).toBe('ACCOUNT_LAST_ADMIN');

    // The officer signs in (must enrol), is locked out, unlocked by the administrator.
    const o = new Browser(app, '10.7.7.7');
    expect((await o.call('POST', '/api/auth/login', { username: OFFICER.username, password: OFFICER.password })).json.stage).toBe('enrol_totp');
    for (let i = 0; i < 5; i++) await o.call('POST', '/api/auth/login', { username: OFFICER.username, password: `nope nope ${i}` });
    expect((await o.call('POST', '/api/auth/login', { username: OFFICER.username, password: OFFICER.password })).json.code).toBe('AUTH_LOCKED');
    const listed = await b.call('GET', '/api/people');
    expect((listed.json.people as { username: string; locked_until: string | null }[]).find((p) => p.username === 'officer.wang')!.locked_until).not.toBeNull();
    expect((await b.call('POST', `/api/people/${id}/unlock`)).json.account).toMatchObject({ locked_until: null });
    expect((await o.call('POST', '/api/auth/login', { username: OFFICER.username, password: OFFICER.password })).json.stage).toBe('enrol_totp');
    const secret = secretOf((await o.call('POST', '/api/me/totp/enrol')).json.otpauth_url as string);
    await o.call('POST', '/api/me/totp/confirm', { code: code(secret) });
    const officerSession = await session(o);
    expect(officerSession.json.account).toMatchObject({ grants: [{ role: 'officer', firm_id: firm.id }] });
    // An officer may not manage people.
    expect((await o.call('GET', '/api/people')).json.code).toBe('FORBIDDEN');

    const reset = await b.call('POST', `/api/people/${id}/reset-factors`);
    expect(reset.json.account).toMatchObject({ factors: { totp: false, passkeys: 0, recovery_codes_left: 0 } });
    // Reset ends the officer's sessions; the next sign-in enrols again.
    expect((await session(o)).status).toBe(401);
    expect((await o.call('POST', '/api/auth/login', { username: OFFICER.username, password: OFFICER.password })).json.stage).toBe('enrol_totp');
  });

  it('writes sign-in successes and failures (with the address, never the password) into the verified audit trail', async () => {
    await adminSignedIn();
    const b = new Browser(app, '10.8.8.8');
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: 'Hunter2-is-my-password' });
    const events = await s.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'people.create_first_admin',
        'people.set_grants',
        'auth.password_accepted',
        'auth.totp_enrol',
        'auth.totp_enrolled',
        'auth.signed_in',
        'auth.sign_in_failed',
      ]),
    );
    const failed = events.filter((e) => e.action === 'auth.sign_in_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.actor).toBe('anonymous (10.8.8.8)');
    const attempt = await s.db.selectFrom('login_attempts').selectAll().where('id', '=', failed[0]!.entity_id).executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ address: '10.8.8.8', stage: 'password', outcome: 'failure', reason: 'password' });
    const everything = JSON.stringify({ events, attempts: await s.db.selectFrom('login_attempts').selectAll().execute() });
    expect(everything).not.toContain('Hunter2');
    expect(everything).not.toContain(ADMIN.password);
    // The TOTP secret is sealed: not in the row in any readable form.
    const factor = await s.db.selectFrom('second_factors').selectAll().executeTakeFirstOrThrow();
    expect(factor.secret).toMatch(/^v1\./);
    const verified = await s.verifyAudit();
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it('WebAuthn: options carry the request host as rpID and a fresh challenge; bad responses and missing passkeys are refused', async () => {
    const { b, secret } = await adminSignedIn();
    const opts = await b.call('POST', '/api/me/passkeys/options');
    expect(opts.status).toBe(200);
    expect(opts.json).toMatchObject({ rp: { id: 'ccheck.example.tw', name: 'ccheck' }, user: { name: 'admin.chen' }, attestation: 'none' });
    expect(typeof opts.json.challenge).toBe('string');
    const bogus = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} };
    expect(await b.call('POST', '/api/me/passkeys', { response: bogus })).toMatchObject({ status: 401, json: { code: 'AUTH_FACTOR_INVALID' } });
    // The challenge served one attempt: a second try without new options is refused too.
    expect((await b.call('POST', '/api/me/passkeys', { response: bogus })).json.code).toBe('AUTH_FACTOR_INVALID');
    // A client data JSON for another origin fails the origin check.
    const opts2 = await b.call('POST', '/api/me/passkeys/options');
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: opts2.json.challenge, origin: 'https://evil.example' })).toString(
      'base64url',
    );
    const wrongOrigin = { ...bogus, response: { clientDataJSON: clientData, attestationObject: 'oA' } };
    expect((await b.call('POST', '/api/me/passkeys', { response: wrongOrigin })).json.code).toBe('AUTH_FACTOR_INVALID');
    expect((await b.call('GET', '/api/me/passkeys')).json).toEqual({ passkeys: [] });
    // Registration needs a fresh factor, like every change to one's factors.
    clock.advance(6);
    expect((await b.call('POST', '/api/me/passkeys/options')).json.code).toBe('FACTOR_NOT_FRESH');
    await b.call('POST', '/api/auth/reauth', { code: code(secret) });
    // Sign-in with a passkey: this account has none.
    await b.call('POST', '/api/auth/logout');
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(await b.call('POST', '/api/auth/webauthn/options')).toMatchObject({ status: 404, json: { code: 'PASSKEY_NOT_FOUND' } });
    const assertion = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
      clientExtensionResults: {},
    };
    expect((await b.call('POST', '/api/auth/webauthn/verify', { response: assertion })).json.code).toBe('AUTH_FACTOR_INVALID');
    // Without a pending session there is nothing to verify against.
    const stranger = new Browser(app, '10.9.9.9');
    expect((await stranger.call('POST', '/api/auth/webauthn/verify', { response: assertion })).json.code).toBe('AUTH_REQUIRED');
  });
  it('keeps people, grants, factors and attempts in backups: a restored store verifies and its administrator signs in with the same TOTP', async () => {
    const { secret } = await adminSignedIn();
    await new Browser(app, '10.10.10.10').call('POST', '/api/auth/login', { username: ADMIN.username, password: 'wrong wrong wrong' });
    const dir = path.join(tmp.dir, 'backup');
    const manifest = await s.backup(dir);
    expect(manifest.tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['accounts', 'account_grants', 'second_factors', 'recovery_codes', 'login_attempts']),
    );
    // Sessions are not kept: they mean nothing after a restore.
    expect(manifest.tables.map((t) => t.name)).not.toContain('sessions');
    const target = tempDir();
    const t = await freshStore('sqlite', target.dir);
    // Another machine gets the keys that live outside the database with the backup (README: keep audit.key with vault.key).
    const auditKey = readFileSync(path.join(tmp.dir, 'audit.key'), 'utf8').trim();
    const tenv = { ...t.env, CCHECK_VAULT_KEY: KEY, CCHECK_AUDIT_KEY: auditKey, CCHECK_SIGNIN_RATE_LIMIT: '1000' };
    const restoredStore = await InspectionService.connect(target.dir, tenv, clock, { create: true });
    try {
      expect((await restoredStore.restore(dir)).verified).toBe(true);
      const restoredPeople = new PeopleService(restoredStore, tenv);
      const app2 = await buildApp({
        inspections: restoredStore,
        home: target.dir,
        env: tenv,
        clock,
        sessions: cookieSessionPort(restoredPeople),
        people: restoredPeople,
      });
      const b = new Browser(app2, '10.10.10.11');
      expect((await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.stage).toBe('second_factor');
      expect((await b.call('POST', '/api/auth/totp', { code: code(secret) })).json.stage).toBe('signed_in');
      await app2.close();
    } finally {
      await restoredStore.close();
      await t.drop();
      target.cleanup();
    }
  });

  it('WebAuthn with a software authenticator: registers a passkey, signs in and re-authenticates with it; another origin or rpID, or a replayed assertion, is refused', async () => {
    const { b } = await adminSignedIn();
    // inject() speaks plain HTTP to host ccheck.example.tw: that is the origin the server expects.
    const key = new SoftAuthenticator('http://ccheck.example.tw', 'ccheck.example.tw');
    const opts = await b.call('POST', '/api/me/passkeys/options');
    const made = await b.call('POST', '/api/me/passkeys', { response: key.register(opts.json.challenge as string), name: 'YubiKey' });
    expect(made).toMatchObject({ status: 201, json: { passkey: { name: 'YubiKey' } } });
    expect(((await b.call('GET', '/api/me/passkeys')).json.passkeys as unknown[]).length).toBe(1);

    // A second registration ceremony by an authenticator that speaks for another site is refused.
    const phish = new SoftAuthenticator('http://ccheck.example.tw.evil.example', 'ccheck.example.tw');
    const o2 = await b.call('POST', '/api/me/passkeys/options');
    expect((await b.call('POST', '/api/me/passkeys', { response: phish.register(o2.json.challenge as string) })).json.code).toBe('AUTH_FACTOR_INVALID');
    const otherRp = new SoftAuthenticator('http://ccheck.example.tw', 'evil.example');
    const o3 = await b.call('POST', '/api/me/passkeys/options');
    expect((await b.call('POST', '/api/me/passkeys', { response: otherRp.register(o3.json.challenge as string) })).json.code).toBe('AUTH_FACTOR_INVALID');

    await b.call('POST', '/api/auth/logout');
    expect((await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).json.methods).toEqual([
      'totp',
      'webauthn',
      'recovery',
    ]);
    const ask = await b.call('POST', '/api/auth/webauthn/options');
    expect(ask.json.allowCredentials).toEqual([{ id: key.credentialId.toString('base64url'), type: 'public-key', transports: ['internal'] }]);
    const assertion = key.assert(ask.json.challenge as string);
    const inside = await b.call('POST', '/api/auth/webauthn/verify', { response: assertion });
    expect(inside.json).toMatchObject({ stage: 'signed_in' });
    expect((await session(b)).json.method).toBe('password+webauthn');

    // The same assertion again (its challenge is spent) and a passkey for another origin: refused.
    await b.call('POST', '/api/auth/logout');
    await b.call('POST', '/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect((await b.call('POST', '/api/auth/webauthn/verify', { response: assertion })).json.code).toBe('AUTH_FACTOR_INVALID');
    const ask2 = await b.call('POST', '/api/auth/webauthn/options');
    const wrongSite = new SoftAuthenticator('http://evil.example', 'ccheck.example.tw');
    expect(
      (
        await b.call('POST', '/api/auth/webauthn/verify', {
          response: { ...wrongSite.assert(ask2.json.challenge as string), id: assertion.id, rawId: assertion.rawId },
        })
      ).json.code,
    ).toBe('AUTH_FACTOR_INVALID');
    const ask3 = await b.call('POST', '/api/auth/webauthn/options');
    expect((await b.call('POST', '/api/auth/webauthn/verify', { response: key.assert(ask3.json.challenge as string) })).json.stage).toBe('signed_in');

    // Re-authentication with the passkey makes the factor fresh again.
    clock.advance(6);
    expect((await b.call('POST', '/api/people', OFFICER)).json.code).toBe('FACTOR_NOT_FRESH');
    const ask4 = await b.call('POST', '/api/auth/webauthn/options');
    expect((await b.call('POST', '/api/auth/reauth', { response: key.assert(ask4.json.challenge as string) })).json.factor_at).toBe(clock.now());
    expect((await b.call('POST', '/api/people', OFFICER)).status).toBe(201);
  });
});
