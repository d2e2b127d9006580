import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as useCases from '../../src/services/use-cases/audit.js';
import { account, ACTOR_HEADER, API_LICENCE, apiStore, grant, type ApiStore } from '../helpers/api-app.js';

// The use cases as they are, with their calls counted: the routes must reach the trail through them.
vi.mock('../../src/services/use-cases/audit.js', async (actual) => {
  const real = await actual<typeof import('../../src/services/use-cases/audit.js')>();
  return { ...real, listAuditEvents: vi.fn(real.listAuditEvents), verifyAudit: vi.fn(real.verifyAudit) };
});

/** The audit routes are a shell over src/services/use-cases/audit.ts, as the CLI is (issue 10: one service boundary). */
describe('the audit routes', () => {
  let st: ApiStore;
  beforeAll(async () => {
    st = await apiStore('sqlite', (firmId) => ({
      auditor: account('acc-auditor', '李稽核', [grant('auditor', firmId)]),
      admin: account('acc-admin', '管理者', [grant('admin', null)]),
    }));
  }, 60_000);
  afterAll(() => st?.close());

  it('list and verify through the use cases, with the acting actor', async () => {
    const list = await st.app.inject({ method: 'GET', url: `/api/audit?firm=${encodeURIComponent(API_LICENCE)}`, headers: { [ACTOR_HEADER]: 'auditor' } });
    expect(list.statusCode, list.body).toBe(200);
    expect(useCases.listAuditEvents).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ id: 'acc-auditor' }), {
      firmId: st.firmId,
      after: undefined,
      limit: 200,
    });
    const verify = await st.app.inject({ method: 'POST', url: '/api/audit/verify', headers: { [ACTOR_HEADER]: 'admin' } });
    expect(verify.statusCode, verify.body).toBe(200);
    expect(useCases.verifyAudit).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ id: 'acc-admin' }));
  });
});
