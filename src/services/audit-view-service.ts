import type { AuditEventsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';

export type AuditEventView = Pick<AuditEventsTable, 'seq' | 'at' | 'actor' | 'action' | 'entity' | 'entity_id'>;

/**
 * Audit events after `after` (seq), oldest first, at most `limit`. With a firm: only events about
 * that firm's rows (the firm, its runs, their results, recordings, reviews and sign-offs, its
 * evidence and findings), so a grant on one firm never shows another firm's trail.
 */
export async function auditEvents(s: InspectionService, query: { firmId?: string; after?: number; limit: number }): Promise<AuditEventView[]> {
  let q = s.db
    .selectFrom('audit_events')
    .select(['seq', 'at', 'actor', 'action', 'entity', 'entity_id'])
    .where('seq', '>', query.after ?? 0)
    .orderBy('seq')
    .limit(query.limit);
  const firmId = query.firmId;
  if (firmId !== undefined) {
    q = q.where((eb) => {
      const runs = eb.selectFrom('inspection_runs').select('id').where('firm_id', '=', firmId);
      const results = eb.selectFrom('item_results').select('id').where('run_id', 'in', runs);
      const on = (entity: string, ids: Parameters<typeof eb>[2]) => eb.and([eb('entity', '=', entity), eb('entity_id', 'in', ids)]);
      return eb.or([
        eb.and([eb('entity', 'in', ['firms', 'firm_retention']), eb('entity_id', '=', firmId)]),
        on('inspection_runs', runs),
        on('run_revisions', runs),
        on('item_results', results),
        on('evidence', eb.selectFrom('evidence').select('id').where('firm_id', '=', firmId)),
        on('findings', eb.selectFrom('findings').select('id').where('firm_id', '=', firmId)),
        on('approvals', eb.selectFrom('approvals').select('id').where('result_id', 'in', results)),
        on('result_rejections', eb.selectFrom('result_rejections').select('id').where('result_id', 'in', results)),
        on('result_recordings', eb.selectFrom('result_recordings').select('id').where('result_id', 'in', results)),
        on('run_signoffs', eb.selectFrom('run_signoffs').select('id').where('run_id', 'in', runs)),
        on('analyzer_reports', eb.selectFrom('analyzer_reports').select('id').where('run_id', 'in', runs)),
      ]);
    });
  }
  return (await q.execute()).map((e) => ({ ...e, seq: Number(e.seq) }));
}
