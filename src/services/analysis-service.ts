import { runAnalyzer, type AnalyzerReport } from '../core/analysis/analyzer.js';
import { decideItems } from '../core/analysis/item-verdicts.js';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { findingSeverityOf } from '../core/inspection/finding.js';
import type { ResultStatus } from '../core/inspection/item-result.js';
import { ANALYZERS, findAnalyzer } from '../analyzers/registry.js';
import { evidenceFromFile, type ReadProgress } from '../io/evidence-input.js';
import { assertCan, type Actor } from '../core/people/actor.js';
import { actorOf, type InspectionService } from './inspection-service.js';
import { rangeWorkerPool, type RangeWorkerPool } from './range-workers.js';

export function listAnalyzers() {
  return ANALYZERS;
}

/**
 * Runs one analyzer over files. "Today" is an argument: the same inputs always give the same verdict.
 * `names` are how findings and reports name the files (default: their base names); `ccheck run`
 * passes paths relative to the evidence folder, so two `fw.cfg` in different folders stay apart.
 */
export async function analyzeFiles(
  id: string,
  files: readonly string[],
  today: IsoDate,
  options: Record<string, string> = {},
  names?: readonly string[],
  /** Told how many bytes of evidence were read, as they are read (a progress bar over large logs). */
  onRead?: ReadProgress,
  /** Worker threads for large logs; by default a pool of this call's own, started only for a large file. */
  workers?: RangeWorkerPool,
): Promise<AnalyzerReport> {
  const analyzer = findAnalyzer(id);
  if (!analyzer) throw new CoreError('ANALYZER_NOT_FOUND', `no analyzer "${id}"`, { id });
  if (files.length === 0) throw new CoreError('INPUT_FILE_NOT_FOUND', `${id}: give at least one evidence file`, {});
  const pool = workers ?? rangeWorkerPool();
  try {
    return await runAnalyzer(analyzer, { files: files.map((f, i) => evidenceFromFile(f, names?.[i], onRead, pool)), today, options });
  } finally {
    if (!workers) await pool.close();
  }
}

const STATUS: Record<AnalyzerReport['verdict'], ResultStatus> = { pass: 'pass', fail: 'fail', error: 'error', not_applicable: 'not_applicable' };

/**
 * Records an analyzer's verdict into an inspection: the files become evidence (encrypted,
 * content-addressed) and each item the analyzer evidences gets the result, resting on them.
 */
export async function recordAnalysis(
  service: InspectionService,
  actor: string | Actor,
  report: AnalyzerReport,
  files: readonly string[],
  ref: { firm: string; period: string; collectedAt: string },
  names?: readonly string[],
): Promise<{ recorded: string[]; skipped: string[] }> {
  // The files go into the vault first, outside the transaction (content-addressed blobs are
  // harmless if recording fails); then every row — evidence, the report, each item's result —
  // commits together or not at all, and a run that joins it stays one transaction.
  // The actor is checked before anything is stored, not only by the route that called.
  const a = actorOf(actor);
  assertCan(a, 'analysis.run', (await service.firm(ref.firm)).id);
  for (const f of files) await service.storeFile(f);
  return service.transaction(async () => {
    const shas: string[] = [];
    for (const [i, f] of files.entries())
      shas.push((await service.addEvidence(a, ref.firm, f, { collectedAt: ref.collectedAt, name: names?.[i] })).evidence.sha256);
    await service.storeAnalyzerReport(a, ref, report, shas, JSON.stringify(report));
    const { results } = await service.results(ref.firm, ref.period);
    const recorded: string[] = [];
    const skipped: string[] = [];
    for (const d of decideItems(report, new Map(results.map((r) => [r.path, r.status])))) {
      if (d.action === 'skip') {
        skipped.push(d.item);
        continue;
      }
      const failing = d.failing.length;
      await service.setResult(
        a,
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
