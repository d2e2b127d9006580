import type { Kysely } from 'kysely';
import type { InspectionRun, RunRevision, Signoff } from '../../core/ports/records.js';
import type { CatalogVersionRef, RunRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database } from '../schema.js';
import { runOf, runRow, signoffOf, signoffRow } from './rows.js';
import { writerOf } from './writer-of.js';

export class KyselyRunRepository implements RunRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  async forPeriod(firmId: string, period: string): Promise<RunRevision[]> {
    const runs = await this.db.selectFrom('inspection_runs').selectAll().where('firm_id', '=', firmId).where('period', '=', period).execute();
    const revisions = await this.db.selectFrom('run_revisions').selectAll().where('firm_id', '=', firmId).where('period', '=', period).execute();
    return runs
      .map((r): RunRevision => {
        const rev = revisions.find((v) => v.id === r.id);
        return { run: runOf(r), revision: rev ? Number(rev.revision) : 1, revisesRunId: rev?.revises_run_id ?? null };
      })
      .sort((a, b) => a.revision - b.revision);
  }

  async byIdPrefix(prefix: string): Promise<{ run: InspectionRun; licence: string }[]> {
    const rows = await this.db
      .selectFrom('inspection_runs')
      .innerJoin('firms', 'firms.id', 'inspection_runs.firm_id')
      .selectAll('inspection_runs')
      .select('firms.licence')
      .where('inspection_runs.id', 'like', `${prefix}%`)
      .execute();
    return rows.map(({ licence, ...r }) => ({ run: runOf(r), licence }));
  }

  async list(firmId?: string): Promise<InspectionRun[]> {
    let q = this.db.selectFrom('inspection_runs').selectAll().orderBy('period', 'desc');
    if (firmId) q = q.where('firm_id', '=', firmId);
    return (await q.execute()).map(runOf);
  }

  async byId(id: string): Promise<InspectionRun | null> {
    const r = await this.db.selectFrom('inspection_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? runOf(r) : null;
  }

  async add(run: InspectionRun): Promise<InspectionRun> {
    return runOf(await writerOf(this.w).insert('inspection_runs', runRow(run)));
  }

  async addRevision(run: InspectionRun, revision: { revision: number; revisesRunId: string; createdBy: string; createdAt: string }): Promise<InspectionRun> {
    const w = writerOf(this.w);
    const row = await w.insert('inspection_runs', runRow(run), 'run.revise');
    await w.insert('run_revisions', {
      id: run.id,
      firm_id: run.firmId,
      period: run.period,
      revision: revision.revision,
      revises_run_id: revision.revisesRunId,
      created_by: revision.createdBy,
      created_at: revision.createdAt,
    });
    return runOf(row);
  }

  async copyAnalyzerReports(fromRunId: string, toRunId: string, newId: () => string): Promise<number> {
    const w = writerOf(this.w);
    const rows = await this.db.selectFrom('analyzer_reports').selectAll().where('run_id', '=', fromRunId).execute();
    for (const r of rows) await w.insert('analyzer_reports', { ...r, id: newId(), run_id: toRunId });
    return rows.length;
  }

  async signoff(runId: string): Promise<Signoff | null> {
    const r = await this.db.selectFrom('run_signoffs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return r ? signoffOf(r) : null;
  }

  async addSignoff(s: Signoff): Promise<Signoff> {
    return signoffOf(await writerOf(this.w).insert('run_signoffs', signoffRow(s), 'run.signoff'));
  }

  async storedCatalogVersion(id: string): Promise<CatalogVersionRef | null> {
    return (await this.db.selectFrom('catalog_versions').select(['id', 'hash']).where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async storeCatalogVersion(version: CatalogVersionRef & { effectiveDate: string | null; contentJson: string }, at: string): Promise<void> {
    await writerOf(this.w).insert('catalog_versions', {
      id: version.id,
      hash: version.hash,
      effective_date: version.effectiveDate,
      content_json: version.contentJson,
      stored_at: at,
    });
  }
}
