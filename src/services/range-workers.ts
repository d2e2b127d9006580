import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { RangeScanTask, RangeWorkers, ReadProgress } from '../io/evidence-input.js';
import type { RangeJob } from './log-range-worker.js';

/**
 * A log smaller than this is read on the calling thread, in one range: starting two workers and
 * loading the scanners in them took about 0.15–0.25 s (built, a 1,000-line log: 0.07 s on one
 * thread, 0.19–0.33 s on two), about what a second thread saves on 64 MB at ~130 MB/s a thread.
 */
export const MIN_POOLED_BYTES = 64 * 2 ** 20;

/**
 * The worker module, found next to this one: the compiled `.js` in dist/, or the `.ts` source
 * when ccheck runs from source (tsx, vitest), which the worker then loads with tsx's hooks — a
 * worker thread does not inherit the loader vitest runs its tests through.
 */
export function rangeWorkerModule(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./log-range-worker.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: withoutTsx(process.execArgv) };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const withTsx = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', tsx];
  return { filename: js.replace(/\.js$/, '.ts'), execArgv: withTsx };
}

/** The options with tsx's `--require`/`--import` left out: the compiled worker needs no TypeScript loader (about 20 MB and 0.2 s a thread). */
function withoutTsx(execArgv: readonly string[]): string[] {
  const isTsx = (specifier: string) => /^tsx(?:\/|$)|[\\/]tsx[\\/]/.test(specifier);
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const joined = /^--(?:require|import)=(.*)$/.exec(a);
    if ((a === '--require' || a === '--import') && isTsx(execArgv[i + 1] ?? '')) i++;
    else if (!(joined && isTsx(joined[1]!))) out.push(a);
  }
  return out;
}

/** Range workers that start on first use and must be closed by whoever made them. */
export interface RangeWorkerPool extends RangeWorkers {
  /** Ranges scanned so far. */
  readonly scanned: number;
  /** Of those, how many outgrew a worker's heap and were scanned again on the calling thread. */
  readonly rescanned: number;
  close(): Promise<void>;
}

/**
 * Each worker's heap. Issue 14 bounds a scan at 256 MB RSS whatever the file size: the main
 * thread with every module loaded is about 95 MB, a worker scanning 30 MB or less with these
 * limits (without them, about 100 MB each: V8 collects late when it may grow). A range that
 * needs more (millions of distinct sources) is scanned again on the calling thread.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/** At most this many threads, so the memory bound holds on a large machine too; scanning is near the disk's speed by then. */
const MAX_THREADS = 4;

/**
 * A pool of worker threads (piscina) that scan byte ranges of large logs, one range per thread:
 * `os.availableParallelism()` of them, at least two and at most four. Nothing starts, and
 * piscina is not even loaded, until a file of at least `minBytes` is scanned in ranges: small
 * files and other analyzers pay nothing.
 */
export function rangeWorkerPool(options: { threads?: number; minBytes?: number; heap?: ResourceLimits } = {}): RangeWorkerPool {
  const threads = options.threads ?? Math.min(MAX_THREADS, Math.max(2, os.availableParallelism()));
  let pool: Promise<Piscina<RangeJob, unknown>> | null = null;
  let scanned = 0;
  let rescanned = 0;
  const start = async () => {
    const { Piscina } = await import('piscina');
    const p = new Piscina<RangeJob, unknown>({ ...rangeWorkerModule(), minThreads: threads, maxThreads: threads, resourceLimits: options.heap ?? WORKER_HEAP });
    // A worker that dies outside a task (out of memory while idle) is replaced by piscina; one that
    // dies in a task rejects that task, handled in `run`. Unheard, the event would end the process.
    p.on('error', () => {});
    return p;
  };
  const run = async (job: RangeJob, transferList?: MessagePort[]): Promise<unknown> => {
    const p = await (pool ??= start());
    try {
      return await p.run(job, { transferList });
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw e;
      // The same scanner on this thread, whose heap is not limited: slower, never a wrong or missing report.
      const { default: scanHere } = await import('./log-range-worker.js');
      rescanned++;
      return scanHere({ task: job.task });
    }
  };
  return {
    threads,
    minBytes: options.minBytes ?? MIN_POOLED_BYTES,
    get scanned() {
      return scanned;
    },
    get rescanned() {
      return rescanned;
    },
    async scan(task: RangeScanTask, onRead?: ReadProgress): Promise<unknown> {
      let result: unknown;
      if (onRead) {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (n: number) => onRead(n));
        port1.unref();
        result = await run({ task, progress: port2 }, [port2]);
      } else result = await run({ task });
      scanned++;
      return result;
    },
    async close() {
      if (pool) await (await pool).destroy();
      pool = null;
    },
  };
}
