import { randomUUID } from 'node:crypto';
import { isCoreError } from '../core/errors.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobProgress {
  readonly done: number;
  readonly total: number | null;
}

export interface JobView {
  readonly id: string;
  readonly kind: string;
  readonly state: JobState;
  readonly progress: JobProgress;
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

interface Job {
  id: string;
  kind: string;
  owner: string;
  firmId: string | null;
  state: JobState;
  progress: JobProgress;
  result?: unknown;
  error?: { code: string; message: string };
  createdAt: string;
  finishedAt: string | null;
  run: () => Promise<unknown>;
}

/**
 * Long work (analyzers over large evidence) off the request path: a request queues a job and
 * answers with its id at once; the page polls its state and progress. Jobs run one after another
 * (`concurrency`), so a burst of uploads cannot starve the requests of everyone else on a
 * two-core machine. A job belongs to the person who started it, for the firm it was started on.
 */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private running = 0;
  private readonly waiting: Job[] = [];

  constructor(
    private readonly now: () => string,
    private readonly concurrency = 1,
    /** Finished jobs kept for polling; the oldest go first. */
    private readonly keep = 500,
  ) {}

  /** Queues `work`; it reports progress through the callback it is given. */
  start<T>(owner: string, firmId: string | null, kind: string, work: (progress: (p: JobProgress) => void) => Promise<T>): JobView {
    const job: Job = {
      id: randomUUID(),
      kind,
      owner,
      firmId,
      state: 'queued',
      progress: { done: 0, total: null },
      createdAt: this.now(),
      finishedAt: null,
      run: () => work((p) => (job.progress = p)),
    };
    this.jobs.set(job.id, job);
    this.waiting.push(job);
    this.prune();
    setImmediate(() => this.pump());
    return this.view(job);
  }

  /** The job, when `owner` started it; otherwise undefined (another person's job is not shown). */
  get(id: string, owner: string): (JobView & { firmId: string | null }) | undefined {
    const job = this.jobs.get(id);
    if (!job || job.owner !== owner) return undefined;
    return { ...this.view(job), firmId: job.firmId };
  }

  /** Resolves when no job is queued or running (tests, and a server shutting down). */
  async idle(): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.running++;
      job.state = 'running';
      job
        .run()
        .then(
          (result) => {
            job.state = 'done';
            job.result = result;
          },
          (e: unknown) => {
            job.state = 'failed';
            // The same short, stable error body as every response: never a stack or a path.
            job.error = isCoreError(e)
              ? { code: e.code, message: e.message }
              : { code: 'UNEXPECTED', message: 'unexpected error; the server log has the details' };
          },
        )
        .finally(() => {
          job.finishedAt = this.now();
          this.running--;
          this.pump();
        });
    }
  }

  private prune(): void {
    if (this.jobs.size <= this.keep) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) break;
      if (job.state === 'done' || job.state === 'failed') this.jobs.delete(id);
    }
  }

  private view(job: Job): JobView {
    return {
      id: job.id,
      kind: job.kind,
      state: job.state,
      progress: job.progress,
      ...(job.result !== undefined ? { result: job.result } : {}),
      ...(job.error ? { error: job.error } : {}),
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }
}
