import { sql, type Kysely } from 'kysely';
import type { Review } from '../../core/ports/records.js';
import type { ReviewRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database } from '../schema.js';
import { writerOf } from './writer-of.js';

/** Approvals and rejections (two tables), each with the audit event that wrote it. */
export class KyselyReviewRepository implements ReviewRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  async forResults(resultIds: readonly string[]): Promise<Review[]> {
    if (!resultIds.length) return [];
    // Both tables in one query (UNION ALL), each review with the audit event that wrote it: the run
    // page reads this on every request, and on PostgreSQL each query is a round trip and about a
    // fifth of a millisecond of the server's CPU. An id is a UUID, unique across both tables.
    const rows = await this.db
      .selectFrom('approvals')
      .leftJoin('audit_events', (j) => j.onRef('audit_events.entity_id', '=', 'approvals.id').on('audit_events.entity', '=', 'approvals'))
      .select([
        'approvals.id',
        'approvals.result_id',
        sql<Review['kind']>`'approve'`.as('kind'),
        'approvals.approved_by as by',
        'approvals.approved_at as at',
        'approvals.approved_hash as hash',
        sql<string | null>`null`.as('reason'),
        'audit_events.seq',
      ])
      .where('approvals.result_id', 'in', resultIds)
      .unionAll(
        this.db
          .selectFrom('rejections')
          .leftJoin('audit_events', (j) => j.onRef('audit_events.entity_id', '=', 'rejections.id').on('audit_events.entity', '=', 'rejections'))
          .select([
            'rejections.id',
            'rejections.result_id',
            sql<Review['kind']>`'reject'`.as('kind'),
            'rejections.rejected_by as by',
            'rejections.rejected_at as at',
            'rejections.rejected_hash as hash',
            'rejections.reason',
            'audit_events.seq',
          ])
          .where('rejections.result_id', 'in', resultIds),
      )
      .execute();
    const seqOf = new Map<string, number>();
    for (const e of rows) if (e.seq !== null) seqOf.set(e.id, Math.max(seqOf.get(e.id) ?? 0, Number(e.seq)));
    const reviews = unique(rows).map((r): Review => ({
      id: r.id,
      resultId: r.result_id,
      kind: r.kind,
      by: r.by,
      at: r.at,
      hash: r.hash,
      reason: r.reason,
      seq: seqOf.get(r.id) ?? 0,
    }));
    return reviews.sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at));
  }

  async approve(r: Omit<Review, 'kind' | 'reason' | 'seq'>): Promise<Review> {
    await writerOf(this.w).insert(
      'approvals',
      { id: r.id, result_id: r.resultId, approved_by: r.by, approved_at: r.at, approved_hash: r.hash },
      'result.approve',
    );
    return (await this.forResults([r.resultId])).find((x) => x.id === r.id)!;
  }

  async reject(r: Omit<Review, 'kind' | 'seq'> & { reason: string }): Promise<Review> {
    await writerOf(this.w).insert(
      'rejections',
      { id: r.id, result_id: r.resultId, rejected_by: r.by, rejected_at: r.at, rejected_hash: r.hash, reason: r.reason },
      'result.reject',
    );
    return (await this.forResults([r.resultId])).find((x) => x.id === r.id)!;
  }
}

/** One row per review (a review written by more than one event would be joined once per event). */
function unique<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}
