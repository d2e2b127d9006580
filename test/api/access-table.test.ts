import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import { ROLES, roleMay, type Role } from '../../src/core/people/roles.js';
import { DIALECTS } from '../helpers/databases.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, type ApiStore } from '../helpers/api-app.js';
import { ROUTES, TO_APPROVE, TO_REJECT, type Route } from './access-routes.js';
import { expectNoInternals, multipart } from './api-test-kit.js';

/**
 * Every route × every role × where the grant is (the firm in the path, every firm, only another
 * firm) × signed out: the expected status follows from the route's action and the role table in
 * src/core/people/roles.ts, never from a second list kept by hand. Each cell is one request.
 */
type Scope = 'firm' | 'all' | 'other';
const SCOPES: readonly Scope[] = ['firm', 'all', 'other'];

/** What the role table says a cell answers. */
function expected(route: Route, role: Role | null, scope: Scope): number {
  if (route.action === 'public') return route.ok;
  if (role === null) return 401;
  if (route.action === 'signedIn') return route.ok;
  // A firm the actor holds no grant for answers like one that does not exist, whatever the role.
  if (route.firm === 'path' && scope === 'other') return 404;
  if (!roleMay(role, route.action)) return 403;
  if (route.firm === 'query' && scope === 'other') return 404;
  if (route.allFirms && scope !== 'all') return 403;
  return route.ok;
}

/** The code a refused cell must carry. */
function refusal(route: Route, want: number): string | null {
  if (want === route.ok) return null;
  return want === 401 ? 'AUTH_REQUIRED' : want === 403 ? 'FORBIDDEN' : want === 404 ? 'FIRM_NOT_FOUND' : null;
}

const actorName = (role: Role, scope: Scope) => `${role}@${scope}`;

describe('the route table itself', () => {
  it('has a cell granted and a cell refused for every route that needs a session, so both sides are exercised', () => {
    for (const route of ROUTES.filter((r) => r.action !== 'public')) {
      const statuses = ROLES.flatMap((role) => SCOPES.map((scope) => expected(route, role, scope)));
      expect(statuses, route.name).toContain(route.ok);
      expect(
        [...statuses, expected(route, null, 'firm')].some((s) => s === 401 || s === 403 || s === 404),
        route.name,
      ).toBe(true);
    }
  });

  it('reads the expectation from the role table: an auditor may read but never record, a supervisor approve but never record', () => {
    const put = ROUTES.find((r) => r.name === 'PUT …/items/:path/result')!;
    const approve = ROUTES.find((r) => r.name === 'POST …/items/:path/approve')!;
    expect(expected(put, 'auditor', 'firm')).toBe(403);
    expect(expected(put, 'officer', 'firm')).toBe(200);
    expect(expected(approve, 'supervisor', 'firm')).toBe(200);
    expect(expected(approve, 'officer', 'firm')).toBe(403);
    expect(expected(approve, 'supervisor', 'other')).toBe(404);
  });
});

describe.each(DIALECTS)('route × role × expected status (%s)', (dialect) => {
  let st: ApiStore;
  let sha = '';
  let findingId = '';
  const bodies: { name: string; body: string; type: string }[] = [];

  beforeAll(async () => {
    st = await apiStore(dialect, (firmId, otherFirmId) => {
      const actors: Record<string, Actor> = {};
      for (const role of ROLES)
        for (const scope of SCOPES)
          actors[actorName(role, scope)] = account(`${role}-${scope}`, `${role} ${scope}`, [
            grant(role, scope === 'firm' ? firmId : scope === 'all' ? null : otherFirmId),
          ]);
      return actors;
    });
    // The run the cells work on, items recorded by an officer (so a supervisor may review them), a finding, one evidence file.
    const officer = 'setup-officer [account setup-officer]';
    await st.s.startRun(officer, API_LICENCE, '2026-11');
    for (const p of [...TO_APPROVE, ...TO_REJECT])
      await st.s.setResult(
        officer,
        { firm: API_LICENCE, period: '2026-11', path: p },
        { status: 'pass', justification: '已檢視防火牆規則匯出檔', source: 'attestation', expiresOn: '2027-05-31' },
      );
    const failed = await st.s.setResult(
      officer,
      { firm: API_LICENCE, period: '2026-11', path: '7/(1)/c/(a)' },
      { status: 'fail', justification: '尚未完成複核作業', source: 'attestation', expiresOn: '2027-05-31' },
    );
    findingId = failed.finding!.id;
    const up = await st.app.inject(
      multipart(
        'POST',
        `/api/firms/${st.firmId}/evidence`,
        { collected_at: '2026-11-20' },
        [{ name: 'file', filename: 'ntpq.txt', body: 'remote refid st\n' }],
        {
          [ACTOR_HEADER]: actorName('officer', 'firm'),
        },
      ),
    );
    expect(up.statusCode).toBe(201);
    sha = up.json<{ sha256: string }>().sha256;
  }, 120_000);

  afterAll(async () => {
    await st?.close();
  });

  const cells: { route: Route; role: Role | null; scope: Scope }[] = ROUTES.flatMap((route) => [
    { route, role: null, scope: 'firm' as const },
    ...ROLES.flatMap((role) => SCOPES.map((scope) => ({ route, role, scope }))),
  ]);

  it(`answers every one of the ${cells.length} cells as the role table says`, async () => {
    const allowedSoFar = new Map<string, number>();
    const wrong: string[] = [];
    for (const { route, role, scope } of cells) {
      const want = expected(route, role, scope);
      const n = want === route.ok && role !== null ? (allowedSoFar.get(route.name) ?? 0) : 0;
      const sent = route.send({ st, n, sha, findingId });
      const headers = { ...(sent.headers ?? {}), ...(role ? { [ACTOR_HEADER]: actorName(role, scope) } : {}) };
      const res = await st.app.inject({ ...sent, headers });
      if (want === route.ok && role !== null) allowedSoFar.set(route.name, n + 1);
      // A job started by a cell ends before the next cell: its writes must not race the reads of
      // later cells (a report verifies the chain; issue 10 moves that read into one snapshot).
      if (res.statusCode === 202) {
        const id = res.json<{ job_id: string }>().job_id;
        for (;;) {
          const { state } = (await st.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers })).json<{ state: string }>();
          if (state === 'done' || state === 'failed') break;
          // inject answers through promises alone: give the job's own callbacks (setImmediate, the worker) a turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      bodies.push({ name: route.name, body: res.body, type: String(res.headers['content-type'] ?? '') });
      if (res.statusCode !== want) wrong.push(`${route.name} as ${role ?? 'signed out'}@${scope}: ${res.statusCode} (want ${want}) ${res.body.slice(0, 200)}`);
      else if (want >= 400) {
        const code = res.json<{ code: string }>().code;
        const denied = refusal(route, want);
        if (denied && code !== denied) wrong.push(`${route.name} as ${role}@${scope}: code ${code}, want ${denied}`);
        if (!denied && ['AUTH_REQUIRED', 'FORBIDDEN', 'FIRM_NOT_FOUND', 'FACTOR_NOT_FRESH'].includes(code))
          wrong.push(`${route.name} as ${role}@${scope}: access refused (${code}) where the role table allows it`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  // 401 → 403/404 → 400: a body is judged only for someone allowed to send it. Every changing
  // route gets a body that is not even JSON; a cell the table refuses is refused as before, and
  // only an allowed cell learns that the body is bad. Nothing reaches a handler, so nothing changes.
  it('judges no body before the session and the right: every cell of the changing routes with a broken body', async () => {
    const changing = cells.filter(({ route }) => route.action !== 'public' && route.send({ st, n: 0, sha, findingId }).method !== 'GET');
    expect(changing.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const { route, role, scope } of changing) {
      const refused = expected(route, role, scope);
      const want = refused === route.ok || (route.action === 'signedIn' && role !== null) ? 400 : refused;
      const sent = route.send({ st, n: 0, sha, findingId });
      const headers = { 'content-type': 'application/json', ...(role ? { [ACTOR_HEADER]: actorName(role, scope) } : {}) };
      const res = await st.app.inject({ method: sent.method, url: sent.url, headers, payload: '{"status": "pass", ' });
      bodies.push({ name: `${route.name} (broken body)`, body: res.body, type: String(res.headers['content-type'] ?? '') });
      const code = res.json<{ code: string }>().code;
      const wantCode = want === 400 ? 'REQUEST_INVALID' : refusal(route, want);
      if (res.statusCode !== want || code !== wantCode)
        wrong.push(`${route.name} as ${role ?? 'signed out'}@${scope}: ${res.statusCode} ${code} (want ${want} ${wantCode})`);
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  // CSRF on every changing route, the multipart ones included: someone allowed to call it, with
  // the session but a forged token, is refused before the body is read (nothing changes).
  it('refuses every changing route with a forged CSRF token, for a caller the role table allows', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of ROUTES) {
      const sent = route.send({ st, n: 0, sha, findingId });
      if (sent.method === 'GET' || route.action === 'public') continue;
      const cell = cells.find((c) => c.route === route && c.role !== null && expected(route, c.role, c.scope) === route.ok)!;
      const headers = { ...(sent.headers ?? {}), [ACTOR_HEADER]: actorName(cell.role!, cell.scope), 'x-csrf-token': 'forged' };
      const res = await st.app.inject({ ...sent, headers });
      checked += 1;
      if (res.statusCode !== 403 || res.json<{ code: string }>().code !== 'CSRF_INVALID')
        wrong.push(`${route.name}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(checked).toBeGreaterThanOrEqual(14);
    expect(wrong).toEqual([]);
  });

  it('no response body of the table carries a stack trace, SQL or a server path', () => {
    expect(bodies.length).toBeGreaterThan(ROUTES.length);
    for (const b of bodies) expectNoInternals(b.name, b.body, b.type, st.home);
  });
});
