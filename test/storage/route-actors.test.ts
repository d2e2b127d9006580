import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import type { Role } from '../../src/core/people/roles.js';
import { replaceProfile } from '../../src/services/firm-view-service.js';
import type { Clock, InspectionService } from '../../src/services/inspection-service.js';
import { recordAttestation } from '../../src/services/review-service.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { freshService } from '../helpers/fresh-service.js';
import { codeOfAsync } from '../helpers/errors.js';
import { internetTier1 } from '../helpers/profiles.js';

const NOW = '2026-11-27T02:00:00.000Z';
const clock: Clock = { now: () => NOW, today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const ITEM = '7/(1)/a/(j)';
const account = (id: string, roles: Role[], firmId: string | null): Actor => ({
  kind: 'account',
  id,
  name: '王小明',
  grants: roles.map((role) => ({ role, firmId })),
  method: 'password+totp',
  factorAt: NOW,
});

// The seven API routes that change something pass the signed-in account, not its label: each call
// below is what one route calls, made directly with an account whose role (or firm) lacks the
// action, so the refusal comes from the use case itself and not only from the route's access hook.
// The seventh, POST …/analyze, is in analysis-use-case.test.ts with the use case it calls.
describe.each(DIALECTS)('what the API routes call, with the signed-in account, on %s', { timeout: 60_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  let firmId: string;
  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    firmId = (await s.addFirm('admin', internetTier1())).id;
    await s.startRun('alice', LICENCE, PERIOD);
  });
  afterEach(() => ctx.close());

  it('POST /api/firms: adding a firm needs firm.create', async () => {
    const profile = internetTier1();
    const other = { ...profile, firm: { ...profile.firm, licence: '金管證總字第0001號' } };
    expect(await codeOfAsync(s.addFirm(account('acc-au', ['auditor'], null), other))).toBe('FORBIDDEN');
    expect(await codeOfAsync(s.addFirm(account('acc-ad', ['admin'], null), other))).toBe('none');
  });

  it('PUT /api/firms/:firm/profile: replacing the profile needs firm.edit on that firm', async () => {
    const p = internetTier1();
    // The profile as the API receives it (JSON, snake_case keys), renamed.
    const profile = {
      firm: { name: '改名證券', licence: LICENCE },
      channels: p.channels,
      tier: p.tier,
      class: p.class,
      colocation: p.colocation,
      core_systems: [],
      services: p.services,
    };
    expect(await codeOfAsync(replaceProfile(s, account('acc-o', ['officer'], firmId), firmId, profile))).toBe('FORBIDDEN');
    expect(await codeOfAsync(replaceProfile(s, account('acc-ad', ['admin'], null), firmId, profile))).toBe('none');
  });

  it('PUT /api/firms/:firm/retention: retention needs firm.edit on that firm, and records the account', async () => {
    expect(await codeOfAsync(s.setRetention(account('acc-o', ['officer'], firmId), LICENCE, 7))).toBe('FORBIDDEN');
    expect(await s.retentionYears(firmId)).toBeNull();
    const r = await s.setRetention(account('acc-ad', ['admin'], null), LICENCE, 7);
    expect(r.set_by).toBe('王小明 [account acc-ad]');
  });

  it('PUT …/items/:item/result: an attestation needs result.record on that firm', async () => {
    const input = { status: 'pass', justification: 'checked on site', expiresOn: '2027-11-27' } as const;
    const ref = { firm: LICENCE, period: PERIOD, path: ITEM };
    expect(await codeOfAsync(recordAttestation(s, account('acc-s', ['supervisor'], firmId), ref, input))).toBe('FORBIDDEN');
    expect(await codeOfAsync(recordAttestation(s, account('acc-o', ['officer'], 'another-firm'), ref, input))).toBe('FORBIDDEN');
    const { result } = await recordAttestation(s, account('acc-o', ['officer'], firmId), ref, input);
    expect(result.recorded_by).toBe('王小明 [account acc-o]');
  });

  it('POST …/runs/:period/revise: a revision needs run.revise on that firm', async () => {
    const ref = { firm: LICENCE, period: PERIOD };
    expect(await codeOfAsync(s.reviseRun(account('acc-s', ['supervisor'], firmId), ref))).toBe('FORBIDDEN');
    expect(await codeOfAsync(s.reviseRun(account('acc-o', ['officer'], 'another-firm'), ref))).toBe('FORBIDDEN');
    // Allowed, the account reaches the run's own rule: an unsigned run is corrected directly.
    expect(await codeOfAsync(s.reviseRun(account('acc-o', ['officer'], firmId), ref))).toBe('RUN_NOT_SIGNED');
  });

  it('PATCH /api/firms/:firm/findings/:id: updating a finding needs finding.update', async () => {
    const ref = { firm: LICENCE, period: PERIOD, path: ITEM };
    const { finding } = await recordAttestation(s, account('acc-o', ['officer'], firmId), ref, {
      status: 'fail',
      justification: 'EOL devices in use',
      expiresOn: '2027-11-27',
    });
    expect(finding).not.toBeNull();
    expect(await codeOfAsync(s.updateFinding(account('acc-au', ['auditor'], firmId), finding!.id, { owner: 'IT' }))).toBe('FORBIDDEN');
    expect(await codeOfAsync(s.updateFinding(account('acc-s', ['supervisor'], firmId), finding!.id, { owner: 'IT' }))).toBe('none');
  });
});
