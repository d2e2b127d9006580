/**
 * Throttled sign-in (7/(1)/j/(g): automated attempts must be detected and slowed; the firm's own
 * systems lock an account after repeated failures). Two independent brakes, both configurable:
 * - per account (by the username tried, so an unknown username locks exactly like a real one and
 *   the answer never tells which usernames exist): `maxFailures` in a row lock it for
 *   `lockMinutes`, counted from the last failure; a success or an administrator's unlock resets;
 * - per address: at most `maxFailures` failures in any sliding window of `windowMinutes`, from
 *   one address, across every username (password spraying).
 */
export interface ThrottlePolicy {
  readonly account: { readonly maxFailures: number; readonly lockMinutes: number };
  readonly address: { readonly maxFailures: number; readonly windowMinutes: number };
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  account: { maxFailures: 5, lockMinutes: 15 },
  address: { maxFailures: 20, windowMinutes: 15 },
};

/** A past event of one account's sign-in, oldest first: a failure, or a reset (a success or an unlock). */
export interface AccountAttempt {
  readonly at: string;
  readonly kind: 'failure' | 'reset';
}

const minutes = (n: number) => n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Whether the account is locked at `now`, until when, and how many failures it may still have.
 * A lock ends by itself: failures before its end count no more once it has passed.
 */
export function accountLock(
  attempts: readonly AccountAttempt[],
  policy: ThrottlePolicy['account'],
  now: string,
): { readonly locked: boolean; readonly until: string | null; readonly failuresLeft: number } {
  let count = 0;
  let until: number | null = null;
  for (const a of attempts) {
    const at = Date.parse(a.at);
    if (a.kind === 'reset') {
      count = 0;
      until = null;
      continue;
    }
    if (until !== null && at >= until) {
      count = 0;
      until = null;
    }
    count++;
    if (count >= policy.maxFailures) until = at + minutes(policy.lockMinutes);
  }
  const t = Date.parse(now);
  if (until !== null && t < until) return { locked: true, until: iso(until), failuresLeft: 0 };
  if (until !== null) count = 0;
  return { locked: false, until: null, failuresLeft: Math.max(0, policy.maxFailures - count) };
}

/**
 * Whether an address is throttled at `now`, given the times of its failures (any order): it is
 * while `maxFailures` of them lie within the last `windowMinutes`; it may try again when the
 * oldest of those leaves the window.
 */
export function addressThrottle(
  failures: readonly string[],
  policy: ThrottlePolicy['address'],
  now: string,
): { readonly throttled: boolean; readonly until: string | null } {
  const t = Date.parse(now);
  const from = t - minutes(policy.windowMinutes);
  const recent = failures
    .map((f) => Date.parse(f))
    .filter((at) => at > from && at <= t)
    .sort((a, b) => b - a);
  if (recent.length < policy.maxFailures) return { throttled: false, until: null };
  // The maxFailures-th newest failure: once it leaves the window, fewer than maxFailures remain.
  const pivot = recent[policy.maxFailures - 1]!;
  return { throttled: true, until: iso(pivot + minutes(policy.windowMinutes)) };
}

/** Reads a policy from settings (numbers as strings), keeping the defaults for what is not given; refuses nonsense. */
export function throttlePolicyFrom(values: Readonly<Record<string, string | undefined>>): ThrottlePolicy {
  const num = (v: string | undefined, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const d = DEFAULT_THROTTLE_POLICY;
  return {
    account: { maxFailures: num(values.accountMaxFailures, d.account.maxFailures), lockMinutes: num(values.accountLockMinutes, d.account.lockMinutes) },
    address: { maxFailures: num(values.addressMaxFailures, d.address.maxFailures), windowMinutes: num(values.addressWindowMinutes, d.address.windowMinutes) },
  };
}
