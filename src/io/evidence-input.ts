import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import type { EvidenceInput } from '../core/analysis/analyzer.js';
import { readTableFile } from './read-table-file.js';
import { decodeText, readHeadBytes, readTextFile, type TextEncoding } from './read-text-file.js';

/** Decides a file's encoding from its head, without reading it all. */
async function sniffEncoding(file: string): Promise<TextEncoding> {
  return decodeText(await readHeadBytes(file), file).encoding;
}

/** How far a shell has read an evidence file: for a progress bar over gigabytes of logs. */
export type ReadProgress = (bytesRead: number) => void;

/** An evidence file for analyzers: streamed lines for large logs, whole text for configs, tables for templates. */
export function evidenceFromFile(file: string, displayName = path.basename(file), onRead?: ReadProgress): EvidenceInput {
  const open = () => {
    const source = createReadStream(file, { highWaterMark: 1 << 20 });
    if (onRead) source.on('data', (chunk) => onRead(chunk.length));
    return source;
  };
  return {
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
}
