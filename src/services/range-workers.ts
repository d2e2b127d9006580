import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { RangeScanTask, RangeWorkers, ReadProgress } from '../io/evidence-input.js';
import type { RangeJob } from './log-range-worker.js';

/**
 * A log smaller than this is read on the calling thread, in one range: starting the workers and
 * loading the scanners in them costs more than a second thread saves (see scripts/log-bench.ts).
 */
export const MIN_POOLED_BYTES = 32 * 2 ** 20;

/**
 * The worker module, found next to this one: the compiled `.js` in dist/, or the `.ts` source
 * when ccheck runs from source (tsx, vitest), which the worker then loads with tsx's hooks — a
 * worker thread does not inherit the loader vitest runs its tests through.
 */
export function rangeWorkerModule(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./log-range-worker.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: process.execArgv };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const withTsx = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', tsx];
  return { filename: js.replace(/\.js$/, '.ts'), execArgv: withTsx };
}

/** Range workers that start on first use and must be closed by whoever made them. */
export interface RangeWorkerPool extends RangeWorkers {
  /** Ranges scanned on the workers so far. */
  readonly scanned: number;
  close(): Promise<void>;
}

/**
 * A pool of worker threads (piscina) that scan byte ranges of large logs, one range per thread:
 * `os.availableParallelism()` of them, at least two. Nothing starts, and piscina is not even
 * loaded, until a file of at least `minBytes` is scanned in ranges: small files and other
 * analyzers pay nothing.
 */
export function rangeWorkerPool(options: { threads?: number; minBytes?: number } = {}): RangeWorkerPool {
  const threads = options.threads ?? Math.max(2, os.availableParallelism());
  let pool: Promise<Piscina<RangeJob, unknown>> | null = null;
  let scanned = 0;
  const start = async () => {
    const { Piscina } = await import('piscina');
    return new Piscina<RangeJob, unknown>({ ...rangeWorkerModule(), minThreads: threads, maxThreads: threads });
  };
  return {
    threads,
    minBytes: options.minBytes ?? MIN_POOLED_BYTES,
    get scanned() {
      return scanned;
    },
    async scan(task: RangeScanTask, onRead?: ReadProgress): Promise<unknown> {
      const p = await (pool ??= start());
      let result: unknown;
      if (onRead) {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (n: number) => onRead(n));
        port1.unref();
        result = await p.run({ task, progress: port2 }, { transferList: [port2] });
      } else result = await p.run({ task });
      scanned++;
      return result;
    },
    async close() {
      if (pool) await (await pool).destroy();
      pool = null;
    },
  };
}
