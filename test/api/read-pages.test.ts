import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledQuery, QueryResult } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
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
/** Queries per request, the access check's firm lookup included. */
const QUERIES = { dashboard: 7, november: 18, october: 16, september: 16 };

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
  executor.executeQuery = <R>(q: CompiledQuery, id: Parameters<typeof run>[1]): Promise<QueryResult<R>> => {
    sql.push(q.sql);
    return run<R>(q, id);
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
  const get = async (url: string) => {
    const res = await st.app.inject({ method: 'GET', url, headers: { [ACTOR_HEADER]: 'auditor' } });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<unknown>();
  };
  const as = (who: string, method: 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) =>
    st.app.inject({ method, url, payload, headers: { [ACTOR_HEADER]: who } });

  // October's results are recorded in October (so some attestations can have expired by now).
  let now = NOW;
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
    // Three months: September signed and revised, October half done with an expired attestation
    // and a failure, November with evidence, an approval, a rejection and an analyzer report.
    for (const period of ['2026-09', '2026-10', '2026-11']) expect((await as('officer', 'POST', `${F}/runs`, { period })).statusCode).toBe(201);
    const ref = (period: string, p: string) => ({ firm: API_LICENCE, period, path: p });
    const sep = (await st.s.results(API_LICENCE, '2026-09')).results.filter((r) => r.status === 'not_run');
    for (const [i, r] of sep.entries()) {
      await st.s.setResult(OFFICER, ref('2026-09', r.path), {
        status: i % 5 === 0 ? 'fail' : 'pass',
        justification: '已檢視本期佐證資料',
        source: 'attestation',
        expiresOn: '2027-05-31',
      });
      await st.s.approve(SUPERVISOR, ref('2026-09', r.path));
    }
    expect((await as('ciso', 'POST', `${F}/runs/2026-09/signoff`)).statusCode).toBe(200);
    expect((await as('ciso', 'POST', `${F}/runs/2026-09/revise`)).statusCode).toBe(201);
    const oct = (await st.s.results(API_LICENCE, '2026-10')).results.filter((r) => r.status === 'not_run');
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
    for (const [name, url] of Object.entries(PAGES)) {
      q.reset();
      await get(url);
      counts[name] = q.count;
    }
    expect(counts).toEqual(QUERIES);
  });
});
