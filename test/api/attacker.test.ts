import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { cookieSessionPort, SESSION_COOKIE } from '../../src/api/session-port.js';
import { InspectionService } from '../../src/services/inspection-service.js';
import { PeopleService } from '../../src/services/people-service.js';
import { DIALECTS, freshStore } from '../helpers/databases.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, TestClock, type ApiStore } from '../helpers/api-app.js';
import { tempDir } from '../helpers/shared.js';
import { expectNoInternals, multipart, type Sent } from './api-test-kit.js';

/** The API as an attacker sees it: each hole looked for has a test that fails if it opens. */
const enc = encodeURIComponent;
const F = `/api/firms/${enc(API_LICENCE)}`;

describe.each(DIALECTS)('the API against hostile requests (%s)', (dialect) => {
  let st: ApiStore;
  const as = (who: string | null, sent: Sent) => st.app.inject({ ...sent, headers: { ...(sent.headers ?? {}), ...(who ? { [ACTOR_HEADER]: who } : {}) } });

  beforeAll(async () => {
    st = await apiStore(dialect, (firmId) => ({
      officer: account('acc-officer', '王小明', [grant('officer', firmId)]),
      auditor: account('acc-auditor', '李稽核', [grant('auditor', null)]),
    }));
    expect((await as('officer', { method: 'POST', url: `${F}/runs`, payload: { period: '2026-11' } })).statusCode).toBe(201);
  }, 120_000);
  afterAll(() => st.close());

  it('answers every API response, refusals included, with Cache-Control: no-store', async () => {
    const up = await as('officer', multipart('POST', `${F}/evidence`, { collected_at: '2026-11-20' }, [{ name: 'file', filename: 'a.txt', body: 'cache\n' }]));
    const sha = up.json<{ sha256: string }>().sha256;
    for (const [who, url] of [
      ['auditor', `${F}`],
      ['auditor', `${F}/runs/2026-11`],
      ['auditor', `${F}/evidence`],
      ['auditor', `${F}/evidence/${sha}`],
      ['auditor', `${F}/runs/2026-11/report.html`],
      ['auditor', '/api/auth/session'],
      ['officer', '/api/audit'],
      [null, `${F}/runs/2026-11`],
      ['auditor', '/api/no-such-route'],
    ] as const) {
      const res = await as(who, { method: 'GET', url });
      expect(res.headers['cache-control'], `${url} as ${who}: ${res.statusCode}`).toBe('no-store');
    }
  });

  it('stores a hostile upload name as its last part without control characters, and returns it escaped in Content-Disposition', async () => {
    const longName = `${'字'.repeat(100)}.txt`; // 300 bytes of 字 and an extension
    const cases: [sent: string, stored: string][] = [
      ['../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\win.ini', 'win.ini'],
      ['bell\u0007tab\there.txt', 'belltabhere.txt'],
      ['report\u202Etxt.exe', 'reporttxt.exe'],
      ["it's; filename=evil.sh", "it's; filename=evil.sh"],
      [longName, longName],
    ];
    for (const [i, [sent, stored]] of cases.entries()) {
      const up = await as(
        'officer',
        multipart('POST', `${F}/evidence`, { collected_at: '2026-11-20' }, [{ name: 'file', filename: sent, body: `hostile ${i}\n` }]),
      );
      expect(up.statusCode, sent).toBe(201);
      expect(up.json<{ name: string }>().name, sent).toBe(stored);
      const got = await as('auditor', { method: 'GET', url: `${F}/evidence/${up.json<{ sha256: string }>().sha256}` });
      expect(got.body).toBe(`hostile ${i}\n`);
      const cd = String(got.headers['content-disposition']);
      // One header line, a quoted ASCII fallback with nothing that ends the quote or the parameter, and the exact name in filename*.
      expect(cd).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
      const m = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9%!'()*._~-]+)$/.exec(cd);
      expect(m, cd).not.toBeNull();
      expect(m![1]).not.toMatch(/[\\/]/);
      expect(decodeURIComponent(m![2]!)).toBe(stored);
    }
  });

  it('refuses JSON bodies with __proto__ or constructor.prototype keys (400), and nothing is polluted', async () => {
    const url = `${F}/runs/2026-11/items/${enc('7/(1)/a/(a)')}/result`;
    for (const payload of [
      '{"status":"pass","note":"已檢視設備清冊","expires_on":"2027-05-31","__proto__":{"polluted":"yes"}}',
      '{"status":"pass","note":"已檢視設備清冊","expires_on":"2027-05-31","constructor":{"prototype":{"polluted":"yes"}}}',
    ]) {
      const res = await as('officer', { method: 'PUT', url, payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('REQUEST_INVALID');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    const run = await as('auditor', { method: 'GET', url: `${F}/runs/2026-11` });
    expect(
      run.json<{ items: { path: string; result: { recorded_by: string | null } }[] }>().items.find((i) => i.path === '7/(1)/a/(a)')!.result.recorded_by,
    ).toBeNull();
  });

  it('refuses a JSON body over 1 MiB with 413 INPUT_TOO_LARGE, and a signed-out one with 401 before reading it', async () => {
    const huge = JSON.stringify({ status: 'pass', note: 'x'.repeat(1024 * 1024 + 10), expires_on: '2027-05-31' });
    const url = `${F}/runs/2026-11/items/${enc('7/(1)/a/(b)')}/result`;
    const res = await as('officer', { method: 'PUT', url, payload: huge, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 'INPUT_TOO_LARGE', message: expect.stringContaining('1 MiB') as string });
    const out = await as(null, { method: 'PUT', url, payload: huge, headers: { 'content-type': 'application/json' } });
    expect(out.statusCode).toBe(401);
    expectNoInternals('huge body', res.body, 'application/json', st.home);
  });

  it('refuses a query parameter a route does not name (a misspelt firm must not widen the answer), after the access check', async () => {
    const ok = await as('auditor', { method: 'GET', url: `/api/audit?firm=${enc(API_LICENCE)}&limit=5` });
    expect(ok.statusCode).toBe(200);
    for (const url of [`/api/audit?frim=${enc(API_LICENCE)}&limit=5`, `${F}/findings?stauts=open`, `${F}/runs/2026-11?revison=1`]) {
      const res = await as('auditor', { method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('REQUEST_INVALID');
      expect(res.json<{ location: { field: string } }>().location.field, url).toMatch(/^(frim|stauts|revison)$/);
      expect((await as(null, { method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('refuses a body field a route does not take, by name and in both languages, instead of dropping it; after the access check', async () => {
    const url = `${F}/runs/2026-11/items/${enc('7/(1)/a/(c)')}/result`;
    const payload = { status: 'not_applicable', justifcation: '本公司無此類設備', expires_on: null };
    const zh = await as('officer', { method: 'PUT', url, payload });
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toEqual({ code: 'REQUEST_INVALID', message: '此請求不接受欄位「justifcation」（是否拼錯？）。', location: { field: 'justifcation' } });
    const en = await as('officer', { method: 'PUT', url, payload, headers: { 'accept-language': 'en' } });
    expect(en.json<{ message: string }>().message).toBe('this request takes no field "justifcation" (misspelt?).');
    expect((await as('auditor', { method: 'PUT', url, payload })).statusCode).toBe(403);
    expect((await as(null, { method: 'PUT', url, payload })).statusCode).toBe(401);
    const run = await as('auditor', { method: 'GET', url: `${F}/runs/2026-11` });
    expect(
      run.json<{ items: { path: string; result: { recorded_by: string | null } }[] }>().items.find((i) => i.path === '7/(1)/a/(c)')!.result.recorded_by,
    ).toBeNull();
    // The analyze route reads its JSON (or multipart) form itself: the same refusal.
    const analyze = await as('officer', {
      method: 'POST',
      url: `${F}/runs/2026-11/analyze`,
      payload: { analyzer: 'device-lifecycle', evidence: ['0'.repeat(64)], option: { warn_days: 90 } },
    });
    expect(analyze.statusCode).toBe(400);
    expect(analyze.json()).toMatchObject({ code: 'REQUEST_INVALID', location: { field: 'option' } });
    const multi = await as(
      'officer',
      multipart('POST', `${F}/runs/2026-11/analyze`, { analyzer: 'device-lifecycle', colected_at: '2026-11-20' }, [
        { name: 'file', filename: 'd.csv', body: 'x\n' },
      ]),
    );
    expect(multi.json()).toMatchObject({ code: 'REQUEST_INVALID', location: { field: 'colected_at' } });
  });
});

describe.each(DIALECTS)('sessions against fixation and replay (%s)', (dialect) => {
  let tmp: ReturnType<typeof tempDir>;
  let drop: () => Promise<void>;
  let s: InspectionService;
  let app: FastifyInstance;
  let people: PeopleService;
  const clock = new TestClock();
  const PASSWORD = 'violet-kettle-orbit-42';

  beforeAll(async () => {
    tmp = tempDir();
    const store = await freshStore(dialect, tmp.dir);
    drop = store.drop;
    const env: NodeJS.ProcessEnv = { ...store.env, CCHECK_VAULT_KEY: Buffer.alloc(32, 9).toString('base64'), CCHECK_SIGNIN_RATE_LIMIT: '1000' };
    s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
    people = new PeopleService(s, env);
    app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: cookieSessionPort(people), people });
    const token = people.issueSetupToken();
    await app.inject({
      method: 'POST',
      url: '/api/setup/admin',
      payload: { setup_token: token, username: 'admin.chen', display_name: '管理者', password: PASSWORD },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await s?.close();
    await drop?.();
    tmp?.cleanup();
  });

  const sessionCookie = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
  const sessionWith = (token: string) => app.inject({ method: 'GET', url: '/api/auth/session', cookies: { [SESSION_COOKIE]: token } });

  it('gives a new session id at every step up (sign-in, re-authentication) and ends the old one; sign-out ends it on the server', async () => {
    // A fixated cookie (one the attacker planted) is not adopted: sign-in ignores it and issues its own.
    const planted = 'planted-by-an-attacker';
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      cookies: { [SESSION_COOKIE]: planted },
      payload: { username: 'admin.chen', password: PASSWORD },
    });
    const pending = sessionCookie(login)!;
    expect(pending).toBeDefined();
    expect(pending).not.toBe(planted);
    const csrfCookie = login.cookies.find((c) => c.name === 'ccheck_csrf')!.value;
    const csrf = login.json<{ csrf_token: string }>().csrf_token;
    const post = (url: string, token: string, payload?: object) =>
      app.inject({
        method: 'POST',
        url,
        cookies: { [SESSION_COOKIE]: token, ccheck_csrf: csrfCookie },
        headers: { 'x-csrf-token': csrf },
        ...(payload ? { payload } : {}),
      });
    const enrol = await post('/api/me/totp/enrol', pending);
    const secret = new URL(enrol.json<{ otpauth_url: string }>().otpauth_url).searchParams.get('secret')!;
    const code = () => {
      clock.advance(0.5);
      return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: clock.ms() });
    };
    const confirm = await post('/api/me/totp/confirm', pending, { code: code() });
    const signedIn = sessionCookie(confirm)!;
    expect(signedIn).toBeDefined();
    expect(signedIn).not.toBe(pending);
    expect((await sessionWith(pending)).statusCode).toBe(401);
    expect((await sessionWith(signedIn)).statusCode).toBe(200);

    const reauth = await post('/api/auth/reauth', signedIn, { code: code() });
    expect(reauth.statusCode).toBe(200);
    const stepped = sessionCookie(reauth)!;
    expect(stepped).toBeDefined();
    expect(stepped).not.toBe(signedIn);
    expect((await sessionWith(signedIn)).statusCode).toBe(401);
    const now = await sessionWith(stepped);
    expect(now.json<{ factor_at: string }>().factor_at).toBe(clock.now());
    // The page's CSRF token still works with the new session id.
    expect((await post('/api/me/passkeys/options', stepped)).statusCode).toBe(200);

    expect((await post('/api/auth/logout', stepped)).statusCode).toBe(204);
    // A copy of the cookie kept by anyone is dead on the server, not only forgotten by the browser.
    const replay = await sessionWith(stepped);
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ code: string }>().code).toBe('AUTH_REQUIRED');
  });
});
