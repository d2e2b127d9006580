import { describe, expect, it } from 'vitest';
import { accountLock, addressThrottle, DEFAULT_THROTTLE_POLICY, throttlePolicyFrom, type AccountAttempt } from './throttle.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 8, minute, 0)).toISOString();
const fail = (minute: number): AccountAttempt => ({ at: at(minute), kind: 'failure' });
const reset = (minute: number): AccountAttempt => ({ at: at(minute), kind: 'reset' });
const policy = DEFAULT_THROTTLE_POLICY.account;

describe('account lockout', () => {
  it('locks after 5 failures in a row, for 15 minutes from the fifth', () => {
    const four = [fail(0), fail(1), fail(2), fail(3)];
    expect(accountLock(four, policy, at(4))).toEqual({ locked: false, until: null, failuresLeft: 1 });
    const five = [...four, fail(4)];
    expect(accountLock(five, policy, at(5))).toEqual({ locked: true, until: at(19), failuresLeft: 0 });
    expect(accountLock(five, policy, at(18)).locked).toBe(true);
  });
  it('unlocks by itself when the time is up, with a fresh count', () => {
    const five = [fail(0), fail(1), fail(2), fail(3), fail(4)];
    expect(accountLock(five, policy, at(19))).toEqual({ locked: false, until: null, failuresLeft: 5 });
    // One more failure after the lock ended does not lock again at once.
    expect(accountLock([...five, fail(20)], policy, at(21))).toEqual({ locked: false, until: null, failuresLeft: 4 });
  });
  it('starts counting again after a success or an unlock', () => {
    expect(accountLock([fail(0), fail(1), fail(2), reset(3), fail(4), fail(5)], policy, at(6)).failuresLeft).toBe(3);
    expect(accountLock([fail(0), fail(1), fail(2), fail(3), fail(4), reset(6)], policy, at(7)).locked).toBe(false);
  });
  it('follows the configured numbers', () => {
    const strict = throttlePolicyFrom({ accountMaxFailures: '3', accountLockMinutes: '60' });
    expect(accountLock([fail(0), fail(1), fail(2)], strict.account, at(30))).toEqual({ locked: true, until: at(62), failuresLeft: 0 });
    expect(throttlePolicyFrom({ accountMaxFailures: 'nonsense', addressWindowMinutes: '-1' })).toEqual(DEFAULT_THROTTLE_POLICY);
  });
});

describe('address throttling (sliding window)', () => {
  const p = { maxFailures: 3, windowMinutes: 10 };
  it('throttles an address with maxFailures failures inside the window, until the oldest of them leaves it', () => {
    expect(addressThrottle([at(0), at(1)], p, at(2))).toEqual({ throttled: false, until: null });
    expect(addressThrottle([at(0), at(1), at(2)], p, at(3))).toEqual({ throttled: true, until: at(10) });
    expect(addressThrottle([at(0), at(1), at(2)], p, at(10))).toEqual({ throttled: false, until: null });
  });
  it('slides: old failures outside the window do not count, and the order given does not matter', () => {
    expect(addressThrottle([at(0), at(20), at(21)], p, at(22)).throttled).toBe(false);
    expect(addressThrottle([at(25), at(21), at(20), at(0)], p, at(26))).toEqual({ throttled: true, until: at(30) });
  });
});
