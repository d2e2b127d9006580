import type { ResultStatus } from '../core/inspection/item-result.js';
import type { Actor } from '../core/people/actor.js';
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
