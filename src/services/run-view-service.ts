import type { AnalyzerFinding, AnalyzerReport } from '../core/analysis/analyzer.js';
import type { ApplicabilityDecision } from '../core/applicability/evaluate-applicability.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { ItemResultView } from '../core/inspection/item-result.js';
import type { EvidenceTable, FirmsTable, InspectionRunsTable, RunSignoffsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';
import type { Rejection } from './review-service.js';

/** Parsed catalog versions by id: versions are immutable and content-hashed, so one parse serves every request. */
const versions = new Map<string, CatalogVersion>();

/** The catalog version frozen into a run, as stored with it (parsed once per process). */
export async function storedVersion(s: InspectionService, id: string): Promise<CatalogVersion> {
  const known = versions.get(id);
  if (known) return known;
  const row = await s.db.selectFrom('catalog_versions').select(['content_json', 'hash']).where('id', '=', id).executeTakeFirstOrThrow();
  const version = JSON.parse(row.content_json) as CatalogVersion;
  if (versions.size > 32) versions.clear();
  versions.set(id, version);
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

/** A run as the run page shows it: every item with its text, why it applies, result, review, evidence and analyzer output. */
export async function runView(s: InspectionService, firmRef: string, period: string, revision?: number): Promise<RunView> {
  const { firm, run, revision: number } = await s.run(firmRef, period, revision);
  const { results } = await s.results(firm.id, run.period, number);
  const version = await storedVersion(s, run.catalog_version_id);
  const nodeOf = new Map(version.nodes.map((n) => [n.path, n]));
  const decisions = new Map((JSON.parse(run.applicability_json) as ApplicabilityDecision[]).map((d) => [d.path, d]));
  const evidence = new Map<string, EvidenceTable>((await s.listEvidence(firm.id)).map((e) => [e.sha256, e]));
  const reports = (await s.analyzerReports(run.id)).map((r) => JSON.parse(r.report_json) as AnalyzerReport);
  const signoff = await s.signoffOf(run.id);
  const rev = await s.db.selectFrom('run_revisions').select('revises_run_id').where('id', '=', run.id).executeTakeFirst();
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
  return { firm, run, revision: number, revises: rev?.revises_run_id ?? null, signoff, items };
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
