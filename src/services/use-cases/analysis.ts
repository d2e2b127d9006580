import type { AnalyzerReport } from '../../core/analysis/analyzer.js';
import { decideItems } from '../../core/analysis/item-verdicts.js';
import { findingSeverityOf } from '../../core/inspection/finding.js';
import type { ResultStatus } from '../../core/inspection/item-result.js';
import { assertCan, type Actor } from '../../core/people/actor.js';
import type { OutputDeps } from './deps.js';
import { evidenceMetaSchema, parseInput, runRefSchema } from './schemas.js';

const STATUS: Record<AnalyzerReport['verdict'], ResultStatus> = { pass: 'pass', fail: 'fail', error: 'error', not_applicable: 'not_applicable' };

export interface RecordAnalysisInput {
  readonly firm: string;
  readonly period: string;
  /** When the evidence was collected (ISO date). */
  readonly collectedAt: string;
  readonly report: AnalyzerReport;
  /** The files the analyzer read, on this machine. */
  readonly files: readonly string[];
  /** How the evidence is named (default: the files' base names). */
  readonly names?: readonly string[];
}

/**
 * Records an analyzer's verdict into the period's run: the files become evidence (encrypted,
 * content-addressed), the whole report is kept with the run, and each item the analyzer evidences
 * gets the result, resting on them. All or nothing, and safe to run again: an item whose result
 * the same verdict already gives is skipped (decideItems), and the same files are the same evidence.
 * It still goes through the façade's writes (evidence, report, results), as the output use cases do.
 */
export async function recordAnalysis(deps: OutputDeps, actor: Actor, input: RecordAnalysisInput): Promise<{ recorded: string[]; skipped: string[] }> {
  const s = deps.inspections;
  const ref = parseInput(runRefSchema.omit({ revision: true }), { firm: input.firm, period: input.period }, 'analysis');
  const { collectedAt } = parseInput(evidenceMetaSchema, { collectedAt: input.collectedAt }, 'analysis');
  // The actor is checked before anything is stored (a refused actor never makes the vault read a file).
  assertCan(actor, 'analysis.run', (await s.firm(ref.firm)).id);
  // The files go into the vault first, outside the transaction (content-addressed blobs are
  // harmless if recording fails); then every row — evidence, the report, each item's result —
  // commits together or not at all, and a run that joins it stays one transaction.
  for (const f of input.files) await s.storeFile(f);
  const report = input.report;
  return s.transaction(async () => {
    const shas: string[] = [];
    for (const [i, f] of input.files.entries()) shas.push((await s.addEvidence(actor, ref.firm, f, { collectedAt, name: input.names?.[i] })).evidence.sha256);
    await s.storeAnalyzerReport(actor, ref, report, shas, JSON.stringify(report));
    const { results } = await s.results(ref.firm, ref.period);
    const recorded: string[] = [];
    const skipped: string[] = [];
    for (const d of decideItems(report, new Map(results.map((r) => [r.path, r.status])))) {
      if (d.action === 'skip') {
        skipped.push(d.item);
        continue;
      }
      const failing = d.failing.length;
      await s.setResult(
        actor,
        { firm: ref.firm, period: ref.period, path: d.item },
        {
          status: STATUS[d.verdict],
          source: 'analyzer',
          justification: `[${report.analyzer}] ${report.summaryZh} / ${report.summary}${failing ? ` (${failing} failing findings on ${d.item})` : ''}`,
          evidence: shas,
          // An analyzer's `high` finding opens a `high` finding, not the default medium.
          severity: findingSeverityOf(d.failing),
        },
      );
      recorded.push(d.item);
    }
    return { recorded, skipped };
  });
}
