import type { ResultStatus } from '../core/inspection/item-result.js';
import type { Actor } from '../core/people/actor.js';
import type { RejectionsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';

export interface Rejection {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  readonly hash: string;
}

/**
 * A reviewer sends a result back with a reason instead of approving it: the use case's rules
 * (src/services/use-cases/results.ts) — a signed run refuses it (RUN_SIGNED), a result not yet
 * recorded has nothing to review, and nobody reviews content they recorded (maker-checker, by account).
 */
export async function rejectResult(
  s: InspectionService,
  actor: Actor,
  ref: { firm: string; period: string; path: string },
  reason: string,
): Promise<Rejection> {
  const r = await s.reject(actor, { ...ref, reason });
  return { by: r.by, at: r.at, reason: r.reason ?? reason, hash: r.hash };
}

/**
 * The last rejection of each result of a run that still stands: one of exactly the content now
 * recorded (a new recording answers it).
 */
export async function standingRejections(s: InspectionService, runId: string): Promise<Map<string, Rejection>> {
  const rows: (RejectionsTable & { path: string; content_hash: string })[] = await s.db
    .selectFrom('rejections')
    .innerJoin('item_results', 'item_results.id', 'rejections.result_id')
    .selectAll('rejections')
    .select(['item_results.path', 'item_results.content_hash'])
    .where('item_results.run_id', '=', runId)
    .orderBy('rejections.rejected_at')
    .execute();
  const out = new Map<string, Rejection>();
  for (const r of rows) {
    if (r.rejected_hash === r.content_hash) out.set(r.path, { by: r.rejected_by, at: r.rejected_at, reason: r.reason, hash: r.rejected_hash });
    else out.delete(r.path);
  }
  return out;
}

/**
 * A person's result for an item (an attestation). Evidence left out keeps the evidence the
 * result already rests on; a list replaces it.
 */
export async function recordAttestation(
  s: InspectionService,
  actor: string | Actor,
  ref: { firm: string; period: string; path: string },
  input: { status: ResultStatus; justification?: string | null; expiresOn?: string | null; evidence?: readonly string[] },
) {
  let evidence = input.evidence;
  if (evidence === undefined) {
    const { results } = await s.results(ref.firm, ref.period);
    evidence = results.find((r) => r.path === ref.path)?.evidence ?? [];
  }
  return s.setResult(actor, ref, {
    status: input.status,
    justification: input.justification ?? null,
    source: 'attestation',
    expiresOn: input.expiresOn ?? null,
    evidence,
  });
}
