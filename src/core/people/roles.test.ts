import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { assertCan, assertFreshFactor, can, localOperator, type Actor } from './actor.js';
import { ACTIONS, firmsAllowed, READ_ONLY_ACTIONS, ROLE_ACTIONS, ROLES } from './roles.js';

const account = (grants: Actor['grants'], factorAt: string | null = null): Actor => ({
  kind: 'account',
  id: 'a1',
  name: 'A',
  grants,
  method: 'password+totp',
  factorAt,
});

describe('the role table', () => {
  it('gives the read-only roles nothing that changes data', () => {
    for (const role of ['auditor', 'examiner'] as const) {
      for (const action of ROLE_ACTIONS[role]) expect(READ_ONLY_ACTIONS.has(action), `${role} ${action}`).toBe(true);
    }
  });
  it('keeps duties apart: the administrator records, approves and signs nothing; only supervisors approve; only the CISO signs off', () => {
    const holders = (action: (typeof ACTIONS)[number]) => ROLES.filter((r) => ROLE_ACTIONS[r].includes(action));
    expect(holders('result.approve')).toEqual(['supervisor']);
    expect(holders('result.record')).toEqual(['officer']);
    expect(holders('run.signoff')).toEqual(['ciso']);
    expect(holders('people.manage')).toEqual(['admin']);
  });
  it('limits a firm grant to its firm, and a grant for every firm to none', () => {
    const officer = account([{ role: 'officer', firmId: 'f1' }]);
    expect(can(officer, 'result.record', 'f1')).toBe(true);
    expect(can(officer, 'result.record', 'f2')).toBe(false);
    expect(() => assertCan(officer, 'result.approve', 'f1')).toThrow(CoreError);
    expect(codeOf(() => assertCan(officer, 'result.approve', 'f1'))).toBe('FORBIDDEN');
    expect(
      firmsAllowed(
        [
          { role: 'examiner', firmId: 'f1' },
          { role: 'examiner', firmId: 'f3' },
        ],
        'firm.read',
      ),
    ).toEqual(['f1', 'f3']);
    expect(firmsAllowed([{ role: 'examiner', firmId: null }], 'firm.read')).toBe('all');
  });
  it('needs a fresh second factor from accounts, not from the local operator', () => {
    const now = '2026-11-30T08:00:00.000Z';
    expect(() => assertFreshFactor(account([], '2026-11-30T07:54:00.000Z'), now)).toThrow(/second factor/);
    expect(() => assertFreshFactor(account([], null), now)).toThrow(/second factor/);
    expect(() => assertFreshFactor(account([], '2026-11-30T07:58:00.000Z'), now)).not.toThrow();
    expect(() => assertFreshFactor(localOperator('王小明'), now)).not.toThrow();
    expect(can(localOperator('王小明'), 'run.signoff', 'any')).toBe(true);
  });
});

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof CoreError ? e.code : 'not a CoreError';
  }
}

describe('actor labels', () => {
  it('compares accounts by id, not by display name', async () => {
    const { actorLabel, accountIdOfLabel } = await import('./actor.js');
    const { isSamePrincipal } = await import('../inspection/principal.js');
    const a = actorLabel({ kind: 'account', id: 'acc-1', name: '王小明', grants: [], method: 'password+totp', factorAt: null });
    const b = actorLabel({ kind: 'account', id: 'acc-2', name: '王小明', grants: [], method: 'password+totp', factorAt: null });
    expect(a).toBe('王小明 [account acc-1]');
    expect(accountIdOfLabel(a)).toBe('acc-1');
    expect(isSamePrincipal(a, b)).toBe(false);
    expect(isSamePrincipal(a, '王大明 [account acc-1]')).toBe(true);
    expect(isSamePrincipal(a, '王小明')).toBe(false);
    expect(actorLabel(localOperator('王小明'))).toBe('王小明');
  });
});
