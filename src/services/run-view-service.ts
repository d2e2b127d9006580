import type { AnalyzerFinding, AnalyzerReport } from '../core/analysis/analyzer.js';
import type { ApplicabilityDecision } from '../core/applicability/evaluate-applicability.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { ItemResultView } from '../core/inspection/item-result.js';
import { parsePeriod } from '../core/plan/periods.js';
import { runOf } from '../storage/repositories/rows.js';
import type { FirmsTable, InspectionRunsTable, RunSignoffsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';
import type { Rejection } from './review-service.js';
import { resultViews } from './use-cases/results.js';
import { pickRevision } from './use-cases/runs.js';

/** Catalog versions parsed and kept, at most (a server sees a handful: one per amendment in use). */
const VERSIONS_KEPT = 16;

/**
 * Parsed catalog versions by content hash, least recently used first: a stored version never
 * changes (its hash is its content), so one parse serves every request that reads it, and a key
 * that is the hash cannot serve another store's different version under the same id.
 */
const versions = new Map<string, CatalogVersion>();

/** The catalog version frozen into a run, as stored with it; `hash` is the stored row's, when the caller has read it already. */
export async function storedVersion(s: InspectionService, id: string, hash?: string): Promise<CatalogVersion> {
  const known = hash === undefined ? undefined : versions.get(hash);
  if (known) {
    versions.delete(hash!);
    versions.set(hash!, known);
    return known;
  }
  const row = await s.db.selectFrom('catalog_versions').select(['content_json', 'hash']).where('id', '=', id).executeTakeFirstOrThrow();
  const version = JSON.parse(row.content_json) as CatalogVersion;
  versions.set(row.hash, version);
  if (versions.size > VERSIONS_KEPT) versions.delete(versions.keys().next().value!);
  return version;
}

export interface RunItemView {
  readonly path: string;
  readonly code: string | null;
  readonly title: string | null;
  readonly text: string | null;
  readonly decision: ApplicabilityDecision | null;
  readonly result: ItemResultView;
  readonly rejection: Rejection | null;
  readonly evidence: readonly { readonly sha256: string; readonly name: string; readonly size: number; readonly collectedAt: string }[];
  readonly verdicts: readonly { readonly analyzer: string; readonly verdict: string }[];
  readonly findings: readonly (AnalyzerFinding & { readonly analyzer: string })[];
}

export interface RunView {
  readonly firm: FirmsTable;
  readonly run: InspectionRunsTable;
  readonly revision: number;
  readonly revises: string | null;
  readonly signoff: RunSignoffsTable | null;
  readonly items: readonly RunItemView[];
}

/** Findings kept per item in a run view: a page shows the first ones; the report has them all. */
const FINDINGS_PER_ITEM = 200;

/**
 * The period's run (its latest revision, or the one asked for) with its revision, sign-off and the
 * stored hash of its catalog version, in one query — picked as resolveRun picks it (pickRevision), for
 * a firm already resolved (the API's access check read it; resolving it again is a round trip).
 */
async function runOfPeriod(s: InspectionService, firm: FirmsTable, periodRef: string, revision?: number) {
  const period = parsePeriod(periodRef).id;
  const rows = await s.db
    .selectFrom('inspection_runs')
    .innerJoin('catalog_versions', 'catalog_versions.id', 'inspection_runs.catalog_version_id')
    .leftJoin('run_revisions', 'run_revisions.id', 'inspection_runs.id')
    .leftJoin('run_signoffs', 'run_signoffs.run_id', 'inspection_runs.id')
    .selectAll('inspection_runs')
    .select([
      'catalog_versions.hash as version_hash',
      'run_revisions.revision',
      'run_revisions.revises_run_id',
      'run_signoffs.id as signoff_id',
      'run_signoffs.signed_by',
      'run_signoffs.signed_at',
      'run_signoffs.role',
      'run_signoffs.authentication',
      'run_signoffs.results_hash',
    ])
    .where('inspection_runs.firm_id', '=', firm.id)
    .where('inspection_runs.period', '=', period)
    .execute();
  const revisions = rows.map((r) => ({ ...r, revision: r.revision === null ? 1 : Number(r.revision) })).sort((a, b) => a.revision - b.revision);
  const found = pickRevision(firm.name, period, revisions, revision);
  const { version_hash, revises_run_id, signoff_id, signed_by, signed_at, role, authentication, results_hash, revision: number } = found;
  const run: InspectionRunsTable = {
    id: found.id,
    firm_id: found.firm_id,
    catalog_version_id: found.catalog_version_id,
    catalog_hash: found.catalog_hash,
    period: found.period,
    frequency: found.frequency,
    applicability_json: found.applicability_json,
    profile_hash: found.profile_hash,
    started_at: found.started_at,
    started_by: found.started_by,
  };
  const signoff: RunSignoffsTable | null =
    signoff_id === null
      ? null
      : {
          id: signoff_id,
          run_id: run.id,
          signed_by: signed_by!,
          signed_at: signed_at!,
          role: role!,
          authentication: authentication!,
          results_hash: results_hash!,
        };
  return { run, versionHash: version_hash, revision: number, revises: revises_run_id, signoff };
}

/**
 * A run as the run page shows it: every item with its text, why it applies, result, review,
 * evidence and analyzer output. A fixed number of queries whatever the run holds (set queries
 * over the run, never one per item); `firmRef` is the firm's row when the caller holds it.
 */
export async function runView(s: InspectionService, firmRef: FirmsTable | string, period: string, revision?: number): Promise<RunView> {
  const firm = typeof firmRef === 'string' ? await s.firm(firmRef) : firmRef;
  const { run, versionHash, revision: number, revises, signoff } = await runOfPeriod(s, firm, period, revision);
  const domainRun = runOf(run);
  const [results, version, reports] = await Promise.all([
    resultViews(s.store, domainRun, s.clock.today()),
    storedVersion(s, run.catalog_version_id, versionHash),
    s.analyzerReports(run.id).then((rows) => rows.map((r) => JSON.parse(r.report_json) as AnalyzerReport)),
  ]);
  const nodeOf = new Map(version.nodes.map((n) => [n.path, n]));
  const decisions = new Map(domainRun.applicability.map((d) => [d.path, d]));
  // Only the evidence the run's results rest on, not every file the firm ever uploaded.
  const shas = [...new Set(results.flatMap((r) => r.evidence))];
  const evidence = new Map(
    (shas.length
      ? await s.db
          .selectFrom('evidence')
          .select(['sha256', 'name', 'size', 'collected_at'])
          .where('firm_id', '=', firm.id)
          .where('sha256', 'in', shas)
          .execute()
      : []
    ).map((e) => [e.sha256, e]),
  );
  const items = results.map((r): RunItemView => {
    const node = nodeOf.get(r.path);
    const mine = reports.filter((a) => a.items.includes(r.path));
    return {
      path: r.path,
      code: r.code,
      title: node?.title ?? node?.titleEn ?? null,
      text: node?.text ?? node?.textEn ?? null,
      decision: decisions.get(r.path) ?? null,
      result: r,
      // The core's review state decides whether a rejection stands (one of exactly this content, after its last recording).
      rejection: r.approval?.state === 'rejected' ? { by: r.approval.by, at: r.approval.at, reason: r.approval.reason ?? '', hash: r.contentHash } : null,
      evidence: r.evidence.map((sha) => {
        const e = evidence.get(sha);
        return { sha256: sha, name: e?.name ?? '?', size: Number(e?.size ?? 0), collectedAt: e?.collected_at ?? '' };
      }),
      verdicts: mine.map((a) => ({ analyzer: a.analyzer, verdict: a.verdict })),
      findings: mine.flatMap((a) => a.findings.map((f) => ({ ...f, analyzer: a.analyzer }))).slice(0, FINDINGS_PER_ITEM),
    };
  });
  return { firm, run, revision: number, revises, signoff, items };
}

export interface RunSummary {
  readonly run: InspectionRunsTable;
  readonly revision: number;
  readonly signed: boolean;
}

/** Every run of a firm (each revision), newest period first. */
export async function runList(s: InspectionService, firmId: string): Promise<RunSummary[]> {
  const runs = await s.listRuns(firmId);
  const revisions = await s.db.selectFrom('run_revisions').select(['id', 'revision']).where('firm_id', '=', firmId).execute();
  const signed = new Set(
    (
      await s.db
        .selectFrom('run_signoffs')
        .innerJoin('inspection_runs', 'inspection_runs.id', 'run_signoffs.run_id')
        .select('run_signoffs.run_id')
        .where('inspection_runs.firm_id', '=', firmId)
        .execute()
    ).map((r) => r.run_id),
  );
  const revisionOf = new Map(revisions.map((r) => [r.id, Number(r.revision)]));
  return runs
    .map((run) => ({ run, revision: revisionOf.get(run.id) ?? 1, signed: signed.has(run.id) }))
    .sort((a, b) => (a.run.period === b.run.period ? b.revision - a.revision : a.run.period < b.run.period ? 1 : -1));
}
