import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import type { EvidenceInput } from '../core/analysis/analyzer.js';
import { readTableFile } from './read-table-file.js';
import { decodeText, readTextFile, type TextEncoding } from './read-text-file.js';

/** Decides a file's encoding from its first 64 KiB (cut back to a whole line), without reading it all. */
async function sniffEncoding(file: string): Promise<TextEncoding> {
  const fd = await open(file, 'r');
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await fd.read(head, 0, head.length, 0);
    const cut = head.subarray(0, bytesRead);
    const lastNewline = cut.lastIndexOf(0x0a);
    return decodeText(lastNewline > 0 && bytesRead === head.length ? cut.subarray(0, lastNewline) : cut, file).encoding;
  } finally {
    await fd.close();
  }
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
