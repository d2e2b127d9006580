import type { Action } from '../../src/core/people/roles.js';
import type { ApiStore } from '../helpers/api-app.js';
import { API_LICENCE } from '../helpers/api-app.js';
import { internetTier1 } from '../helpers/profiles.js';
import { multipart, type Sent } from './api-test-kit.js';

/**
 * The routes of the compliance work as the access table (access-table.test.ts) calls them: each
 * with the action it needs, where it names a firm, and the status when access is granted. The
 * routes of people and sign-in are in access-table-people.test.ts; a route in neither fails there.
 */
export interface Ctx {
  readonly st: ApiStore;
  /** How many times this route has been allowed so far: mutating routes use a fresh input each time. */
  readonly n: number;
  readonly sha: string;
  readonly findingId: string;
}

export interface Route {
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
export const TO_APPROVE = ['7/(1)/a/(a)', '7/(1)/a/(b)', '7/(1)/a/(c)'];
export const TO_REJECT = ['7/(1)/a/(d)', '7/(1)/a/(e)', '7/(1)/a/(f)'];
export const TO_RECORD = ['7/(1)/b/(a)', '7/(1)/b/(b)', '7/(1)/b/(c)', '7/(1)/b/(d)'];
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

export const ROUTES: readonly Route[] = [
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
