import { createReadStream } from 'node:fs';

// The part of evidence reading a worker thread needs, apart from evidence-input.ts so a worker
// loads no spreadsheet or CSV library.

/** How far a shell has read an evidence file: for a progress bar over gigabytes of logs. */
export type ReadProgress = (bytesRead: number) => void;

/**
 * The bytes [start, end) of a file (the reading half of a range scan, on any thread), in 256 KB
 * chunks: on a worker thread with a small heap, 1 MB chunks left about 50 MB more garbage per
 * thread (2M-line log, max RSS 209 against 154 MB for two threads) and were no faster.
 */
export async function* readRangeBytes(file: string, start: number, end: number, onRead?: ReadProgress): AsyncGenerator<Buffer> {
  if (end <= start) return;
  const source = createReadStream(file, { start, end: end - 1, highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of source) {
      onRead?.((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } finally {
    source.destroy();
  }
}

/** One byte range of a file, for a named range scanner (see `EvidenceRange.scan`): plain data, sent to a worker thread. */
export interface RangeScanTask {
  readonly scanner: string;
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly params: unknown;
}

/**
 * Worker threads a shell offers for scanning large files in ranges (the services' pool). A file
 * of at least `minBytes` is offered in up to `threads` ranges, each with `scan`; a smaller one
 * in one range, read on the calling thread.
 */
export interface RangeWorkers {
  readonly threads: number;
  readonly minBytes: number;
  scan(task: RangeScanTask, onRead?: ReadProgress): Promise<unknown>;
}
