import { CoreError } from '../errors.js';
import { grantsAllow, forbidden, ROLES, type Action, type Grant } from './roles.js';

/**
 * Who acts: a signed-in account (the web app and API fill it from the session) or a local
 * operator (the CLI, from `--as`, on a store the operator can open anyway). Every use case takes
 * one, checks it against the role table, and writes its `name` to the audit trail together with
 * its kind, so the trail tells an account from a name typed at a terminal.
 */
export interface Actor {
  readonly kind: 'account' | 'local';
  /** The account's id; for a local operator, the name as typed. */
  readonly id: string;
  /** For people: the account's display name, or the local operator's name. */
  readonly name: string;
  readonly grants: readonly Grant[];
  /** How the person was authenticated, for the e-signature history (e.g. 'password+totp', 'password+webauthn', 'local'). */
  readonly method: string;
  /** When a second factor was last checked (ISO 8601), or null (a local operator has none). */
  readonly factorAt: string | null;
}

/**
 * The CLI's actor: every role on every firm (the operator can open the store directly anyway),
 * marked as local. The name may not take an account's form (`name [account id]`): a name typed
 * at a terminal would otherwise be recorded as, and compared with, that account (ACTOR_NAME_INVALID).
 */
export function localOperator(name: string): Actor {
  if (accountIdOfLabel(name) !== null)
    throw new CoreError(
      'ACTOR_NAME_INVALID',
      `the name "${name}" has the form of an account ("… [account id]"); a local operator is named plainly`,
      { name, codepoint: '', context: 'account' },
      { field: 'as' },
    );
  return { kind: 'local', id: name, name, grants: ROLES.map((role) => ({ role, firmId: null })), method: 'local', factorAt: null };
}

export function can(actor: Actor, action: Action, firmId?: string): boolean {
  return grantsAllow(actor.grants, action, firmId);
}

/** Throws FORBIDDEN unless the actor may do `action` (on `firmId`). */
export function assertCan(actor: Actor, action: Action, firmId?: string): void {
  if (!can(actor, action, firmId)) throw forbidden(action, firmId);
}

/** How long a second-factor check counts as fresh for approve, sign-off and people changes. */
export const FRESH_FACTOR_SECONDS = 300;

/** Throws FACTOR_NOT_FRESH unless an account's second factor was checked within FRESH_FACTOR_SECONDS of `now`. Local operators pass (the CLI records them as such). */
export function assertFreshFactor(actor: Actor, now: string): void {
  if (actor.kind === 'local') return;
  const at = actor.factorAt ? Date.parse(actor.factorAt) : NaN;
  if (!(Date.parse(now) - at <= FRESH_FACTOR_SECONDS * 1000)) {
    throw new CoreError('FACTOR_NOT_FRESH', 'confirm your second factor again to do this', { seconds: FRESH_FACTOR_SECONDS });
  }
}

/**
 * The name the audit trail and a result's `recorded_by` keep for an actor. An account is written
 * with its id (`王小明 [account 3f2a…]`), so maker-checker compares accounts, not look-alike names
 * (principalOf reads the id back); a local operator is the name typed, as before.
 */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'account' ? `${actor.name} [account ${actor.id}]` : actor.name;
}

/** The account id inside a label written by actorLabel, or null for a local operator's name. */
export function accountIdOfLabel(label: string): string | null {
  return /\[account ([^\]\s]+)\]$/u.exec(label.trim())?.[1] ?? null;
}
