import type { Grant } from '../core/people/roles.js';
import type { AccountView, SignInStep } from '../services/people-service.js';

/** Exactly the fields of an account that leave the server: never a hash, secret or code. */
export function presentAccount(a: AccountView) {
  return {
    id: a.id,
    username: a.username,
    display_name: a.displayName,
    disabled: a.disabled,
    created_at: a.createdAt,
    grants: a.grants.map(presentGrant),
    factors: { totp: a.factors.totp, passkeys: a.factors.passkeys, recovery_codes_left: a.factors.recoveryCodesLeft },
    locked_until: a.lockedUntil,
  };
}

export function presentGrant(g: Grant) {
  return { role: g.role, firm_id: g.firmId };
}

export function presentStep(step: SignInStep, csrfToken: string) {
  return {
    stage: step.stage,
    ...(step.stage === 'second_factor' ? { methods: step.methods } : {}),
    account: { id: step.account.id, username: step.account.username, display_name: step.account.displayName },
    csrf_token: csrfToken,
  };
}
