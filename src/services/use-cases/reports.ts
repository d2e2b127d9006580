import { assertCan, type Actor } from '../../core/people/actor.js';
import type { Finding } from '../../core/ports/records.js';
import { findingsRegisterCsv, findingsRegisterXlsx, type RegisterRow } from '../../reports/findings-register.js';
import type { InspectionReportData } from '../../reports/inspection-report-html.js';
import { buildReportData, renderReport, REPORT_FORMATS, resultCounts, type ReportFormat } from '../report-service.js';
import type { FileOutput, OutputDeps } from './deps.js';
import { listFindings } from './findings.js';
import { resolveFirm } from './firms.js';
import { listRuns, resolveRun } from './runs.js';
import { findingsRegisterInputSchema, parseInput, reportInputSchema, runRefSchema, REPORT_LANGS } from './schemas.js';

export const REPORT_CONTENT_TYPE: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface ReportInput {
  readonly firm: string;
  readonly period: string;
  readonly revision?: number;
  readonly format: ReportFormat;
  readonly lang?: (typeof REPORT_LANGS)[number];
}

/** The run's report data, once the actor may read the firm's reports (report.read). */
async function reportData(deps: OutputDeps, actor: Actor, ref: { firm: string; period: string; revision?: number }): Promise<InspectionReportData> {
  const s = deps.inspections;
  const { firm, run, revision } = await resolveRun(s.store, ref);
  assertCan(actor, 'report.read', firm.id);
  return buildReportData(s, firm.id, run.period, s.clock.today(), revision);
}

/** The inspection report of a run in one format (HTML, XLSX or PDF), as bytes and a suggested name. */
export async function inspectionReport(deps: OutputDeps, actor: Actor, input: ReportInput): Promise<FileOutput & { readonly data: InspectionReportData }> {
  const i = parseInput(reportInputSchema, input, 'report');
  const data = await reportData(deps, actor, i);
  return { ...reportFile(data, i.format, await renderReport(data, i.format, i.lang)), data };
}

/**
 * The report in every format from one read of the store (what `ccheck run` and the demo hand
 * out), with the items counted by the status that counts today.
 */
export async function inspectionReports(
  deps: OutputDeps,
  actor: Actor,
  input: { firm: string; period: string; revision?: number; lang?: (typeof REPORT_LANGS)[number] },
): Promise<{ readonly data: InspectionReportData; readonly files: Record<ReportFormat, FileOutput>; readonly results: Record<string, number> }> {
  const i = parseInput(runRefSchema, input, 'report');
  const lang = input.lang ?? 'zh-TW';
  const data = await reportData(deps, actor, i);
  const files = {} as Record<ReportFormat, FileOutput>;
  for (const format of REPORT_FORMATS) files[format] = reportFile(data, format, await renderReport(data, format, lang));
  return { data, files, results: resultCounts(data.items) };
}

function reportFile(data: InspectionReportData, format: ReportFormat, body: string | Buffer): FileOutput {
  return {
    name: `inspection-report-${data.period}.${format}`,
    contentType: REPORT_CONTENT_TYPE[format],
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

/** The findings register across periods (of one firm, or of every firm the actor may read), as XLSX or CSV. */
export async function findingsRegister(
  deps: OutputDeps,
  actor: Actor,
  input: { firm?: string; format: 'xlsx' | 'csv' },
): Promise<FileOutput & { readonly rows: number }> {
  const i = parseInput(findingsRegisterInputSchema, input, 'findings register');
  const s = deps.inspections;
  const firmId = i.firm ? (await resolveFirm(s.store.firms, i.firm)).id : undefined;
  assertCan(actor, 'report.read', firmId);
  const periods = new Map((await listRuns(s.deps, actor, firmId)).map((r) => [r.id, r.period]));
  const rows = (await listFindings(s.deps, actor, firmId)).map((f) => registerRow(f, periods.get(f.runId) ?? ''));
  const body = i.format === 'csv' ? Buffer.from(findingsRegisterCsv(rows), 'utf8') : await findingsRegisterXlsx(rows);
  return {
    name: `findings-register.${i.format}`,
    contentType: i.format === 'csv' ? 'text/csv; charset=utf-8' : REPORT_CONTENT_TYPE.xlsx,
    body,
    rows: rows.length,
  };
}

function registerRow(f: Finding, period: string): RegisterRow {
  return {
    id: f.id,
    period,
    path: f.path,
    severity: f.severity,
    status: f.status,
    rootCause: f.rootCause,
    correctiveAction: f.correctiveAction,
    owner: f.owner,
    dueOn: f.dueOn,
    effectivenessCheck: f.effectivenessCheck,
    verifiedBy: f.verifiedBy,
    verifiedAt: f.verifiedAt,
    openedAt: f.openedAt,
    openedBy: f.openedBy,
    repeatOf: f.previousFindingId,
  };
}
