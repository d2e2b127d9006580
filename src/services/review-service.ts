import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CoreError } from '../core/errors.js';
import { assertCanApprove, resultContentHash, type ResultSource, type ResultStatus } from '../core/inspection/item-result.js';
import { principalOf } from '../core/inspection/principal.js';
import { assertRunWritable } from '../core/inspection/signoff.js';
import { resolveAuditKey } from '../storage/audit-key.js';
import { AuditedWriter } from '../storage/audited-writer.js';
import type { Database, ResultRejectionsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';

/**
 * One audited write on the service's store, in its transaction: the same path every write of
 * InspectionService takes (the actor's name checked first, the event MACed with the audit key).
 * For use cases that live outside that class while it is being split up (issue 10).
 */
export async function auditedWrite<T>(
  s: InspectionService,
  env: NodeJS.ProcessEnv,
  actor: string,
  fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  principalOf(actor);
  const key = resolveAuditKey(env, s.home);
  return s.transaction(() => {
    const tx = s.db;
    return fn(new AuditedWriter(tx, actor, s.clock.now(), key), tx);
  });
}

export interface Rejection {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  readonly hash: string;
}

/**
 * A reviewer sends a result back with a reason instead of approving it. The rule is the
 * approval's: a signed run refuses it (RUN_SIGNED), a result not yet recorded has nothing to
 * review, and nobody reviews content they recorded themselves (maker-checker, by account).
 */
export async function rejectResult(
  s: InspectionService,
  env: NodeJS.ProcessEnv,
  actor: string,
  ref: { firm: string; period: string; path: string },
  reason: string,
): Promise<Rejection> {
  const why = reason.trim();
  if (!why) throw new CoreError('RESULT_INVALID', `${ref.path}: a rejection needs a reason`, { what: 'reason', path: ref.path });
  const { run } = await s.run(ref.firm, ref.period);
  return auditedWrite(s, env, actor, async (w, tx) => {
    const signoff = await s.signoffOf(run.id, tx);
    assertRunWritable(signoff ? { signedBy: signoff.signed_by, signedAt: signoff.signed_at } : null, run.period, 'rejection');
    const r = await tx.selectFrom('item_results').selectAll().where('run_id', '=', run.id).where('path', '=', ref.path).executeTakeFirst();
    if (!r) throw new CoreError('RUN_ITEM_NOT_IN_RUN', `item ${ref.path} is not part of this inspection`, { path: ref.path });
    if (r.status === 'not_run') throw new CoreError('RESULT_INVALID', `${ref.path} has no result yet; nothing to reject`, { what: 'not run', path: ref.path });
    const evidence = await tx
      .selectFrom('result_evidence')
      .innerJoin('evidence', 'evidence.id', 'result_evidence.evidence_id')
      .select('evidence.sha256')
      .where('result_evidence.result_id', '=', r.id)
      .execute();
    const hash = resultContentHash({
      runId: r.run_id,
      path: r.path,
      status: r.status as ResultStatus,
      justification: r.justification,
      source: r.source as ResultSource,
      evidence: evidence.map((e) => e.sha256).sort(),
      expiresOn: r.expires_on,
    });
    const history = await tx.selectFrom('result_recordings').select('recorded_by').where('result_id', '=', r.id).where('content_hash', '=', hash).execute();
    assertCanApprove([...(r.recorded_by ? [r.recorded_by] : []), ...history.map((h) => h.recorded_by)], actor, ref.path);
    const row = await w.insert(
      'result_rejections',
      { id: randomUUID(), result_id: r.id, rejected_by: actor, rejected_at: s.clock.now(), rejected_hash: hash, reason: why },
      'result.reject',
    );
    return { by: row.rejected_by, at: row.rejected_at, reason: row.reason, hash: row.rejected_hash };
  });
}

/**
 * The last rejection of each result of a run that still stands: one of exactly the content now
 * recorded (a new recording answers it).
 */
export async function standingRejections(s: InspectionService, runId: string): Promise<Map<string, Rejection>> {
  const rows: (ResultRejectionsTable & { path: string; content_hash: string })[] = await s.db
    .selectFrom('result_rejections')
    .innerJoin('item_results', 'item_results.id', 'result_rejections.result_id')
    .selectAll('result_rejections')
    .select(['item_results.path', 'item_results.content_hash'])
    .where('item_results.run_id', '=', runId)
    .orderBy('result_rejections.rejected_at')
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
  actor: string,
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
