import type { AnalyzerReport } from '../core/analysis/analyzer.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { IsoDate } from '../core/dates.js';
import { parsePeriod } from '../core/plan/periods.js';
import { diffVersions } from '../core/catalog/diff-versions.js';
import { reportFonts } from '../io/catalog-data.js';
import { renderInspectionReportHtml, type InspectionReportData, type ReportCatalogChange, type ReportItem } from '../reports/inspection-report-html.js';
import { renderInspectionReportPdf } from '../reports/inspection-report-pdf.js';
import { renderInspectionReportXlsx } from '../reports/inspection-report-xlsx.js';
import type { ReportSignature } from '../core/inspection/signature-history.js';
import type { InspectionRunsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';

/** Assembles a report from what is stored: the run's frozen catalog version, results, evidence, analyzer reports and findings. */
export async function buildReportData(
  s: InspectionService,
  firmRef: string,
  periodId: string,
  today: IsoDate,
  revision?: number,
): Promise<InspectionReportData> {
  const { firm, run, revision: number } = await s.run(firmRef, periodId, revision);
  // A report is what an examiner relies on: it is written only from a store whose audit trail
  // verifies and whose cited evidence decrypts to its recorded hash; otherwise it names the problem.
  // MACs and witnessed heads are checked too (a chain rewritten by a database writer is refused);
  // MACs that cannot be checked here (no audit key) are flagged beside the head the report prints.
  const audit = await s.assertAuditIntact('the report');
  const stored = await s.db.selectFrom('catalog_versions').select('content_json').where('id', '=', run.catalog_version_id).executeTakeFirstOrThrow();
  const version = JSON.parse(stored.content_json) as CatalogVersion;
  const nodeOf = new Map(version.nodes.map((n) => [n.path, n]));
  const { results } = await s.results(firmRef, periodId, number);
  const evidence = new Map((await s.listEvidence(firm.id)).map((e) => [e.sha256, e]));
  const reports = (await s.analyzerReports(run.id)).map((r) => JSON.parse(r.report_json) as AnalyzerReport);
  const vault = s.vault();
  for (const sha of new Set(results.flatMap((r) => r.evidence))) await vault.verify(sha);
  const items: ReportItem[] = results.map((r) => {
    const node = nodeOf.get(r.path);
    return {
      ...r,
      title: node?.title ?? null,
      text: node?.text ?? null,
      evidence: r.evidence.map((sha) => ({ sha256: sha, name: evidence.get(sha)?.name ?? '?', collectedAt: evidence.get(sha)?.collected_at ?? '' })),
      analyzerFindings: reports.filter((a) => a.items.includes(r.path)).flatMap((a) => a.findings.map((f) => ({ ...f, analyzer: a.analyzer }))),
    };
  });
  const findings = (await s.listFindings(firm.id))
    .filter((f) => f.status !== 'verified_closed')
    .map((f) => ({
      id: f.id,
      path: f.path,
      severity: f.severity,
      status: f.status,
      owner: f.owner,
      dueOn: f.due_on,
      rootCause: f.root_cause,
      correctiveAction: f.corrective_action,
      repeatOf: f.previous_finding_id,
    }));
  const period = parsePeriod(run.period);
  const catalogChange = await changeSincePrevious(s, firm.id, run, version, items);
  return {
    firm: { name: firm.name, licence: firm.licence },
    period: run.period,
    periodStart: period.start,
    periodEnd: period.end,
    catalogVersion: run.catalog_version_id,
    catalogHash: run.catalog_hash,
    startedAt: run.started_at,
    startedBy: run.started_by,
    generatedOn: today,
    auditHead: audit.flags.length ? `${audit.head}（未能驗證 MAC / MACs not verified: ${audit.flags[0]}）` : audit.head,
    items,
    findings,
    catalogChange,
    signature: await signatureOf(s, run),
  };
}

/** Which revision the report is, its sign-off, its e-signature history and the package-signing key. */
async function signatureOf(s: InspectionService, run: InspectionRunsTable): Promise<ReportSignature> {
  const h = await s.signatureHistory(run);
  return {
    revision: h.revision,
    revisesRunId: h.revisesRunId,
    signoff: h.signoff
      ? {
          by: h.signoff.signed_by,
          at: h.signoff.signed_at,
          role: h.signoff.role,
          authentication: h.signoff.authentication,
          resultsHash: h.signoff.results_hash,
        }
      : null,
    history: h.history,
    signingKey: s.signingPublicKey(),
  };
}

/**
 * The firm's previous inspection is the one whose period ended last before this one began. When
 * it used another catalog version, the report says so and lists the differences, marking the
 * changed items this run covers: the reviewer signs knowing the rules moved.
 */
async function changeSincePrevious(
  s: InspectionService,
  firmId: string,
  run: { id: string; period: string; catalog_version_id: string },
  version: CatalogVersion,
  items: readonly ReportItem[],
): Promise<ReportCatalogChange | null> {
  const start = parsePeriod(run.period).start;
  const previous = (await s.listRuns(firmId))
    .filter((r) => r.id !== run.id && parsePeriod(r.period).end < start)
    .sort((a, b) => (parsePeriod(a.period).end < parsePeriod(b.period).end ? 1 : -1))[0];
  if (!previous || previous.catalog_version_id === run.catalog_version_id) return null;
  const stored = await s.db.selectFrom('catalog_versions').select('content_json').where('id', '=', previous.catalog_version_id).executeTakeFirstOrThrow();
  const before = JSON.parse(stored.content_json) as CatalogVersion;
  const diff = diffVersions(before, version);
  const inRun = new Set(items.map((i) => i.path));
  const titleOf = new Map(version.nodes.map((n) => [n.path, n.title ?? n.titleEn]));
  const oldTitleOf = new Map(before.nodes.map((n) => [n.path, n.title ?? n.titleEn]));
  return {
    previousPeriod: previous.period,
    from: { id: before.id, hash: before.hash, effectiveDate: before.effectiveDate },
    to: { id: version.id, hash: version.hash, effectiveDate: version.effectiveDate },
    newer: (version.effectiveDate ?? '') >= (before.effectiveDate ?? ''),
    changes: diff.changes.map((c) => ({
      ...c,
      title: (c.path ? titleOf.get(c.path) : null) ?? (c.oldPath ? oldTitleOf.get(c.oldPath) : null) ?? null,
      inRun: c.path !== null && inRun.has(c.path),
    })),
  };
}

export const REPORT_FORMATS = ['html', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report in one format: HTML text, or the bytes of the workbook or the PDF (fonts read here). */
export async function renderReport(data: InspectionReportData, format: ReportFormat, lang: 'zh-TW' | 'en'): Promise<string | Buffer> {
  if (format === 'xlsx') return renderInspectionReportXlsx(data);
  if (format === 'pdf') return renderInspectionReportPdf(data, reportFonts(), lang);
  return renderInspectionReportHtml(data, lang);
}

/** How many items have each status that counts today, e.g. { pass: 2, fail: 3, not_run: 61 }. */
export function resultCounts(items: readonly ReportItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) counts[i.effectiveStatus] = (counts[i.effectiveStatus] ?? 0) + 1;
  return counts;
}
