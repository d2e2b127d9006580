import { assertCan, type Actor } from '../../core/people/actor.js';
import type { SignatureEvent } from '../../core/inspection/signature-history.js';
import type { Signoff } from '../../core/ports/records.js';
import type { OutputDeps } from './deps.js';
import { resolveRun, type RunRef } from './runs.js';
import { parseInput, runRefSchema } from './schemas.js';

export interface SignatureHistory {
  readonly revision: number;
  readonly revisesRunId: string | null;
  readonly signoff: Signoff | null;
  readonly history: readonly SignatureEvent[];
}

/**
 * A run's e-signature history (start, recordings, approvals and rejections, revision, sign-off,
 * in audit-chain order with the hash each covers): what the report prints, for whoever may read
 * the firm's reports.
 */
export async function signatureHistory(deps: OutputDeps, actor: Actor, ref: RunRef): Promise<SignatureHistory> {
  const s = deps.inspections;
  const { firm, run, revision } = await resolveRun(s.store, parseInput(runRefSchema, ref, 'signature history'));
  assertCan(actor, 'report.read', firm.id);
  const h = await s.signatureHistory((await s.run(firm.id, run.period, revision)).run);
  const signoff = await s.store.runs.signoff(run.id);
  return { revision: h.revision, revisesRunId: h.revisesRunId, signoff, history: h.history };
}
