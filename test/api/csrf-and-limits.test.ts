import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { cookieSessionPort } from '../../src/api/session-port.js';
import type { Actor } from '../../src/core/people/actor.js';
import { InspectionService, type Clock } from '../../src/services/inspection-service.js';
import { PeopleService } from '../../src/services/people-service.js';
import { tempDir } from '../helpers/shared.js';

const clock: Clock = { now: () => '2026-11-30T01:00:00.000Z', today: () => '2026-11-30' };
const officer: Actor = {
  kind: 'account',
  id: 'acc-1',
  name: '王',
  grants: [{ role: 'officer', firmId: null }],
  method: 'password+totp',
  factorAt: clock.now(),
};

describe('CSRF for every changing route, and the sign-in rate limit', () => {
  let tmp: ReturnType<typeof tempDir>;
  let s: InspectionService;
  beforeEach(async () => {
    tmp = tempDir();
    const env = { CCHECK_HOME: tmp.dir, DATABASE_URL: `${tmp.dir}/ccheck.db`, CCHECK_VAULT_KEY: Buffer.alloc(32, 3).toString('base64') };
    s = await InspectionService.connect(tmp.dir, env, clock, { create: true });
    await s.init();
  });
  afterEach(async () => {
    await s.close();
    tmp.cleanup();
  });

  it('covers routes other streams add after buildApp, with any SessionPort: the token comes from GET /api/auth/session', async () => {
    // Route tests of other resources bring their own SessionPort and no PeopleService.
    const app = await buildApp({ inspections: s, home: tmp.dir, env: {}, clock, sessions: { actorOf: () => Promise.resolve(officer) } });
    app.post('/api/things', { config: { access: { signedIn: true } } }, () => ({ done: true }));
    app.get('/api/things/read', { config: { access: { signedIn: true } } }, () => ({ read: true }));
    const refused = await app.inject({ method: 'POST', url: '/api/things', payload: {} });
    expect(refused.statusCode).toBe(403);
    // zh-TW first (the error table); English when asked.
    expect(refused.json()).toEqual({
      code: 'CSRF_INVALID',
      message: '請求缺少有效的跨站請求偽造（CSRF）權杖，請重新整理頁面後再試。',
    });
    // Reads need no token.
    expect((await app.inject({ method: 'GET', url: '/api/things/read' })).statusCode).toBe(200);
    const sessionRes = await app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(sessionRes.statusCode).toBe(200);
    const body = sessionRes.json<{ csrf_token: string; account: { id: string }; factor_at: string }>();
    expect(body.account.id).toBe('acc-1');
    expect(body.factor_at).toBe(clock.now());
    const secret = sessionRes.cookies.find((c) => c.name === 'ccheck_csrf')!;
    expect(secret).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const cookies = { ccheck_csrf: secret.value };
    const ok = await app.inject({ method: 'POST', url: '/api/things', payload: {}, cookies, headers: { 'x-csrf-token': body.csrf_token } });
    expect(ok.json()).toEqual({ done: true });
    // A token without its secret cookie (another browser), or the cookie with a made-up token, fails.
    expect((await app.inject({ method: 'POST', url: '/api/things', payload: {}, headers: { 'x-csrf-token': body.csrf_token } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/things', payload: {}, cookies, headers: { 'x-csrf-token': 'x' } })).statusCode).toBe(403);
    await app.close();
  });

  it('rate-limits the sign-in routes per address with RATE_LIMITED (429), and the session cookie is HttpOnly and SameSite=Strict', async () => {
    const env: NodeJS.ProcessEnv = { CCHECK_VAULT_KEY: Buffer.alloc(32, 3).toString('base64'), CCHECK_SIGNIN_RATE_LIMIT: '3' };
    const people = new PeopleService(s, env);
    const app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: cookieSessionPort(people), people });
    const token = people.issueSetupToken();
    await app.inject({
      method: 'POST',
      url: '/api/setup/admin',
      payload: { setup_token: token, username: 'root', display_name: 'Root', password: 'correct horse battery staple' },
    });
    const login = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.1',
        payload: { username: 'root', password: 'correct horse battery staple' },
      });
    const first = await login();
    expect(first.json()).toMatchObject({ stage: 'enrol_totp' });
    expect(first.cookies.find((c) => c.name === 'ccheck_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Plain HTTP: not Secure (over https it is).
    expect(first.cookies.find((c) => c.name === 'ccheck_session')!.secure).toBeFalsy();
    await login();
    await login();
    const limited = await login();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ code: 'RATE_LIMITED', message: '請求過於頻繁，請稍後再試。' });
    // Another address is not limited.
    const other = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.0.0.2',
      payload: { username: 'root', password: 'correct horse battery staple' },
    });
    expect(other.statusCode).toBe(200);
    await app.close();
  });

  it('rate-limits re-authentication per address like sign-in (a stolen session cannot guess codes at speed)', async () => {
    const env: NodeJS.ProcessEnv = { CCHECK_VAULT_KEY: Buffer.alloc(32, 3).toString('base64'), CCHECK_SIGNIN_RATE_LIMIT: '3' };
    const people = new PeopleService(s, env);
    // Signed in (the port says so); the guesses fail in the service, and the limit counts them all.
    const app = await buildApp({ inspections: s, home: tmp.dir, env, clock, sessions: { actorOf: () => Promise.resolve(officer) }, people });
    const sessionRes = await app.inject({ method: 'GET', url: '/api/auth/session' });
    const cookies = { ccheck_csrf: sessionRes.cookies.find((c) => c.name === 'ccheck_csrf')!.value };
    const headers = { 'x-csrf-token': sessionRes.json<{ csrf_token: string }>().csrf_token };
    const guess = (remoteAddress: string) =>
      app.inject({ method: 'POST', url: '/api/auth/reauth', remoteAddress, cookies, headers, payload: { code: '123456' } });
    for (let i = 0; i < 3; i++) expect((await guess('10.0.0.9')).statusCode).not.toBe(429);
    const limited = await guess('10.0.0.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ code: string }>().code).toBe('RATE_LIMITED');
    expect((await guess('10.0.0.8')).statusCode).not.toBe(429);
    await app.close();
  });
});
