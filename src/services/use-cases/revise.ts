import { resultContentHash } from '../../core/inspection/item-result.js';
import { assertRevisable } from '../../core/inspection/revision.js';
import { actorLabel, assertCan, type Actor } from '../../core/people/actor.js';
import type { InspectionRun } from '../../core/ports/records.js';
import type { InspectionDeps } from './deps.js';
import { contentOf } from './results.js';
import { resolveRun } from './runs.js';

/**
 * A correction of a signed run: a new run of the same period (the next revision) that points at
 * the signed one, which stays exactly as it was (臺證輔字第1060504884號). The frozen catalog and
 * applicability are kept (a correction corrects results, not the scope); every result is copied as
 * it was — status, justification, evidence, expiry and recorder — but not its approval: every item
 * is approved afresh, and the original recorder still may not approve it (the recording is copied too).
 */
export async function reviseRun(
  deps: InspectionDeps,
  actor: Actor,
  ref: { firm: string; period: string },
): Promise<{ run: InspectionRun; revision: number; revises: string }> {
  const { firm, run: signed } = await resolveRun(deps.store, ref);
  assertCan(actor, 'run.revise', firm.id);
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    // Read again inside the transaction: a revision or sign-off that landed meanwhile decides.
    const revisions = await tx.runs.forPeriod(firm.id, signed.period);
    const latest = revisions[revisions.length - 1]!;
    const revision = revisions.find((r) => r.run.id === signed.id)!.revision;
    assertRevisable(await tx.runs.signoff(signed.id), signed.period, revision, latest.revision);
    const run = await tx.runs.addRevision(
      { ...signed, id: deps.ids.next(), startedAt: deps.clock.now(), startedBy: label },
      { revision: revision + 1, revisesRunId: signed.id, createdBy: label, createdAt: deps.clock.now() },
    );
    for (const r of await tx.results.inRun(signed.id)) {
      const content = { ...contentOf(r), runId: run.id };
      await tx.results.copyInto(r, {
        id: deps.ids.next(),
        runId: run.id,
        contentHash: resultContentHash(content),
        recordingId: deps.ids.next(),
        recordedAt: deps.clock.now(),
      });
    }
    // The analyzers' full reports go with the results they explain (still sealed as stored).
    await tx.runs.copyAnalyzerReports(signed.id, run.id, () => deps.ids.next());
    return { run, revision: revision + 1, revises: signed.id };
  });
}
