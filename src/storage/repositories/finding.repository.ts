import type { Kysely } from 'kysely';
import type { Finding } from '../../core/ports/records.js';
import type { FindingPatch, FindingRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database, FindingsTable } from '../schema.js';
import { findingOf, findingRow } from './rows.js';
import { writerOf } from './writer-of.js';

export class KyselyFindingRepository implements FindingRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  async list(firmId?: string): Promise<Finding[]> {
    let q = this.db.selectFrom('findings').selectAll().orderBy('opened_at');
    if (firmId) q = q.where('firm_id', '=', firmId);
    return (await q.execute()).map(findingOf);
  }

  async byIdPrefix(prefix: string): Promise<Finding[]> {
    return (await this.db.selectFrom('findings').selectAll().where('id', 'like', `${prefix}%`).execute()).map(findingOf);
  }

  async openFor(resultId: string): Promise<Finding | null> {
    const r = await this.db.selectFrom('findings').selectAll().where('result_id', '=', resultId).where('status', '!=', 'verified_closed').executeTakeFirst();
    return r ? findingOf(r) : null;
  }

  async earlierFor(firmId: string, path: string, before: { runId: string; period: string }): Promise<Finding | null> {
    const r = await this.db
      .selectFrom('findings')
      .innerJoin('inspection_runs', 'inspection_runs.id', 'findings.run_id')
      .selectAll('findings')
      .where('findings.firm_id', '=', firmId)
      .where('findings.path', '=', path)
      .where('findings.run_id', '!=', before.runId)
      .where('inspection_runs.period', '<', before.period)
      .orderBy('inspection_runs.period', 'desc')
      .executeTakeFirst();
    return r ? findingOf(r) : null;
  }

  async add(finding: Finding, repeat: boolean): Promise<Finding> {
    return findingOf(await writerOf(this.w).insert('findings', findingRow(finding), repeat ? 'finding.open_repeat' : 'finding.open'));
  }

  async update(id: string, p: FindingPatch, action: string): Promise<Finding> {
    const next: Partial<FindingsTable> = {};
    if (p.severity !== undefined) next.severity = p.severity;
    if (p.status !== undefined) next.status = p.status;
    if (p.rootCause !== undefined) next.root_cause = p.rootCause;
    if (p.correctiveAction !== undefined) next.corrective_action = p.correctiveAction;
    if (p.owner !== undefined) next.owner = p.owner;
    if (p.dueOn !== undefined) next.due_on = p.dueOn;
    if (p.effectivenessCheck !== undefined) next.effectiveness_check = p.effectivenessCheck;
    if (p.verifiedBy !== undefined) next.verified_by = p.verifiedBy;
    if (p.verifiedAt !== undefined) next.verified_at = p.verifiedAt;
    return findingOf(await writerOf(this.w).update('findings', id, next, action));
  }
}
