import type { Kysely } from 'kysely';
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
    const approvals = await this.db.selectFrom('approvals').selectAll().where('result_id', 'in', resultIds).execute();
    const rejections = await this.db.selectFrom('rejections').selectAll().where('result_id', 'in', resultIds).execute();
    const ids = [...approvals.map((a) => a.id), ...rejections.map((r) => r.id)];
    const events = ids.length
      ? await this.db
          .selectFrom('audit_events')
          .select(['entity_id', 'seq'])
          .where('entity', 'in', ['approvals', 'rejections'])
          .where('entity_id', 'in', ids)
          .execute()
      : [];
    const seqOf = new Map(events.map((e) => [e.entity_id, Number(e.seq)]));
    const reviews: Review[] = [
      ...approvals.map((a): Review => ({
        id: a.id,
        resultId: a.result_id,
        kind: 'approve',
        by: a.approved_by,
        at: a.approved_at,
        hash: a.approved_hash,
        reason: null,
        seq: seqOf.get(a.id) ?? 0,
      })),
      ...rejections.map((r): Review => ({
        id: r.id,
        resultId: r.result_id,
        kind: 'reject',
        by: r.rejected_by,
        at: r.rejected_at,
        hash: r.rejected_hash,
        reason: r.reason,
        seq: seqOf.get(r.id) ?? 0,
      })),
    ];
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
