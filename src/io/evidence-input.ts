import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import type { EvidenceInput, EvidenceRange } from '../core/analysis/analyzer.js';
import { readRangeBytes, type RangeWorkers, type ReadProgress } from './file-ranges.js';
import { readTableFile } from './read-table-file.js';
import { decodeText, readHeadBytes, readTextFile, type TextEncoding } from './read-text-file.js';

export type { RangeScanTask, RangeWorkers, ReadProgress } from './file-ranges.js';

/** Decides a file's encoding from its head, without reading it all. */
async function sniffEncoding(file: string): Promise<TextEncoding> {
  return decodeText(await readHeadBytes(file), file).encoding;
}

/**
 * Where to cut a file of `size` bytes into at most `n` parts: just after the first newline at or
 * after each k·size/n, so no line is split between two parts. Returns the part boundaries
 * [0, …, size], with no empty part.
 */
export async function newlineCuts(file: string, size: number, n: number): Promise<number[]> {
  const cuts = [0];
  const handle = await openFile(file, 'r');
  try {
    const window = Buffer.alloc(64 * 1024);
    for (let k = 1; k < n; k++) {
      let at = Math.max(Math.floor((size * k) / n), cuts[cuts.length - 1]!);
      let cut = size;
      // A line longer than the window: read on until its newline (or the end of the file).
      while (at < size) {
        const { bytesRead } = await handle.read(window, 0, window.length, at);
        if (bytesRead === 0) break;
        const nl = window.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) {
          cut = at + nl + 1;
          break;
        }
        at += bytesRead;
      }
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
  } finally {
    await handle.close();
  }
  if (size > 0) cuts.push(size);
  return cuts;
}

/**
 * An evidence file for analyzers: streamed lines for large logs, whole text for configs, tables
 * for templates. Without `workers` it is one range (nothing to gain from reading ranges one after
 * the other on one thread); with them, a large file comes in ranges that can run on them.
 */
export function evidenceFromFile(file: string, displayName = path.basename(file), onRead?: ReadProgress, workers?: RangeWorkers): EvidenceInput {
  const open = () => {
    const source = createReadStream(file, { highWaterMark: 1 << 20 });
    if (onRead) source.on('data', (chunk) => onRead(chunk.length));
    return source;
  };
  const input: EvidenceInput = {
    name: displayName,
    async *bytes() {
      const encoding = await sniffEncoding(file);
      const source = open();
      const stream = encoding === 'big5' ? source.pipe(iconv.decodeStream('big5')).pipe(iconv.encodeStream('utf8')) : source;
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } finally {
        source.destroy();
      }
    },
    async ranges(n: number): Promise<EvidenceRange[]> {
      const size = (await stat(file)).size;
      const whole = { start: 0, end: size, bytes: () => input.bytes!() };
      const count = workers && size >= workers.minBytes ? Math.min(n, workers.threads) : 1;
      // Big5 is transcoded as a stream from the start; it is one range.
      if (count <= 1 || size === 0 || (await sniffEncoding(file)) === 'big5') return [whole];
      const cuts = await newlineCuts(file, size, count);
      return cuts.slice(0, -1).map((start, i) => {
        const end = cuts[i + 1]!;
        return {
          start,
          end,
          bytes: () => readRangeBytes(file, start, end, onRead),
          scan: (scanner: string, params: unknown) => workers!.scan({ scanner, file, start, end, params }, onRead),
        };
      });
    },
    async *lines() {
      const encoding = await sniffEncoding(file);
      const source = open();
      const stream = encoding === 'big5' ? source.pipe(iconv.decodeStream('big5')) : source.setEncoding('utf8');
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      try {
        for await (const line of rl) yield line;
      } finally {
        // A reader that stops early (a syntax sniffed from the head) must not leave the file open.
        rl.close();
        source.destroy();
      }
    },
    text: async () => (await readTextFile(file)).text,
    table: async () => ({ ...(await readTableFile(file)), fileName: displayName }),
  };
  return input;
}
