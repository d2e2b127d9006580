import { assertReadyForSignoff, assertSignerIndependent, signedResultsHash } from '../../core/inspection/signoff.js';
import { actorLabel, assertCan, assertFreshFactor, type Actor } from '../../core/people/actor.js';
import type { Signoff } from '../../core/ports/records.js';
import type { InspectionDeps } from './deps.js';
import { resultViews } from './results.js';
import { assertWritable, resolveRun } from './runs.js';

/**
 * The CISO signs the inspection off: every applicable item has a current approved result, and the
 * signer recorded none of them (maker-checker). From then on the run is read-only
 * (臺證輔字第1060504884號). An account needs a second factor checked moments ago.
 */
export async function signRun(
  deps: InspectionDeps,
  actor: Actor,
  ref: { firm: string; period: string },
  how: { role: string; authentication: string },
): Promise<{ signoff: Signoff; revision: number }> {
  const { firm, run, revision } = await resolveRun(deps.store, ref);
  assertCan(actor, 'run.signoff', firm.id);
  assertFreshFactor(actor, deps.clock.now());
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    await assertWritable(tx, run, 'sign-off');
    const results = await resultViews(tx, run, deps.clock.today());
    assertReadyForSignoff(run.period, results);
    const stored = await tx.results.inRun(run.id);
    const recorders = [...stored.flatMap((r) => (r.recordedBy ? [r.recordedBy] : [])), ...(await tx.results.currentRecordersOfRun(run.id))];
    assertSignerIndependent(recorders, label, run.period);
    const hashOf = new Map(stored.map((r) => [r.path, r.contentHash]));
    const signoff = await tx.runs.addSignoff({
      id: deps.ids.next(),
      runId: run.id,
      signedBy: label,
      signedAt: deps.clock.now(),
      role: how.role,
      authentication: how.authentication,
      resultsHash: signedResultsHash(results.map((r) => ({ path: r.path, contentHash: hashOf.get(r.path)!, approvedBy: r.approval?.by ?? null }))),
    });
    return { signoff, revision };
  });
}
