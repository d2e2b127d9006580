import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledQuery, QueryResult } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import { firmDashboard } from '../../src/services/dashboard-service.js';
import { InspectionService } from '../../src/services/inspection-service.js';
import { DIALECTS } from '../helpers/databases.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, NOW, type ApiStore } from '../helpers/api-app.js';

// The dashboard and the run page under load (issue 11 Tests/Load): their JSON must not change
// when their queries do (one snapshot, taken before the read path was rewritten, for both
// databases), and each page costs a fixed number of queries whatever the number of items,
// evidence, reviews and findings of the run — an N+1 shows here as a count, not as a time.

const enc = encodeURIComponent;
const F = `/api/firms/${enc(API_LICENCE)}`;
const OFFICER = '王小明 [account acc-officer]';
const SUPERVISOR = '林主管 [account acc-supervisor]';

const PAGES = {
  dashboard: `${F}/dashboard`,
  november: `${F}/runs/2026-11`,
  october: `${F}/runs/2026-10`,
  september: `${F}/runs/2026-09`,
};
/**
 * Queries per request, the access check's firm lookup included: the dashboard computed (the first
 * after a write; the imported catalog versions are one of them) and again (the audit head only);
 * each run page whatever its number of items,
 * with and without evidence, reviews and analyzer reports.
 */
const QUERIES = { dashboard: 7, november: 8, october: 6, september: 6, dashboardAgain: 2 };

/**
 * Ids made at random per store, and the content hashes that cover them: replaced by their order
 * of appearance (equal stays equal), so both databases give one text.
 */
function normalise(body: unknown): unknown {
  const seen = new Map<string, string>();
  const text = JSON.stringify(body, null, 2).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|sha256:[0-9a-f]{64}/g, (id) => {
    if (!seen.has(id)) seen.set(id, `<${id.startsWith('sha256:') ? 'hash' : 'id'} ${seen.size + 1}>`);
    return seen.get(id)!;
  });
  return JSON.parse(text) as unknown;
}

/** Counts the queries the store's connection runs (every repository and service read goes through its executor). */
function countQueries(st: ApiStore): { readonly count: number; readonly sql: string[]; reset(): void } {
  const executor = st.s.db.getExecutor();
  const run = executor.executeQuery.bind(executor);
  const sql: string[] = [];
  executor.executeQuery = <R>(q: CompiledQuery<R>): Promise<QueryResult<R>> => {
    sql.push(q.sql);
    return run<R>(q);
  };
  return {
    get count() {
      return sql.length;
    },
    sql,
    reset: () => void (sql.length = 0),
  };
}

describe.each(DIALECTS)('the dashboard and the run page (%s)', (dialect) => {
  let st: ApiStore;
  const get = async <T = unknown>(url: string): Promise<T> => {
    const res = await st.app.inject({ method: 'GET', url, headers: { [ACTOR_HEADER]: 'auditor' } });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<T>();
  };
  type DashboardJson = {
    trend: { period: string; compliant: number; non_compliant: number; undetermined: number }[];
    overdue: { period: string }[];
  };
  const as = (who: string, method: 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) =>
    st.app.inject({ method, url, payload, headers: { [ACTOR_HEADER]: who } });

  // October's results are recorded in October (so some attestations can have expired by now).
  let now = NOW;
  /** An October item left without a result. */
  let OCT_OPEN = '';
  const clock = { now: () => now, today: () => now.slice(0, 10) };

  beforeAll(async () => {
    st = await apiStore(
      dialect,
      (firmId): Record<string, Actor> => ({
        officer: account('acc-officer', '王小明', [grant('officer', firmId)]),
        supervisor: account('acc-supervisor', '林主管', [grant('supervisor', firmId)]),
        ciso: account('acc-ciso', '張資安長', [grant('ciso', firmId)]),
        auditor: account('acc-auditor', '李稽核', [grant('auditor', firmId)]),
      }),
      { clock },
    );
    // Four months: August signed, September signed and revised, October half done with an expired attestation
    // and a failure, November with evidence, an approval, a rejection and an analyzer report.
    for (const period of ['2026-08', '2026-09', '2026-10', '2026-11']) expect((await as('officer', 'POST', `${F}/runs`, { period })).statusCode).toBe(201);
    const ref = (period: string, p: string) => ({ firm: API_LICENCE, period, path: p });
    for (const month of ['2026-08', '2026-09']) {
      const open = (await st.s.results(API_LICENCE, month)).results.filter((r) => r.status === 'not_run');
      for (const [i, r] of open.entries()) {
        await st.s.setResult(OFFICER, ref(month, r.path), {
          status: i % 5 === 0 ? 'fail' : 'pass',
          justification: '已檢視本期佐證資料',
          source: 'attestation',
          expiresOn: '2027-05-31',
        });
        await st.s.approve(SUPERVISOR, ref(month, r.path));
      }
      expect((await as('ciso', 'POST', `${F}/runs/${month}/signoff`)).statusCode).toBe(200);
    }
    expect((await as('ciso', 'POST', `${F}/runs/2026-09/revise`)).statusCode).toBe(201);
    const oct = (await st.s.results(API_LICENCE, '2026-10')).results.filter((r) => r.status === 'not_run');
    OCT_OPEN = oct[1]!.path;
    now = '2026-10-25T02:00:00.000Z';
    for (const [i, r] of oct.entries()) {
      if (i % 2) continue;
      await st.s.setResult(OFFICER, ref('2026-10', r.path), {
        status: i % 6 === 0 ? 'fail' : 'pass',
        justification: '十月份之檢查紀錄',
        source: 'attestation',
        // Some attestations expired before today (2026-11-27): they count as not run.
        expiresOn: i % 4 === 0 ? '2026-11-01' : '2027-05-31',
      });
    }
    now = NOW;
    const nov = (await st.s.results(API_LICENCE, '2026-11')).results.filter((r) => r.status === 'not_run');
    const file = path.join(st.home, 'devices.csv');
    writeFileSync(file, 'host,model\nfw1,X\n');
    const { evidence } = await st.s.addEvidence(OFFICER, API_LICENCE, file, { collectedAt: '2026-11-20' });
    for (const [i, r] of nov.slice(0, 12).entries()) {
      await st.s.setResult(OFFICER, ref('2026-11', r.path), {
        status: i === 3 ? 'fail' : 'pass',
        justification: '十一月份檢查紀錄',
        source: 'attestation',
        expiresOn: '2027-05-31',
        evidence: i % 3 === 0 ? [evidence.sha256] : [],
      });
      if (i % 4 === 1) await st.s.approve(SUPERVISOR, ref('2026-11', r.path));
      if (i % 4 === 2) await st.s.reject(SUPERVISOR, { ...ref('2026-11', r.path), reason: '證據日期不在本期' });
    }
    const analysed = nov.slice(0, 2).map((r) => r.path);
    const finding = {
      kind: 'stale',
      severity: 'high',
      detail: 'old',
      detailZh: '過期',
      clause: analysed[0]!,
      failing: true,
      blocking: [],
      file: 'a.csv',
      line: 2,
      rule: null,
    };
    await st.s.storeAnalyzerReport(
      OFFICER,
      { firm: API_LICENCE, period: '2026-11' },
      { analyzer: 'device-lifecycle', verdict: 'fail', items: analysed },
      [evidence.sha256],
      JSON.stringify({ analyzer: 'device-lifecycle', verdict: 'fail', items: analysed, findings: [finding], summary: 'one stale device' }),
    );
  }, 120_000);
  afterAll(async () => {
    await st.close();
  });

  it('answers the JSON the pages always had (one snapshot for both databases)', async () => {
    const pages = {
      dashboard: await get(`${F}/dashboard`),
      august: await get(`${F}/runs/2026-08`),
      november: await get(`${F}/runs/2026-11`),
      october: await get(`${F}/runs/2026-10`),
      september: await get(`${F}/runs/2026-09`),
      septemberAsSigned: await get(`${F}/runs/2026-09?revision=1`),
    };
    await expect(JSON.stringify(normalise(pages), null, 2)).toMatchFileSnapshot('./__snapshots__/read-pages.snap');
  });

  it('costs a fixed number of queries per page, whatever the run holds', async () => {
    const q = countQueries(st);
    const counts: Record<string, number> = {};
    // The first dashboard after a write computes; the next one only checks the audit head.
    await st.s.setResult(
      OFFICER,
      { firm: API_LICENCE, period: '2026-10', path: OCT_OPEN },
      { status: 'pass', justification: '十月份之檢查紀錄', source: 'attestation', expiresOn: '2027-05-31' },
    );
    for (const [name, url] of Object.entries({ ...PAGES, dashboardAgain: PAGES.dashboard })) {
      q.reset();
      await get(url);
      counts[name] = q.count;
    }
    expect(counts).toEqual(QUERIES);
  });

  /** The dashboard as a store with nothing cached computes it (a second connection to the same store). */
  const fresh = async () => {
    const other = await InspectionService.connect(st.home, st.env, clock);
    try {
      return await firmDashboard(other, API_LICENCE);
    } finally {
      await other.close();
    }
  };
  const novemberTrend = async () => (await get<DashboardJson>(PAGES.dashboard)).trend.find((t) => t.period === '2026-11')!;

  it('shows every write at once: a result recorded through the API, then one written by another process on the same store', async () => {
    const before = await novemberTrend();
    const open = (await st.s.results(API_LICENCE, '2026-11')).results.filter((r) => r.status === 'not_run').map((r) => r.path);
    const put = await as('officer', 'PUT', `${F}/runs/2026-11/items/${enc(open[0]!)}/result`, {
      status: 'pass',
      note: '十一月份檢查紀錄',
      expires_on: '2027-05-31',
    });
    expect(put.statusCode).toBe(200);
    const after = await novemberTrend();
    expect(after).toMatchObject({ compliant: before.compliant + 1, undetermined: before.undetermined - 1 });
    expect(await firmDashboard(st.s, API_LICENCE)).toEqual(await fresh());

    // The CLI is another process with its own connection: its write moves the same audit head.
    const cli = await InspectionService.connect(st.home, st.env, clock);
    try {
      await cli.setResult(
        'ccheck',
        { firm: API_LICENCE, period: '2026-11', path: open[1]! },
        { status: 'fail', justification: '十一月份檢查紀錄', source: 'attestation', expiresOn: '2027-05-31' },
      );
    } finally {
      await cli.close();
    }
    expect(await novemberTrend()).toMatchObject({ compliant: after.compliant, non_compliant: after.non_compliant + 1, undetermined: after.undetermined - 1 });
    expect(await firmDashboard(st.s, API_LICENCE)).toEqual(await fresh());
  });

  it('counts statuses as they count today: the next day recomputes with no write in between', async () => {
    const overdue = (await get<DashboardJson>(PAGES.dashboard)).overdue.filter((o) => o.period === '2026-11');
    expect(overdue).toEqual([]);
    now = '2026-12-01T02:00:00.000Z';
    try {
      // November has ended unsigned: its items without a result are overdue from today.
      expect((await get<DashboardJson>(PAGES.dashboard)).overdue.some((o) => o.period === '2026-11')).toBe(true);
      expect(await firmDashboard(st.s, API_LICENCE)).toEqual(await fresh());
    } finally {
      now = NOW;
    }
  });
});
