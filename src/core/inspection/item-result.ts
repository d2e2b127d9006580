import { createHash } from 'node:crypto';
import type { IsoDate } from '../dates.js';
import { CoreError } from '../errors.js';
import { principalOf, principalOfStored } from './principal.js';

/** 查核結果: 符合 · 不符合 · 部分符合 · 不適用 · error · 未執行 */
export const RESULT_STATUSES = ['pass', 'fail', 'partial', 'not_applicable', 'error', 'not_run'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** Who produced a result: an analyzer over evidence, a person's attestation, or ccheck itself (applicability). */
export type ResultSource = 'analyzer' | 'attestation' | 'system';

/** Exactly what a reviewer approves; its hash is stored with the approval. */
export interface ResultContent {
  readonly runId: string;
  readonly path: string;
  readonly status: ResultStatus;
  readonly justification: string | null;
  readonly source: ResultSource;
  /** SHA-256 of every evidence file the result rests on, sorted. */
  readonly evidence: readonly string[];
  readonly expiresOn: IsoDate | null;
}

/**
 * The hash of exactly the fields of ResultContent, as `canonicalJson` writes them (keys sorted,
 * evidence sorted): built field by field because a run page hashes every item on every read, and
 * the generic writer cost it a tenth of its time. An extra property on `c` is not content.
 */
export function resultContentHash(c: ResultContent): string {
  const fields: [string, unknown][] = [
    ['evidence', [...c.evidence].sort()],
    ['expiresOn', c.expiresOn],
    ['justification', c.justification],
    ['path', c.path],
    ['runId', c.runId],
    ['source', c.source],
    ['status', c.status],
  ];
  // canonicalJson leaves out a field that is undefined; so does this.
  const json = `{${fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `"${k}":${JSON.stringify(v)}`)
    .join(',')}}`;
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/**
 * Checks a result before it is recorded. A person's attestation, a `not_applicable` and a
 * `partial` must say why; an attestation needs an expiry (as InSpec attestations do), so that
 * a manual answer is never valid forever.
 */
export function validateResult(c: ResultContent, recordedOn: IsoDate): void {
  const fail = (what: string, field: string): never => {
    throw new CoreError('RESULT_INVALID', `${c.path}: ${what}`, { what, path: c.path }, { field });
  };
  if (!RESULT_STATUSES.includes(c.status)) fail(`unknown status "${c.status}" (${RESULT_STATUSES.join(', ')})`, 'status');
  const why = c.justification?.trim() ?? '';
  if ((c.source === 'attestation' || c.status === 'not_applicable' || c.status === 'partial') && why.length < 5) {
    fail(`a ${c.source === 'attestation' ? 'manual attestation' : c.status} result needs a justification of at least 5 characters`, 'justification');
  }
  if (c.source === 'attestation') {
    if (!c.expiresOn) fail('a manual attestation needs an expiry date (until when it holds)', 'expires');
    else if (c.expiresOn <= recordedOn) fail(`the attestation expires (${c.expiresOn}) on or before the day it is recorded`, 'expires');
  }
}

/** An attestation past its expiry no longer counts: the item is back to not run. */
export function effectiveStatus(r: Pick<ResultContent, 'status' | 'source' | 'expiresOn'>, today: IsoDate): ResultStatus {
  if (r.source === 'attestation' && r.expiresOn !== null && r.expiresOn <= today) return 'not_run';
  return r.status;
}

/** Error never counts as pass or fail, and nothing that was not run is a pass. */
export function countsAs(status: ResultStatus): 'compliant' | 'non_compliant' | 'undetermined' | 'excluded' {
  if (status === 'pass') return 'compliant';
  if (status === 'fail' || status === 'partial') return 'non_compliant';
  if (status === 'not_applicable') return 'excluded';
  return 'undetermined';
}

/**
 * Maker-checker: nobody approves content they recorded. `recorders` are everyone who ever
 * recorded exactly this content (the same content hash) for the item, not only the last one: a
 * result changed by someone else and changed back is still the first recorder's content.
 * Names are compared as principals (see principalOf).
 */
export function assertCanApprove(recorders: string | readonly string[], approver: string, path: string): void {
  const who = principalOf(approver);
  for (const r of typeof recorders === 'string' ? [recorders] : recorders) {
    if (principalOfStored(r) === who) {
      throw new CoreError('RESULT_SELF_APPROVAL', `${path}: ${approver} recorded this result (as "${r}") and cannot also approve it (maker-checker)`, {
        path,
        actor: approver,
      });
    }
  }
}

/** A result as shown to people: what was recorded, what counts today, and its sign-off. */
export interface ItemResultView {
  readonly path: string;
  readonly code: string | null;
  readonly status: ResultStatus;
  /** The status that counts today: an expired attestation is back to not_run. */
  readonly effectiveStatus: ResultStatus;
  readonly source: string;
  readonly justification: string | null;
  readonly recordedBy: string | null;
  readonly recordedAt: string | null;
  readonly expiresOn: string | null;
  readonly evidence: readonly string[];
  /** The hash of the content recorded now (recomputed, not the stored one): what a review of it names. */
  readonly contentHash: string;
  /** The review that counts now: approved (exactly this content), rejected (back to the officer, with the reason) or void (the content changed since). */
  readonly approval:
    | { readonly state: 'approved' | 'void'; readonly by: string; readonly at: string }
    | { readonly state: 'rejected'; readonly by: string; readonly at: string; readonly reason: string | null }
    | null;
}
