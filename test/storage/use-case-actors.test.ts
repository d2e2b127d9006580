import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/people/actor.js';
import type { Role } from '../../src/core/people/roles.js';
import type { InspectionService, Clock } from '../../src/services/inspection-service.js';
import { approveResult, recordResult } from '../../src/services/use-cases/results.js';
import { signRun } from '../../src/services/use-cases/signoff.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { freshService } from '../helpers/fresh-service.js';
import { codeOfAsync } from '../helpers/errors.js';
import { internetTier1 } from '../helpers/profiles.js';

const NOW = '2026-11-27T02:00:00.000Z';
const clock: Clock = { now: () => NOW, today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const ref = { firm: LICENCE, period: '2026-11', path: '7/(1)/a/(j)' };
const account = (id: string, name: string, roles: Role[], firmId: string | null, factorAt: string | null = NOW): Actor => ({
  kind: 'account',
  id,
  name,
  grants: roles.map((role) => ({ role, firmId })),
  method: 'password+totp',
  factorAt,
});

// The use cases check the acting principal themselves (the API will pass accounts from sessions):
// the role table, the firm of the grant, a fresh second factor, and maker-checker by account id.
describe.each(DIALECTS)('use cases and the acting account on %s', { timeout: 60_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  let firmId: string;
  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    firmId = (await s.addFirm('admin', internetTier1())).id;
    await s.startRun('alice', LICENCE, '2026-11');
  });
  afterEach(() => ctx.close());

  it('refuses a role or a firm the grants do not cover, a stale second factor, and an account approving its own result under another name', async () => {
    const attest = { status: 'pass', source: 'attestation', justification: 'no EOL devices', expiresOn: '2027-11-27' } as const;
    const auditor = account('acc-a', '稽核', ['auditor'], firmId);
    expect(await codeOfAsync(recordResult(s.deps, auditor, ref, attest))).toBe('FORBIDDEN');
    const officerElsewhere = account('acc-o2', '王小明', ['officer'], 'another-firm');
    expect(await codeOfAsync(recordResult(s.deps, officerElsewhere, ref, attest))).toBe('FORBIDDEN');

    const officer = account('acc-o', '王小明', ['officer', 'supervisor'], firmId);
    const { result } = await recordResult(s.deps, officer, ref, attest);
    expect(result.recordedBy).toBe('王小明 [account acc-o]');
    // The same account, renamed, is still the recorder; another account of the same name is not.
    expect(await codeOfAsync(approveResult(s.deps, { ...officer, name: 'Wang' }, ref))).toBe('RESULT_SELF_APPROVAL');
    const stale = account('acc-s', '王小明', ['supervisor'], firmId, '2026-11-27T01:00:00.000Z');
    expect(await codeOfAsync(approveResult(s.deps, stale, ref))).toBe('FACTOR_NOT_FRESH');
    expect(await codeOfAsync(approveResult(s.deps, account('acc-s', '王小明', ['supervisor'], firmId), ref))).toBe('none');

    const ciso = account('acc-c', '資安長', ['ciso'], firmId, null);
    expect(await codeOfAsync(signRun(s.deps, ciso, ref, { role: 'ciso', authentication: 'password+totp' }))).toBe('FACTOR_NOT_FRESH');
  });
});
