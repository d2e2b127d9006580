import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/catalog-version.js';
import { CoreError } from '../errors.js';
import type { ItemResultView } from './item-result.js';
import { principalOf, principalOfStored } from './principal.js';

/**
 * The signed inspection. TWSE 臺證輔字第1060504884號 (2018) accepts electronic audit records only
 * when the sign-off is complete and 「簽核完竣之稽核報告應採唯讀方式儲存」: once the CISO signs a
 * run off, the run and everything under it is read-only, and a correction is a new revision.
 */

/** Why an item keeps a run from being signed off. */
export type SignoffBlocker = 'not_run' | 'expired' | 'not_approved' | 'approval_void' | 'rejected';

/**
 * Readiness for sign-off: every item that applies has a current result (not `not_run`, not an
 * expired attestation) whose approval is valid now. Items ccheck itself decided do not apply
 * (`system` not_applicable, frozen into the run from the profile) need no approval; a person's
 * not_applicable is a result like any other and needs one.
 */
export function signoffBlockers(results: readonly ItemResultView[]): { path: string; blocker: SignoffBlocker }[] {
  const out: { path: string; blocker: SignoffBlocker }[] = [];
  for (const r of results) {
    if (r.source === 'system' && r.status === 'not_applicable') continue;
    if (r.status === 'not_run') out.push({ path: r.path, blocker: 'not_run' });
    else if (r.effectiveStatus === 'not_run') out.push({ path: r.path, blocker: 'expired' });
    else if (!r.approval) out.push({ path: r.path, blocker: 'not_approved' });
    else if (r.approval.state === 'rejected') out.push({ path: r.path, blocker: 'rejected' });
    else if (r.approval.state !== 'approved') out.push({ path: r.path, blocker: 'approval_void' });
  }
  return out;
}

/** Refuses a sign-off while any item blocks it, listing every blocking item (RUN_NOT_READY_FOR_SIGNOFF). */
export function assertReadyForSignoff(period: string, results: readonly ItemResultView[]): void {
  const blockers = signoffBlockers(results);
  if (blockers.length === 0) return;
  const list = blockers.map((b) => `${b.path} (${b.blocker})`);
  throw new CoreError(
    'RUN_NOT_READY_FOR_SIGNOFF',
    `${period} cannot be signed off: ${blockers.length} item(s) have no current approved result: ${list.slice(0, 20).join(', ')}${list.length > 20 ? ', …' : ''}`,
    { period, count: blockers.length, items: list },
  );
}

/**
 * Maker-checker at sign-off (覆核須由紀錄者以外之人為之, as for approvals): the signer may not be
 * anyone who recorded a result the run's sign-off covers — a CISO signs off other people's work.
 * Approving an item is a review, not a recording, so a CISO who approved items may still sign.
 * `recorders` are the recorders of every current result of the run (ccheck (X) counts as X).
 */
export function assertSignerIndependent(recorders: readonly string[], signer: string, period: string): void {
  const who = principalOf(signer);
  const own = [...new Set(recorders.filter((r) => principalOfStored(r) === who))];
  if (own.length > 0) {
    throw new CoreError(
      'RUN_SIGNOFF_SELF',
      `${signer} recorded results of ${period} (as "${own[0]}") and cannot also sign the inspection off (maker-checker)`,
      { period, actor: signer },
    );
  }
}

/** What a sign-off covers: every item's path, result hash and approval, in the run's order. */
export function signedResultsHash(results: readonly { path: string; contentHash: string; approvedBy: string | null }[]): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson(results.map((r) => ({ path: r.path, hash: r.contentHash, approvedBy: r.approvedBy }))))
    .digest('hex')}`;
}

/** The read-only rule: a signed run refuses every write, naming what was refused (RUN_SIGNED). */
export function assertRunWritable(signoff: { signedBy: string; signedAt: string } | null, period: string, what: string): void {
  if (!signoff) return;
  throw new CoreError(
    'RUN_SIGNED',
    `${period} was signed off by ${signoff.signedBy} at ${signoff.signedAt} and is read-only: ${what} refused (a correction is a new revision of the run)`,
    { period, what, by: signoff.signedBy },
  );
}

/**
 * Retention: a signed run and its package are kept for the firm's retention period (years, set by
 * the administrator) from the day of sign-off; nothing deletes them before it ends.
 */
export function retentionEnds(signedAt: string, years: number): string {
  const y = Number(signedAt.slice(0, 4)) + years;
  return `${String(y).padStart(4, '0')}${signedAt.slice(4, 10)}`;
}

export function assertRetentionOver(what: string, signedAt: string, years: number, today: string): void {
  const until = retentionEnds(signedAt, years);
  if (today < until)
    throw new CoreError('RETENTION_ACTIVE', `${what} is kept until ${until} (retention ${years} years from sign-off); it cannot be deleted before then`, {
      what,
      until,
    });
}

export function assertRetentionYears(years: number): void {
  if (!Number.isInteger(years) || years < 1 || years > 100)
    throw new CoreError(
      'RESULT_INVALID',
      `retention must be a whole number of years from 1 to 100, not ${years}`,
      { what: 'retention years', path: '' },
      { field: 'years' },
    );
}
