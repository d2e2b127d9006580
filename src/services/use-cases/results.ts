import { CoreError } from '../../core/errors.js';
import { decideFinding, type FindingSeverity } from '../../core/inspection/finding.js';
import {
  assertCanApprove,
  effectiveStatus,
  resultContentHash,
  validateResult,
  type ItemResultView,
  type ResultContent,
  type ResultSource,
  type ResultStatus,
} from '../../core/inspection/item-result.js';
import { assertCanReject, reviewState } from '../../core/inspection/review.js';
import { actorLabel, assertCan, assertFreshFactor, type Actor } from '../../core/people/actor.js';
import type { Finding, InspectionRun, Review, StoredResult } from '../../core/ports/records.js';
import type { InspectionRepositories } from '../../core/ports/repositories.js';
import type { InspectionDeps } from './deps.js';
import { assertWritable, resolveRun, type RunRef } from './runs.js';
import { parseInput, recordResultInputSchema } from './schemas.js';

export interface ItemRef {
  readonly firm: string;
  readonly period: string;
  /** The item's path, e.g. 7/(1)/d/(b). */
  readonly path: string;
}

export interface RecordResultInput {
  readonly status: ResultStatus;
  readonly justification?: string | null;
  readonly source: ResultSource;
  readonly expiresOn?: string | null;
  readonly evidence?: readonly string[];
  /** The severity of the finding a fail or partial opens (default medium). */
  readonly severity?: FindingSeverity;
}

async function resultAt(repos: InspectionRepositories, run: InspectionRun, path: string): Promise<StoredResult> {
  const r = await repos.results.byPath(run.id, path);
  if (!r) throw new CoreError('RUN_ITEM_NOT_IN_RUN', `item ${path} is not part of this inspection (it has another frequency, or does not exist)`, { path });
  return r;
}

export function contentOf(r: StoredResult): ResultContent {
  return {
    runId: r.runId,
    path: r.path,
    status: r.status,
    justification: r.justification,
    source: r.source,
    evidence: r.evidence,
    expiresOn: r.expiresOn,
  };
}

/**
 * Records a result (an analyzer's or a person's attestation). A failed or partial result opens a
 * finding, linked to the same item's finding in an earlier period when it recurs.
 */
export async function recordResult(
  deps: InspectionDeps,
  actor: Actor,
  ref: ItemRef,
  input: RecordResultInput,
): Promise<{ result: StoredResult; finding: Finding | null }> {
  input = parseInput(recordResultInputSchema, input, ref.path);
  const { firm, run } = await resolveRun(deps.store, ref);
  assertCan(actor, input.source === 'analyzer' ? 'analysis.run' : 'result.record', firm.id);
  const label = actorLabel(actor);
  const today = deps.clock.today();
  return deps.store.write(label, async (tx) => {
    await assertWritable(tx, run, input.source === 'analyzer' ? 'analyzer result' : 'result set');
    const current = await resultAt(tx, run, ref.path);
    const wanted = [...new Set(input.evidence ?? [])];
    const evidence = await tx.evidence.bySha(firm.id, wanted);
    const missing = wanted.filter((s) => !evidence.some((e) => e.sha256 === s));
    if (missing.length)
      throw new CoreError('EVIDENCE_NOT_FOUND', `no evidence ${missing[0]!.slice(0, 12)}… for ${firm.name} (add it first)`, { sha256: missing[0]! });
    const content: ResultContent = {
      runId: run.id,
      path: ref.path,
      status: input.status,
      justification: input.justification?.trim() || null,
      source: input.source,
      evidence: evidence.map((e) => e.sha256).sort(),
      expiresOn: input.expiresOn ?? null,
    };
    validateResult(content, today);
    const at = deps.clock.now();
    const result = await tx.results.record(
      current,
      content,
      { id: deps.ids.next(), by: label, at, contentHash: resultContentHash(content) },
      evidence.map((e) => e.id),
    );
    deps.fault?.('result.before-commit');
    const open = await tx.findings.openFor(current.id);
    const earlier = open ? null : await tx.findings.earlierFor(firm.id, ref.path, { runId: run.id, period: run.period });
    const decision = decideFinding(content.status, open, earlier);
    if (decision.action === 'none') return { result, finding: null };
    if (decision.action === 'keep') return { result, finding: open };
    const finding = await tx.findings.add(
      {
        id: deps.ids.next(),
        firmId: firm.id,
        runId: run.id,
        resultId: current.id,
        path: ref.path,
        severity: input.severity ?? 'medium',
        status: 'open',
        rootCause: null,
        correctiveAction: null,
        owner: null,
        dueOn: null,
        effectivenessCheck: null,
        verifiedBy: null,
        verifiedAt: null,
        previousFindingId: decision.previousFindingId,
        openedAt: at,
        openedBy: label,
      },
      decision.repeat,
    );
    return { result, finding };
  });
}

/** The stored result, checked against its own hash: a row changed outside ccheck is never reviewed. */
async function reviewable(tx: InspectionRepositories, run: InspectionRun, path: string): Promise<{ r: StoredResult; recorders: string[] }> {
  const r = await resultAt(tx, run, path);
  if (r.status === 'not_run') throw new CoreError('RESULT_INVALID', `${path} has no result yet; nothing to review`, { what: 'not run', path });
  const hash = resultContentHash(contentOf(r));
  if (hash !== r.contentHash)
    throw new CoreError('AUDIT_CHAIN_BROKEN', `${path}: the stored result does not match its own hash; it was changed outside ccheck`, {
      path,
    });
  // Everyone who ever recorded exactly this content for the item, not only the last recorder.
  const recorders = [...(r.recordedBy ? [r.recordedBy] : []), ...(await tx.results.recordersOf(r.id, hash))];
  return { r, recorders };
}

/**
 * Maker-checker sign-off: someone other than the recorder approves, and the approval stores the
 * hash of exactly what was approved. A later change voids it visibly.
 */
export async function approveResult(deps: InspectionDeps, actor: Actor, ref: ItemRef): Promise<Review> {
  const { firm, run } = await resolveRun(deps.store, ref);
  assertCan(actor, 'result.approve', firm.id);
  assertFreshFactor(actor, deps.clock.now());
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    await assertWritable(tx, run, 'approval');
    const { r, recorders } = await reviewable(tx, run, ref.path);
    assertCanApprove(recorders, label, ref.path);
    return tx.reviews.approve({ id: deps.ids.next(), resultId: r.id, by: label, at: deps.clock.now(), hash: r.contentHash });
  });
}

/**
 * A supervisor sends a recorded result back to the officer, with the reason (issue 12: the
 * e-signature history lists rejections). The result stays as recorded; it counts as rejected
 * (and blocks sign-off) until someone records it again. Maker-checker as for approvals.
 */
export async function rejectResult(deps: InspectionDeps, actor: Actor, ref: ItemRef & { readonly reason: string }): Promise<Review> {
  const { firm, run } = await resolveRun(deps.store, ref);
  assertCan(actor, 'result.reject', firm.id);
  assertFreshFactor(actor, deps.clock.now());
  const label = actorLabel(actor);
  return deps.store.write(label, async (tx) => {
    await assertWritable(tx, run, 'rejection');
    const { r, recorders } = await reviewable(tx, run, ref.path);
    assertCanReject(recorders, label, ref.path, ref.reason);
    return tx.reviews.reject({ id: deps.ids.next(), resultId: r.id, by: label, at: deps.clock.now(), hash: r.contentHash, reason: ref.reason.trim() });
  });
}

/** The run's results as people see them: what counts today, and the review that counts now; in catalog order. */
export async function resultViews(repos: InspectionRepositories, run: InspectionRun, today: string): Promise<ItemResultView[]> {
  const rows = await repos.results.inRun(run.id);
  const ids = rows.map((r) => r.id);
  const reviews = await repos.reviews.forResults(ids);
  const lastSet = reviews.length ? await repos.results.lastRecordingSeq(ids) : new Map<string, number>();
  const order = new Map(run.applicability.map((d, i) => [d.path, i]));
  return rows
    .map((r): ItemResultView => {
      // The stored hash is recomputed: a row changed outside ccheck is never shown as approved.
      const contentHash = resultContentHash(contentOf(r));
      return {
        path: r.path,
        code: r.code,
        status: r.status,
        effectiveStatus: effectiveStatus(r, today),
        source: r.source,
        justification: r.justification,
        recordedBy: r.recordedBy,
        recordedAt: r.recordedAt,
        expiresOn: r.expiresOn,
        evidence: r.evidence,
        contentHash,
        approval: reviewState(
          contentHash,
          lastSet.get(r.id) ?? 0,
          reviews.filter((v) => v.resultId === r.id),
        ),
      };
    })
    .sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}

export async function listResults(
  deps: InspectionDeps,
  actor: Actor,
  ref: RunRef,
): Promise<{ run: InspectionRun; revision: number; results: ItemResultView[] }> {
  const { firm, run, revision } = await resolveRun(deps.store, ref);
  assertCan(actor, 'firm.read', firm.id);
  return { run, revision, results: await resultViews(deps.store, run, deps.clock.today()) };
}
