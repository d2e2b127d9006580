import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_POLICY, sessionExpiry, sessionState } from './session-policy.js';

const t = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 30, h, m)).toISOString();

describe('session lifetimes (7/(2)/b/(h))', () => {
  it('ends a session idle for 15 minutes', () => {
    const s = { createdAt: t(8), lastSeenAt: t(9), pending: false };
    expect(sessionState(s, t(9, 14))).toBe('live');
    expect(sessionState(s, t(9, 15))).toBe('idle');
    expect(sessionExpiry(s).idleExpiresAt).toBe(t(9, 15));
  });
  it('ends every session 8 hours after sign-in, however active', () => {
    const s = { createdAt: t(8), lastSeenAt: t(15, 59), pending: false };
    expect(sessionState(s, t(15, 59))).toBe('live');
    expect(sessionState(s, t(16))).toBe('expired');
    // The idle deadline never runs past the absolute one.
    expect(sessionExpiry(s)).toEqual({ idleExpiresAt: t(16), expiresAt: t(16) });
  });
  it('gives a session waiting for its second factor only minutes', () => {
    const s = { createdAt: t(8), lastSeenAt: t(8), pending: true };
    expect(sessionState(s, t(8, 9))).toBe('live');
    expect(sessionState(s, t(8, 10))).toBe('expired');
    expect(sessionState({ ...s, pending: false }, t(8, 10), { ...DEFAULT_SESSION_POLICY, idleMinutes: 30 })).toBe('live');
  });
});
