/**
 * How long a session lives (7/(2)/b/(h): a session left idle is ended; ccheck also ends every
 * session after a working day, however active). Checked on the server for every request.
 */
export interface SessionPolicy {
  readonly idleMinutes: number;
  readonly absoluteHours: number;
  /** A session between password and second factor (or TOTP enrolment) lives only this long. */
  readonly pendingMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 15, absoluteHours: 8, pendingMinutes: 10 };

export interface SessionTimes {
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly pending: boolean;
}

/** When the session ends if left idle, and when it ends regardless: whichever comes first ends it. */
export function sessionExpiry(s: SessionTimes, policy: SessionPolicy = DEFAULT_SESSION_POLICY): { readonly idleExpiresAt: string; readonly expiresAt: string } {
  const created = Date.parse(s.createdAt);
  const absolute = s.pending ? created + policy.pendingMinutes * 60_000 : created + policy.absoluteHours * 3_600_000;
  const idle = Math.min(Date.parse(s.lastSeenAt) + policy.idleMinutes * 60_000, absolute);
  return { idleExpiresAt: new Date(idle).toISOString(), expiresAt: new Date(absolute).toISOString() };
}

/** 'live', or why the session is over at `now`. */
export function sessionState(s: SessionTimes, now: string, policy: SessionPolicy = DEFAULT_SESSION_POLICY): 'live' | 'idle' | 'expired' {
  const t = Date.parse(now);
  const { idleExpiresAt, expiresAt } = sessionExpiry(s, policy);
  if (t >= Date.parse(expiresAt)) return 'expired';
  if (t >= Date.parse(idleExpiresAt)) return 'idle';
  return 'live';
}
