import { CoreError } from '../errors.js';
import type { ItemResultView } from './item-result.js';
import { principalOf, principalOfStored } from './principal.js';

/** A review as the rules see it: approve or reject, of which content hash, in chain order. */
export interface ReviewFact {
  readonly kind: 'approve' | 'reject';
  readonly by: string;
  readonly at: string;
  readonly hash: string;
  readonly reason: string | null;
  /** The audit event that wrote it. */
  readonly seq: number;
}

/**
 * The review that counts for a result now: the latest approval or rejection. An approval counts
 * only for the recording it signed: a result changed and changed back has the approved hash
 * again, but a recording after the approval voids it (the audit chain orders the two). A
 * rejection sends the item back to the officer until it is recorded again.
 */
export function reviewState(currentHash: string, lastRecordingSeq: number, reviews: readonly ReviewFact[]): ItemResultView['approval'] {
  const last = [...reviews].sort((a, b) => a.seq - b.seq).pop();
  if (!last) return null;
  const current = last.hash === currentHash && last.seq > lastRecordingSeq;
  // Recorded again after a rejection: the officer's correction awaits a review; nothing to void.
  if (last.kind === 'reject') return current ? { state: 'rejected', by: last.by, at: last.at, reason: last.reason } : null;
  return { state: current ? 'approved' : 'void', by: last.by, at: last.at };
}

/**
 * A rejection states why (the officer must know what to correct), and like an approval it is a
 * review: nobody rejects content they recorded (maker-checker, 覆核須由紀錄者以外之人為之).
 */
export function assertCanReject(recorders: readonly string[], reviewer: string, path: string, reason: string): void {
  if (reason.trim().length < 5)
    throw new CoreError('RESULT_INVALID', `${path}: a rejection needs a reason of at least 5 characters`, { what: 'reason', path }, { field: 'reason' });
  const who = principalOf(reviewer);
  for (const r of recorders)
    if (principalOfStored(r) === who)
      throw new CoreError('RESULT_SELF_APPROVAL', `${path}: ${reviewer} recorded this result (as "${r}") and cannot also review it (maker-checker)`, {
        path,
        actor: reviewer,
      });
}
