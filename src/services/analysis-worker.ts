import type { MessagePort } from 'node:worker_threads';
import type { AnalyzerReport } from '../core/analysis/analyzer.js';
import { isCoreError, type ErrorParams, type SourceLocation } from '../core/errors.js';
import { analyzeFiles } from './analysis-service.js';

export interface AnalysisTask {
  readonly analyzer: string;
  readonly files: readonly string[];
  readonly names: readonly string[];
  readonly today: string;
  readonly options: Readonly<Record<string, string>>;
  /** Bytes read so far go back through it, about every megabyte. */
  readonly progress: MessagePort;
}

/** A CoreError does not survive the thread boundary as a class: it travels as its parts. */
export type AnalysisOutcome =
  | { readonly report: AnalyzerReport }
  | { readonly error: { readonly code: string; readonly message: string; readonly params: ErrorParams; readonly location?: SourceLocation } };

/** The worker thread's task (piscina): one analyzer over files, off the server's event loop. */
export default async function analyze(task: AnalysisTask): Promise<AnalysisOutcome> {
  let unsent = 0;
  try {
    const report = await analyzeFiles(task.analyzer, task.files, task.today, task.options, task.names, (bytes) => {
      unsent += bytes;
      if (unsent >= 1 << 20) {
        task.progress.postMessage(unsent);
        unsent = 0;
      }
    });
    return { report };
  } catch (e) {
    if (isCoreError(e)) return { error: { code: e.code, message: e.message, params: e.params, ...(e.location ? { location: e.location } : {}) } };
    throw e;
  } finally {
    if (unsent) task.progress.postMessage(unsent);
    task.progress.close();
  }
}
