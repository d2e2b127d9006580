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

/** An evidence file for analyzers: streamed lines for large logs, whole text for configs, tables for templates. */
export function evidenceFromFile(file: string, displayName = path.basename(file)): EvidenceInput {
  return {
    name: displayName,
    async *lines() {
      const encoding = await sniffEncoding(file);
      const source = createReadStream(file);
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
