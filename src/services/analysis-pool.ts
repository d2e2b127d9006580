import os from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AnalyzerReport } from '../core/analysis/analyzer.js';
import { CoreError, type ErrorCode } from '../core/errors.js';
import type { AnalysisOutcome, AnalysisTask } from './analysis-worker.js';

let pool: Piscina<AnalysisTask, AnalysisOutcome> | null = null;

/**
 * Worker threads for analyzers run by the server (issue 11: the request thread never blocks for
 * seconds). One thread fewer than the cores, at least one: the server keeps a core for requests.
 * From the sources (tests, tsx) the worker loads TypeScript through tsx; the build runs plain JS.
 */
function analysisPool(): Piscina<AnalysisTask, AnalysisOutcome> {
  if (pool) return pool;
  const fromSource = import.meta.url.endsWith('.ts');
  pool = new Piscina<AnalysisTask, AnalysisOutcome>({
    filename: new URL(`./analysis-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    maxThreads: Math.max(1, os.availableParallelism() - 1),
    minThreads: 0,
    idleTimeout: 30_000,
    ...(fromSource ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  return pool;
}

/** analyzeFiles on a worker thread, with the same errors (CoreError codes) and progress in bytes read. */
export async function analyzeInWorker(input: Omit<AnalysisTask, 'progress'>, onRead: (bytes: number) => void): Promise<AnalyzerReport> {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (bytes: number) => onRead(bytes));
  try {
    const outcome = await analysisPool().run({ ...input, progress: port2 }, { transferList: [port2] });
    if ('error' in outcome) throw new CoreError(outcome.error.code as ErrorCode, outcome.error.message, outcome.error.params, outcome.error.location);
    return outcome.report;
  } finally {
    port1.close();
  }
}

/** Stops the worker threads (a server closing). */
export async function closeAnalysisPool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
