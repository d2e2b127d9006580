import { CoreError } from '../errors.js';
import { assertRetentionOver } from './signoff.js';

/**
 * Whether a run (and its package) may be deleted today. An unsigned run is a working copy; a
 * signed one is kept for the firm's retention period from its sign-off, and, while no period is
 * set, indefinitely (臺證輔字第1060504884號: 簽核完竣之稽核報告應採唯讀方式儲存 — nothing signed
 * disappears because a setting was never made).
 */
export function assertDeletable(what: string, signedAt: string | null, years: number | null, today: string): void {
  if (signedAt === null) return;
  if (years === null)
    throw new CoreError('RETENTION_ACTIVE', `${what} is signed and its firm has no retention period set: it is kept indefinitely`, { what, until: '∞' });
  assertRetentionOver(what, signedAt, years, today);
}
