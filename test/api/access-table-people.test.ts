import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutesOf, buildApp } from '../../src/api/app.js';
import { cookieSessionPort } from '../../src/api/session-port.js';
import { roleMay, type Action, type Role } from '../../src/core/people/roles.js';
import { InspectionService } from '../../src/services/inspection-service.js';
import { TestClock } from '../helpers/api-app.js';
import { PeopleService } from '../../src/services/people-service.js';
import { DIALECTS, freshStore } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { tempDir } from '../helpers/shared.js';
import { ROUTES } from './access-routes.js';
import { expectNoInternals } from './api-test-kit.js';

/**
 * The routes of setup, sign-in, people and `/api/me/*` × every role (one real account each,
 * signed in with password and TOTP through the API) × signed out. The expected status follows
 * from the route's access and the role table (src/core/people/roles.ts). The last test fails when
 * the app serves an API route that neither this table nor the inspection table (access-routes.ts) lists.
 */
const SIGNED_ROLES: readonly Role[] = ['admin', 'officer', 'supervisor', 'ciso', 'auditor', 'examiner'];
const PASSWORD = 'violet-kettle-orbit-42';

/** A browser: its cookies and CSRF token. */
interface Browser {
  cookies: Record<string, string>;
  csrf: string | null;
  secret: string | null;
}

interface Ctx {
  /** How many times this route has been allowed so far (creating a person needs a new name each time). */
  readonly n: number;
  /** The person the administrator's cells change. */
  readonly target: string;
  /** The current TOTP code of the caller's account. */
  readonly code: string;
  /** The caller's role, or `out`. */
  readonly who: string;
}

interface PeopleRoute {
  /** `METHOD /api/path/:param`, as the app registers it. */
  readonly route: string;
  readonly access: Action | 'signedIn' | 'anySession' | 'public';
  /** The status when access is granted (a domain answer such as 404 still proves access passed). */
  readonly ok: number;
  /** A public route that needs a session of its own (the service checks it) answers the signed-out this. */
  readonly signedOut?: number;
  readonly body?: (c: Ctx) => Record<string, unknown>;
  /** The path as sent, when the route has params. */
  readonly url?: (c: Ctx) => string;
}

// In the order the cells run: a route that changes the session (reauth, password, logout) comes late.
const PEOPLE_ROUTES: readonly PeopleRoute[] = [
  { route: 'GET /api/health', access: 'public', ok: 200 },
  { route: 'GET /api/setup', access: 'public', ok: 200 },
  // The first administrator exists: setup is over (SETUP_DONE), whoever asks.
  {
    route: 'POST /api/setup/admin',
    access: 'public',
    ok: 409,
    body: () => ({ setup_token: 'made-up', username: 'intruder', display_name: 'x', password: 'correct horse battery staple' }),
  },
  { route: 'GET /api/auth/session', access: 'signedIn', ok: 200 },
  // An unknown name per cell: five failures on one name would lock it (as they lock a real account).
  { route: 'POST /api/auth/login', access: 'public', ok: 401, body: (c) => ({ username: `nobody.${c.who}`, password: 'not the password' }) },
  { route: 'POST /api/auth/totp', access: 'public', ok: 401, signedOut: 401, body: () => ({ code: '000000' }) },
  { route: 'POST /api/auth/recovery', access: 'public', ok: 401, signedOut: 401, body: () => ({ code: 'aaaa-bbbb' }) },
  { route: 'POST /api/auth/webauthn/options', access: 'public', ok: 404, signedOut: 401 },
  {
    route: 'POST /api/auth/webauthn/verify',
    access: 'public',
    ok: 401,
    signedOut: 401,
    body: () => ({ response: { id: 'x', rawId: 'x', type: 'public-key', response: {}, clientExtensionResults: {} } }),
  },
  { route: 'POST /api/auth/reauth', access: 'signedIn', ok: 200, body: (c) => ({ code: c.code }) },
  { route: 'GET /api/people', access: 'people.read', ok: 200 },
  {
    route: 'POST /api/people',
    access: 'people.manage',
    ok: 201,
    body: (c) => ({ username: `new.person${c.n}`, display_name: `新人${c.n}`, password: PASSWORD }),
  },
  { route: 'PATCH /api/people/:id', access: 'people.manage', ok: 200, url: (c) => `/api/people/${c.target}`, body: () => ({ display_name: '改名' }) },
  {
    route: 'PUT /api/people/:id/grants',
    access: 'people.manage',
    ok: 200,
    url: (c) => `/api/people/${c.target}/grants`,
    body: () => ({ grants: [{ role: 'auditor', firm_id: null }] }),
  },
  { route: 'POST /api/people/:id/unlock', access: 'people.manage', ok: 200, url: (c) => `/api/people/${c.target}/unlock` },
  { route: 'POST /api/people/:id/reset-factors', access: 'people.manage', ok: 200, url: (c) => `/api/people/${c.target}/reset-factors` },
  { route: 'GET /api/me/passkeys', access: 'signedIn', ok: 200 },
  { route: 'POST /api/me/passkeys/options', access: 'signedIn', ok: 200 },
  {
    route: 'POST /api/me/passkeys',
    access: 'signedIn',
    ok: 401,
    body: () => ({ response: { id: 'x', rawId: 'x', type: 'public-key', response: {}, clientExtensionResults: {} } }),
  },
  { route: 'DELETE /api/me/passkeys/:id', access: 'signedIn', ok: 404, url: () => '/api/me/passkeys/no-such-passkey' },
  // Enrolment serves a session waiting for it (the service checks the stage; replacing a TOTP needs a
  // fresh factor, which these sessions have). Signed out: 401 before the CSRF token, as everywhere.
  { route: 'POST /api/me/totp/enrol', access: 'anySession', ok: 200 },
  { route: 'POST /api/me/totp/confirm', access: 'anySession', ok: 401, body: () => ({ code: '000000' }) },
  { route: 'POST /api/me/password', access: 'signedIn', ok: 401, body: () => ({ current_password: 'not my password', new_password: `${PASSWORD}-2` }) },
  // Signed out there is nothing to end: 204 all the same (sign-out is idempotent), not 401 nor 403.
  { route: 'POST /api/auth/logout', access: 'public', ok: 204, signedOut: 204 },
];

function expected(r: PeopleRoute, role: Role | null): number {
  if (r.access === 'public') return role === null ? (r.signedOut ?? r.ok) : r.ok;
  if (role === null) return 401;
  if (r.access === 'signedIn' || r.access === 'anySession') return r.ok;
  return roleMay(role, r.access) ? r.ok : 403;
}

/** The pattern of an inspection-table route from its name (`…/` is the run or item it works on). */
function patternOf(name: string): string {
  const [method, rest] = name.replace(/ \(.*\)$/, '').split(' ') as [string, string];
  const url = rest
    .replace(/\?.*$/, '')
    .replace(/^…\/runs\//, '/api/firms/:firm/runs/')
    .replace(/^…\/items\//, '/api/firms/:firm/runs/:period/items/')
    .replace(/^…\//, '/api/firms/:firm/runs/:period/');
  return `${method} ${url}`;
}

describe('the route tables', () => {
  it('name the pattern of each inspection route', () => {
    expect(patternOf('POST …/items/:path/approve')).toBe('POST /api/firms/:firm/runs/:period/items/:path/approve');
    expect(patternOf('GET /api/audit?firm=')).toBe('GET /api/audit');
    expect(patternOf('GET /api/jobs/:id (not one of yours)')).toBe('GET /api/jobs/:id');
    expect(patternOf('GET …/report.pdf')).toBe('GET /api/firms/:firm/runs/:period/report.pdf');
  });
});

describe.each(DIALECTS)('people and sign-in routes × role × expected status (%s)', (dialect) => {
  let tmp: ReturnType<typeof tempDir>;
  let drop: () => Promise<void>;
  let s: InspectionService;
  let app: FastifyInstance;
  const clock = new TestClock();
  const browsers = new Map<Role, Browser>();
  let target = '';
  const bodies: { name: string; body: string; type: string }[] = [];

  const call = async (b: Browser | null, method: string, url: string, payload?: Record<string, unknown>) => {
    const headers: Record<string, string> = { host: 'ccheck.example.tw', 'accept-language': 'en' };
    if (b?.csrf && method !== 'GET') headers['x-csrf-token'] = b.csrf;
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      cookies: b?.cookies ?? {},
      remoteAddress: '10.2.2.2',
      ...(payload === undefined ? {} : { payload }),
    });
    if (b) for (const c of res.cookies as { name: string; value: string }[]) b.cookies[c.name] = c.value;
    const json = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
    if (b && typeof json.csrf_token === 'string') b.csrf = json.csrf_token;
    return { res, json };
  };
  const code = (b: Browser) => OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(b.secret!), timestamp: clock.ms() });

  /** Signs a person in through the API (password, TOTP enrolment) and returns their browser. */
  async function signIn(username: string): Promise<Browser> {
    const b: Browser = { cookies: {}, csrf: null, secret: null };
    expect((await call(b, 'POST', '/api/auth/login', { username, password: PASSWORD })).json.stage).toBe('enrol_totp');
    const enrol = await call(b, 'POST', '/api/me/totp/enrol');
    b.secret = new URL(enrol.json.otpauth_url as string).searchParams.get('secret');
    expect((await call(b, 'POST', '/api/me/totp/confirm', { code: code(b) })).res.statusCode).toBe(200);
    expect((await call(b, 'GET', '/api/auth/session')).res.statusCode).toBe(200);
    return b;
  }

  beforeAll(async () => {
    tmp = tempDir();
    const store = await freshStore(dialect, tmp.dir);
    drop = store.drop;
    const env: NodeJS.ProcessEnv = {
      ...store.env,
      CCHECK_VAULT_KEY: Buffer.alloc(32, 9).toString('base64'),
      CCHECK_SIGNIN_RATE_LIMIT: '1000',
      CCHECK_LOGIN_ADDRESS_MAX_FAILURES: '1000',
    };
    s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
    const firm = await s.addFirm('setup', internetTier1());
    const people = new PeopleService(s, env);
    app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: cookieSessionPort(people), people });
    await app.ready();
    const token = people.issueSetupToken();
    const first = await call(null, 'POST', '/api/setup/admin', { setup_token: token, username: 'admin.chen', display_name: '管理者', password: PASSWORD });
    expect(first.res.statusCode).toBe(201);
    const admin = await signIn('admin.chen');
    browsers.set('admin', admin);
    for (const role of SIGNED_ROLES.filter((r) => r !== 'admin')) {
      const created = await call(admin, 'POST', '/api/people', { username: `${role}.lin`, display_name: role, password: PASSWORD });
      const id = (created.json.account as { id: string }).id;
      expect((await call(admin, 'PUT', `/api/people/${id}/grants`, { grants: [{ role, firm_id: firm.id }] })).res.statusCode).toBe(200);
      browsers.set(role, await signIn(`${role}.lin`));
    }
    const t = await call(admin, 'POST', '/api/people', { username: 'target.wu', display_name: '吳', password: PASSWORD });
    target = (t.json.account as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await s?.close();
    await drop?.();
    tmp?.cleanup();
  });

  // 401 → 403 → 400 here too: a body that is not even JSON, on every changing route that needs a
  // session, is judged only for someone allowed to send it (nothing reaches a handler). Before the
  // cells below: they end with signing everyone out.
  it('judges no body before the session and the right on the changing people and /api/me routes', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const r of PEOPLE_ROUTES.filter((x) => x.access !== 'public' && !x.route.startsWith('GET ')))
      for (const role of [null, ...SIGNED_ROLES]) {
        const refused = expected(r, role);
        const want = role !== null && refused === r.ok ? 400 : refused;
        const [method, pattern] = r.route.split(' ') as [string, string];
        const b = role ? browsers.get(role)! : null;
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(b?.csrf ? { 'x-csrf-token': b.csrf } : {}) };
        const res = await app.inject({
          method: method as 'POST',
          url: r.url?.({ n: 0, target, code: '', who: '' }) ?? pattern,
          headers,
          cookies: b?.cookies ?? {},
          remoteAddress: '10.3.3.3',
          payload: '{"code": ',
        });
        checked += 1;
        bodies.push({ name: `${r.route} (broken body)`, body: res.body, type: String(res.headers['content-type'] ?? '') });
        const code = res.json<{ code: string }>().code;
        const wantCode = want === 400 ? 'REQUEST_INVALID' : want === 401 ? 'AUTH_REQUIRED' : 'FORBIDDEN';
        if (res.statusCode !== want || code !== wantCode)
          wrong.push(`${r.route} as ${role ?? 'signed out'}: ${res.statusCode} ${code} (want ${want} ${wantCode})`);
      }
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it('answers every cell as the role table says', async () => {
    // The sign-in codes were used: the re-authentication cells take the next step's code.
    clock.advance(0.5);
    const allowed = new Map<string, number>();
    const wrong: string[] = [];
    for (const r of PEOPLE_ROUTES)
      for (const role of [null, ...SIGNED_ROLES]) {
        const want = expected(r, role);
        const n = allowed.get(r.route) ?? 0;
        const b = role ? browsers.get(role)! : null;
        const ctx: Ctx = { n, target, code: b ? code(b) : '000000', who: role ?? 'out' };
        const [method, pattern] = r.route.split(' ') as [string, string];
        const body = r.body?.(ctx);
        const { res, json } = await call(b, method, r.url?.(ctx) ?? pattern, body);
        if (want === r.ok && role !== null) allowed.set(r.route, n + 1);
        bodies.push({ name: r.route, body: res.body, type: String(res.headers['content-type'] ?? '') });
        if (res.statusCode !== want) wrong.push(`${r.route} as ${role ?? 'signed out'}: ${res.statusCode} (want ${want}) ${res.body.slice(0, 160)}`);
        else if (want === 403 && r.access !== 'public' && json.code !== 'FORBIDDEN') wrong.push(`${r.route} as ${role}: ${String(json.code)}, want FORBIDDEN`);
        else if (want === 403 && r.access === 'public' && json.code !== 'CSRF_INVALID')
          wrong.push(`${r.route} signed out: ${String(json.code)}, want CSRF_INVALID`);
        else if (role === null && want === 401 && r.access !== 'public' && json.code !== 'AUTH_REQUIRED')
          wrong.push(`${r.route} as ${role}: ${String(json.code)}, want AUTH_REQUIRED`);
      }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('no response body of the table carries a stack trace, SQL or a server path', () => {
    expect(bodies.length).toBeGreaterThan(PEOPLE_ROUTES.length);
    for (const b of bodies) expectNoInternals(b.name, b.body, b.type, tmp.dir);
  });

  it('lists every API route the app serves (a new route without a row in a table fails here)', () => {
    const tabled = new Set([...PEOPLE_ROUTES.map((r) => r.route), ...ROUTES.map((r) => patternOf(r.name))]);
    const served = apiRoutesOf(app);
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((r) => !tabled.has(r))).toEqual([]);
    // And the tables name only routes the app serves.
    expect([...tabled].filter((r) => !served.includes(r))).toEqual([]);
  });
});
