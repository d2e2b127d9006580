import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { zipEntryList } from '../../src/services/package-service.js';

/** Every file of a zip archive, by name (small archives only: tests). */
export async function zipEntries(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const out = new Map<string, Buffer>();
  const entries = await zipEntryList(zip);
  for (const e of entries) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(e)) chunks.push(c as Buffer);
    out.set(e.fileName, Buffer.concat(chunks));
  }
  zip.close();
  return out;
}

/** Writes a copy of a zip with each file passed through `change`: how someone would alter a package. */
export async function rewriteZip(from: string, to: string, change: (name: string, body: Buffer) => Buffer): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of await zipEntries(from)) zip.addBuffer(change(name, body), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(to));
}
