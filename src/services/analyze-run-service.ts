import { statSync } from 'node:fs';
import path from 'node:path';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { findAnalyzer } from '../analyzers/registry.js';
import { recordAnalysis } from './use-cases/analysis.js';
import { analyzeInWorker } from './analysis-pool.js';
import type { Actor } from '../core/people/actor.js';
import { actorOf, type InspectionService } from './inspection-service.js';
import type { JobProgress } from './job-service.js';

export interface AnalyzeIntoRunInput {
  readonly analyzer: string;
  /** Files already on this machine (uploads spooled to a private folder, or stored evidence decrypted). */
  readonly files: readonly { readonly file: string; readonly name: string }[];
  readonly options: Readonly<Record<string, string>>;
  readonly collectedAt: IsoDate;
}

export interface AnalyzeIntoRunResult {
  readonly analyzer: string;
  readonly verdict: string;
  readonly recorded: readonly string[];
  readonly skipped: readonly string[];
  readonly findings: number;
}

/** Refuses an unknown analyzer before any job is queued, so the caller gets the error at once. */
export function assertAnalyzer(id: string): void {
  if (!findAnalyzer(id)) throw new CoreError('ANALYZER_NOT_FOUND', `no analyzer "${id}"`, { id });
}

/**
 * Runs one analyzer over files (on a worker thread) and records its verdict into the period's run (evidence, report
 * and every item's result in one transaction: recordAnalysis). Progress is bytes of evidence read.
 */
export async function analyzeIntoRun(
  s: InspectionService,
  actor: string | Actor,
  ref: { firm: string; period: string },
  input: AnalyzeIntoRunInput,
  progress: (p: JobProgress) => void,
): Promise<AnalyzeIntoRunResult> {
  const total = input.files.reduce((n, f) => n + statSync(f.file).size, 0);
  let done = 0;
  progress({ done, total });
  const files = input.files.map((f) => f.file);
  const names = input.files.map((f) => path.basename(f.name));
  // The analyzer runs on a worker thread; recording (database writes) stays on this one.
  const report = await analyzeInWorker({ analyzer: input.analyzer, files, names, today: s.clock.today(), options: input.options }, (bytes) => {
    done = Math.min(total, done + bytes);
    progress({ done, total });
  });
  const { recorded, skipped } = await recordAnalysis({ inspections: s }, actorOf(actor), { ...ref, collectedAt: input.collectedAt, report, files, names });
  progress({ done: total, total });
  return { analyzer: report.analyzer, verdict: report.verdict, recorded, skipped, findings: report.findings.length };
}
