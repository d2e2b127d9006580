import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, type ApiStore } from '../helpers/api-app.js';
import type { Sent } from './api-test-kit.js';

/**
 * The run page's rejection is the core's review state (src/core/inspection/review.ts), not a
 * second derivation: a rejection stands only for exactly the content recorded now, and only
 * until that content is recorded again or reviewed again.
 */
const PERIOD = '2026-11';
const enc = encodeURIComponent;
const NOTE = '已檢視設備清冊與汰換計畫';

interface Item {
  path: string;
  approval: { state: string; by: string } | null;
  rejection: { reason: string; by: string; hash: string } | null;
}

describe.each(DIALECTS)('the review state on the run page (%s)', (dialect) => {
  let st: ApiStore;
  const as = (who: string, sent: Sent) => st.app.inject({ ...sent, headers: { ...(sent.headers ?? {}), [ACTOR_HEADER]: who } });
  const F = () => `/api/firms/${enc(API_LICENCE)}`;
  const result = (item: string) => `${F()}/runs/${PERIOD}/items/${enc(item)}`;
  const record = (item: string, note = NOTE) =>
    as('officer', { method: 'PUT', url: `${result(item)}/result`, payload: { status: 'pass', note, expires_on: '2027-05-31' } });
  const reject = (item: string, who = 'supervisor') => as(who, { method: 'POST', url: `${result(item)}/reject`, payload: { reason: '證據日期不在本期' } });
  const itemOf = async (item: string): Promise<Item> =>
    (await as('auditor', { method: 'GET', url: `${F()}/runs/${PERIOD}` })).json<{ items: Item[] }>().items.find((i) => i.path === item)!;

  beforeAll(async () => {
    st = await apiStore(dialect, (firmId) => ({
      officer: account('acc-officer', '王小明', [grant('officer', firmId)]),
      supervisor: account('acc-sup', '林主管', [grant('supervisor', firmId)]),
      supervisor2: account('acc-sup2', '陳主管', [grant('supervisor', firmId)]),
      auditor: account('acc-auditor', '李稽核', [grant('auditor', firmId)]),
    }));
    expect((await as('officer', { method: 'POST', url: `${F()}/runs`, payload: { period: PERIOD } })).statusCode).toBe(201);
  }, 120_000);
  afterAll(() => st.close());

  it('shows a rejection of the content recorded now as standing, with its reason and that content', async () => {
    const item = '7/(1)/a/(a)';
    expect((await record(item)).statusCode).toBe(200);
    const rej = await reject(item);
    expect(rej.statusCode).toBe(200);
    const shown = await itemOf(item);
    expect(shown.approval).toMatchObject({ state: 'rejected', by: '林主管 [account acc-sup]' });
    expect(shown.rejection).toEqual({
      by: '林主管 [account acc-sup]',
      at: expect.any(String) as string,
      reason: '證據日期不在本期',
      hash: rej.json<{ rejection: { hash: string } }>().rejection.hash,
    });
  });

  it('does not show a rejection as standing once the same content is recorded again (the correction awaits a review)', async () => {
    const item = '7/(1)/a/(b)';
    await record(item);
    expect((await reject(item)).statusCode).toBe(200);
    // The officer records exactly the same content again: the hash is the rejected one, but the recording is newer.
    expect((await record(item)).statusCode).toBe(200);
    const shown = await itemOf(item);
    expect(shown.rejection).toBeNull();
    expect(shown.approval).toBeNull();
  });

  it('does not show a rejection as standing once another reviewer approved the content', async () => {
    const item = '7/(1)/a/(c)';
    await record(item);
    expect((await reject(item)).statusCode).toBe(200);
    expect((await as('supervisor2', { method: 'POST', url: `${result(item)}/approve` })).statusCode).toBe(200);
    const shown = await itemOf(item);
    expect(shown.approval).toMatchObject({ state: 'approved', by: '陳主管 [account acc-sup2]' });
    expect(shown.rejection).toBeNull();
  });

  it('does not show a rejection of older content once the content changed', async () => {
    const item = '7/(1)/a/(d)';
    await record(item);
    expect((await reject(item)).statusCode).toBe(200);
    await record(item, '已補上本期之設備清冊');
    expect((await itemOf(item)).rejection).toBeNull();
  });
});
