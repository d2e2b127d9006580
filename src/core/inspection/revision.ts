import { CoreError } from '../errors.js';

/**
 * When a run may be revised (臺證輔字第1060504884號: 簽核完竣之稽核報告應採唯讀方式儲存): a
 * correction never edits a signed run, it is the next revision. So only a signed run is revised
 * (an unsigned one is corrected directly), and only the latest revision: revising an older one
 * would fork the period's history into two corrections of the same inspection.
 */
export function assertRevisable(signoff: { signedBy: string } | null, period: string, revision: number, latestRevision: number): void {
  if (!signoff) throw new CoreError('RUN_NOT_SIGNED', `${period} revision ${revision} is not signed off; correct it directly`, { period, what: 'revise' });
  if (revision !== latestRevision)
    throw new CoreError('RUN_REVISED', `${period} revision ${revision} was already revised (revision ${latestRevision} is the latest)`, {
      period,
      revision,
      latest: latestRevision,
    });
}
