import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CoreError } from '../core/errors.js';
import type { InspectionService } from '../services/inspection-service.js';
import { buildApp } from './app.js';
import { errorLangOf } from './errors.js';

describe('error bodies from the one error table (issue 10, item 4)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({
      inspections: {} as InspectionService,
      home: '/nonexistent',
      env: {},
      clock: { now: () => '2026-11-30T00:00:00.000Z', today: () => '2026-11-30' },
      sessions: { actorOf: () => Promise.resolve(null) },
      logger: false,
    });
    app.get('/api/test/missing-firm', { config: { access: { public: true } } }, () => {
      throw new CoreError('FIRM_NOT_FOUND', 'no firm "A1" in /var/lib/ccheck/db', { ref: 'A1' }, { file: '/srv/uploads/tmp/firms.csv', row: 3 });
    });
    app.get('/api/test/output', { config: { access: { public: true } } }, () => {
      throw new CoreError('OUTPUT_EXISTS', '/srv/ccheck/out/report.html already exists; add --force', { file: '/srv/ccheck/out/report.html' });
    });
    app.get('/api/test/signed-in', { config: { access: { signedIn: true } } }, () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers in zh-TW by default, with the status and message of the table', async () => {
    const r = await app.inject({ url: '/api/test/missing-firm' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ code: 'FIRM_NOT_FOUND', message: '找不到證券商「A1」。', location: { file: 'firms.csv', row: 3 } });
  });

  it('answers in English with Accept-Language: en', async () => {
    const r = await app.inject({ url: '/api/test/missing-firm', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(r.json()).toMatchObject({ code: 'FIRM_NOT_FOUND', message: 'no firm "A1".' });
  });

  it("never sends the thrower's message (a path, a flag): only the table's", async () => {
    const r = await app.inject({ url: '/api/test/output', headers: { 'accept-language': 'en' } });
    expect(r.statusCode).toBe(409);
    expect(r.body).not.toContain('/srv');
    expect(r.body).not.toContain('--force');
    expect(r.json()).toEqual({ code: 'OUTPUT_EXISTS', message: 'the file already exists; it was not replaced.' });
  });

  it('renders the shell codes from the table too: no session, no route', async () => {
    const auth = await app.inject({ url: '/api/test/signed-in' });
    expect(auth.statusCode).toBe(401);
    expect(auth.json()).toEqual({ code: 'AUTH_REQUIRED', message: '請先登入（或登入已逾時）。' });
    const none = await app.inject({ url: '/api/nothing-here', headers: { 'accept-language': 'en' } });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: 'no such route.' });
  });
});

describe('errorLangOf', () => {
  it('is zh-TW unless the client prefers English', () => {
    expect(errorLangOf(undefined)).toBe('zh-TW');
    expect(errorLangOf('en')).toBe('en');
    expect(errorLangOf('zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-TW');
    expect(errorLangOf('zh-TW;q=0.5,en-GB;q=0.8')).toBe('en');
    expect(errorLangOf('fr-FR')).toBe('zh-TW');
    expect(errorLangOf('en;q=0')).toBe('zh-TW');
  });
});
