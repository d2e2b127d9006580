import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { CoreError } from '../core/errors.js';

export type TextEncoding = 'utf-8' | 'big5';

export interface TextFile {
  readonly path: string;
  readonly text: string;
  readonly encoding: TextEncoding;
  /** SHA-256 (hex) of the bytes as read, to tie what was imported to exactly one file. */
  readonly sha256: string;
  readonly bytes: Buffer;
}

/**
 * Decodes bytes as UTF-8 or, failing that, Big5 (still common in Taiwanese offices and older
 * Excel exports). Anything else is refused by name rather than read as mojibake.
 */
export function decodeText(bytes: Buffer, fileName: string, encoding?: TextEncoding): { text: string; encoding: TextEncoding } {
  if (encoding === 'big5') return { text: iconv.decode(bytes, 'big5'), encoding };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    if (encoding === 'utf-8') {
      throw new CoreError('INPUT_UNKNOWN_ENCODING', `${fileName}: not valid UTF-8`, { encoding: 'utf-8' }, { file: fileName });
    }
  }
  const big5 = iconv.decode(bytes, 'big5');
  // iconv-lite maps undecodable sequences to U+FFFD; control bytes other than layout mean binary.
  if (!big5.includes('\uFFFD') && !/[\u0000-\u0008\u000e-\u001f]/.test(big5)) return { text: big5, encoding: 'big5' };
  throw new CoreError(
    'INPUT_UNKNOWN_ENCODING',
    `${fileName}: the text is neither UTF-8 nor Big5; save it as UTF-8 (or pass --encoding)`,
    { tried: ['utf-8', 'big5'] },
    { file: fileName },
  );
}

/** Sizes of the files ccheck reads whole; a person's YAML is a few kilobytes. */
export const READ_LIMITS = {
  /** A firm profile or an evidence manifest (ccheck-evidence.yaml). */
  yaml: 1024 * 1024,
  /** Curated data shipped with ccheck (data/catalog/*.yaml). */
  curatedYaml: 4 * 1024 * 1024,
} as const;

/** The file's bytes, or INPUT_FILE_NOT_FOUND naming it; INPUT_TOO_LARGE beyond `maxBytes`, before reading. */
export async function readBytes(path: string, maxBytes?: number): Promise<Buffer> {
  if (maxBytes !== undefined) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (e) {
      throw new CoreError('INPUT_FILE_NOT_FOUND', `${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {}, { file: path });
    }
    if (size > maxBytes)
      throw new CoreError(
        'INPUT_TOO_LARGE',
        `${path}: ${size} bytes, more than ccheck reads for this kind of file (limit ${maxBytes})`,
        { limit: maxBytes, what: `${size} bytes`, what_zh: `${size} 位元組` },
        { file: path },
      );
  }
  try {
    return await readFile(path);
  } catch (e) {
    throw new CoreError('INPUT_FILE_NOT_FOUND', `${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {}, { file: path });
  }
}

export async function readTextFile(path: string, encoding?: TextEncoding, maxBytes?: number): Promise<TextFile> {
  const bytes = await readBytes(path, maxBytes);
  const decoded = decodeText(bytes, path, encoding);
  return { path, bytes, ...decoded, sha256: sha256Hex(bytes) };
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The first 64 KiB of a file, cut back to a whole line when the file is longer: enough to tell
 * its encoding and what it is, without reading it all.
 */
export async function readHeadBytes(path: string, max = 65536): Promise<Buffer> {
  const fd = await open(path, 'r');
  try {
    const head = Buffer.alloc(max);
    const { bytesRead } = await fd.read(head, 0, max, 0);
    const cut = head.subarray(0, bytesRead);
    const lastNewline = cut.lastIndexOf(0x0a);
    return bytesRead === max && lastNewline > 0 ? cut.subarray(0, lastNewline) : cut;
  } finally {
    await fd.close();
  }
}
