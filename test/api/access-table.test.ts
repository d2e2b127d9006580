import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import { ROLES, roleMay, type Action, type Role } from '../../src/core/people/roles.js';
import { DIALECTS } from '../helpers/databases.js';
import { internetTier1 } from '../helpers/profiles.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, type ApiStore } from '../helpers/api-app.js';
import { expectNoInternals, multipart, type Sent } from './api-test-kit.js';

/**
 * Every route × every role × where the grant is (the firm in the path, every firm, only another
 * firm) × signed out: the expected status follows from the route's action and the role table in
 * src/core/people/roles.ts, never from a second list kept by hand. Each cell is one request.
 */
type Scope = 'firm' | 'all' | 'other';
const SCOPES: readonly Scope[] = ['firm', 'all', 'other'];

interface Ctx {
  readonly st: ApiStore;
  /** How many times this route has been allowed so far: mutating routes use a fresh input each time. */
  readonly n: number;
  readonly sha: string;
  readonly findingId: string;
}

interface Route {
  readonly name: string;
  readonly action: Action | 'signedIn' | 'public';
  /** Where the route names a firm: in the path (`:firm`), in the query (`?firm=`, the audit list), or nowhere. */
  readonly firm: 'path' | 'query' | null;
  /** The whole trail spans every firm: only a grant on every firm may see it. */
  readonly allFirms?: boolean;
  /** The status when access is granted (a domain answer such as 409 still proves access passed). */
  readonly ok: number;
  readonly send: (c: Ctx) => Sent;
}

const F = (_c: Ctx) => `/api/firms/${encodeURIComponent(API_LICENCE)}`;
const item = (p: string) => encodeURIComponent(p);
/** Items of the 2026-11 run, recorded by the officer in the set-up: one each per allowed approve / reject. */
const TO_APPROVE = ['7/(1)/a/(a)', '7/(1)/a/(b)', '7/(1)/a/(c)'];
const TO_REJECT = ['7/(1)/a/(d)', '7/(1)/a/(e)', '7/(1)/a/(f)'];
const TO_RECORD = ['7/(1)/b/(a)', '7/(1)/b/(b)', '7/(1)/b/(c)', '7/(1)/b/(d)'];
const newProfile = (n: number, licence = `金管證總字第${7000 + n}號`) => {
  const p = internetTier1();
  return {
    firm: { name: `新證券${n}`, licence },
    channels: p.channels,
    tier: p.tier,
    class: p.class,
    colocation: p.colocation,
    core_systems: [],
    services: p.services,
  };
};

const ROUTES: readonly Route[] = [
  { name: 'GET /api/docs/json', action: 'public', firm: null, ok: 200, send: () => ({ method: 'GET', url: '/api/docs/json' }) },
  { name: 'GET /api/firms', action: 'firm.read', firm: null, ok: 200, send: () => ({ method: 'GET', url: '/api/firms' }) },
  {
    name: 'POST /api/firms',
    action: 'firm.create',
    firm: null,
    ok: 201,
    send: (c) => ({ method: 'POST', url: '/api/firms', payload: { profile: newProfile(c.n) } }),
  },
  { name: 'GET /api/firms/:firm', action: 'firm.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: F(c) }) },
  {
    name: 'PUT /api/firms/:firm/profile',
    action: 'firm.edit',
    firm: 'path',
    ok: 200,
    send: (c) => ({
      method: 'PUT',
      url: `${F(c)}/profile`,
      payload: { profile: { ...newProfile(c.n, API_LICENCE), firm: { name: '範例證券股份有限公司', licence: API_LICENCE } } },
    }),
  },
  {
    name: 'PUT /api/firms/:firm/retention',
    action: 'firm.edit',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'PUT', url: `${F(c)}/retention`, payload: { years: 5 + c.n } }),
  },
  {
    name: 'GET /api/firms/:firm/plan',
    action: 'firm.read',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'GET', url: `${F(c)}/plan?from=2026-10-01&to=2026-12-31` }),
  },
  {
    name: 'GET /api/firms/:firm/calendar.ics',
    action: 'firm.read',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'GET', url: `${F(c)}/calendar.ics?from=2026-11-01&to=2026-11-30` }),
  },
  { name: 'GET /api/firms/:firm/dashboard', action: 'report.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/dashboard` }) },
  { name: 'GET /api/firms/:firm/runs', action: 'firm.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/runs` }) },
  {
    name: 'POST /api/firms/:firm/runs',
    action: 'run.start',
    firm: 'path',
    ok: 201,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs`, payload: { period: `2026-0${9 - c.n}` } }),
  },
  { name: 'GET /api/firms/:firm/runs/:period', action: 'firm.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11` }) },
  {
    name: 'PUT …/items/:path/result',
    action: 'result.record',
    firm: 'path',
    ok: 200,
    send: (c) => ({
      method: 'PUT',
      url: `${F(c)}/runs/2026-11/items/${item(TO_RECORD[c.n]!)}/result`,
      payload: { status: 'pass', note: '已檢視防火牆規則匯出檔', expires_on: '2027-05-31' },
    }),
  },
  {
    name: 'POST …/items/:path/approve',
    action: 'result.approve',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/items/${item(TO_APPROVE[c.n]!)}/approve` }),
  },
  {
    name: 'POST …/items/:path/reject',
    action: 'result.reject',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/items/${item(TO_REJECT[c.n]!)}/reject`, payload: { reason: '證據日期不在本期' } }),
  },
  {
    name: 'POST /api/firms/:firm/evidence',
    action: 'evidence.upload',
    firm: 'path',
    ok: 201,
    send: (c) =>
      multipart('POST', `${F(c)}/evidence`, { collected_at: '2026-11-20' }, [{ name: 'file', filename: `note-${c.n}.txt`, body: `evidence ${c.n}\n` }]),
  },
  { name: 'GET /api/firms/:firm/evidence', action: 'evidence.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/evidence` }) },
  {
    name: 'GET /api/firms/:firm/evidence/:sha256',
    action: 'evidence.read',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'GET', url: `${F(c)}/evidence/${c.sha}` }),
  },
  {
    name: 'POST …/runs/:period/analyze',
    action: 'analysis.run',
    firm: 'path',
    ok: 202,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/analyze`, payload: { analyzer: 'clocks', evidence: [c.sha] } }),
  },
  {
    name: 'GET /api/jobs/:id (not one of yours)',
    action: 'signedIn',
    firm: null,
    ok: 404,
    send: () => ({ method: 'GET', url: '/api/jobs/00000000-0000-4000-8000-000000000000' }),
  },
  // Not every applicable item is approved: refused with its own code, after access was granted.
  { name: 'POST …/runs/:period/signoff', action: 'run.signoff', firm: 'path', ok: 409, send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/signoff` }) },
  // The run is not signed: nothing to revise.
  { name: 'POST …/runs/:period/revise', action: 'run.revise', firm: 'path', ok: 409, send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/revise` }) },
  {
    name: 'GET …/runs/:period/signatures',
    action: 'report.read',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11/signatures` }),
  },
  { name: 'GET …/report.html', action: 'report.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11/report.html` }) },
  { name: 'GET …/report.xlsx', action: 'report.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11/report.xlsx` }) },
  { name: 'GET …/report.pdf', action: 'report.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11/report.pdf` }) },
  {
    name: 'POST …/runs/:period/report-jobs',
    action: 'report.read',
    firm: 'path',
    ok: 202,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/report-jobs`, payload: { format: 'html' } }),
  },
  // Queued for any reader; the job itself fails with RUN_NOT_SIGNED (the run is not signed).
  {
    name: 'POST …/runs/:period/package-jobs',
    action: 'report.read',
    firm: 'path',
    ok: 202,
    send: (c) => ({ method: 'POST', url: `${F(c)}/runs/2026-11/package-jobs`, payload: {} }),
  },
  {
    name: 'GET /api/jobs/:id/download (not one of yours)',
    action: 'signedIn',
    firm: null,
    ok: 404,
    send: () => ({ method: 'GET', url: '/api/jobs/00000000-0000-4000-8000-000000000000/download' }),
  },
  // Only a signed revision has a package.
  { name: 'GET …/package.zip', action: 'report.read', firm: 'path', ok: 409, send: (c) => ({ method: 'GET', url: `${F(c)}/runs/2026-11/package.zip` }) },
  // Not a zip: the verification's own answer.
  {
    name: 'POST /api/packages/verify',
    action: 'report.read',
    firm: null,
    ok: 400,
    send: () => multipart('POST', '/api/packages/verify', {}, [{ name: 'file', filename: 'p.zip', body: 'not a zip' }]),
  },
  { name: 'GET /api/firms/:firm/findings', action: 'firm.read', firm: 'path', ok: 200, send: (c) => ({ method: 'GET', url: `${F(c)}/findings` }) },
  {
    name: 'PATCH /api/firms/:firm/findings/:id',
    action: 'finding.update',
    firm: 'path',
    ok: 200,
    send: (c) => ({ method: 'PATCH', url: `${F(c)}/findings/${c.findingId}`, payload: { owner: '資安課 王小明', due_on: '2026-12-31' } }),
  },
  { name: 'GET /api/catalog/versions', action: 'catalog.read', firm: null, ok: 200, send: () => ({ method: 'GET', url: '/api/catalog/versions' }) },
  {
    name: 'GET /api/catalog/versions/:id',
    action: 'catalog.read',
    firm: null,
    ok: 200,
    send: () => ({ method: 'GET', url: '/api/catalog/versions/2023-08-23' }),
  },
  {
    name: 'GET /api/catalog/diff',
    action: 'catalog.read',
    firm: null,
    ok: 200,
    send: () => ({ method: 'GET', url: '/api/catalog/diff?from=before-2023-08-23&to=2023-08-23' }),
  },
  { name: 'GET /api/analyzers', action: 'catalog.read', firm: null, ok: 200, send: () => ({ method: 'GET', url: '/api/analyzers' }) },
  {
    name: 'GET /api/audit?firm=',
    action: 'audit.read',
    firm: 'query',
    ok: 200,
    send: () => ({ method: 'GET', url: `/api/audit?firm=${encodeURIComponent(API_LICENCE)}&limit=50` }),
  },
  {
    name: 'GET /api/audit (every firm)',
    action: 'audit.read',
    firm: null,
    allFirms: true,
    ok: 200,
    send: () => ({ method: 'GET', url: '/api/audit?limit=50' }),
  },
  { name: 'POST /api/audit/verify', action: 'audit.verify', firm: null, allFirms: true, ok: 200, send: () => ({ method: 'POST', url: '/api/audit/verify' }) },
];

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

  it('no response body of the table carries a stack trace, SQL or a server path', () => {
    expect(bodies.length).toBeGreaterThan(ROUTES.length);
    for (const b of bodies) expectNoInternals(b.name, b.body, b.type, st.home);
  });
});
