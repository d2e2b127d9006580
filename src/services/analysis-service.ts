import { runAnalyzer, type AnalyzerReport } from '../core/analysis/analyzer.js';
import type { IsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import { ANALYZERS, findAnalyzer } from '../analyzers/registry.js';
import { evidenceFromFile, type ReadProgress } from '../io/evidence-input.js';
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
