/**
 * The retention form's check before sending: a whole number of years from 1 to 100, as the
 * server's assertRetentionYears (src/core/inspection/signoff.ts) decides; the server checks again.
 */
export const RETENTION_MIN = 1;
export const RETENTION_MAX = 100;

export type RetentionCheck = { readonly ok: true; readonly years: number } | { readonly ok: false; readonly problem: 'empty' | 'whole' | 'range' };

export function checkRetention(text: string): RetentionCheck {
  const v = text.trim();
  if (v === '') return { ok: false, problem: 'empty' };
  if (!/^\d+$/.test(v)) return { ok: false, problem: 'whole' };
  const years = Number(v);
  if (years < RETENTION_MIN || years > RETENTION_MAX) return { ok: false, problem: 'range' };
  return { ok: true, years };
}
