import { StringDecoder } from 'node:string_decoder';
import yauzl from 'yauzl';
import { CoreError } from '../core/errors.js';

/**
 * What a workbook ccheck reads may unpack to. An XLSX is a zip of XML; exceljs inflates all of it
 * into memory (about 20–40 times the XML), so a 6 MB zip bomb costs gigabytes before any check.
 * The archive's central directory declares every entry's sizes: those are checked first, and the
 * inflation is then verified against them (yauzl stops an entry that inflates past its declared
 * size), so no workbook reaches exceljs unless it is known to unpack to a bounded size.
 */
export const XLSX_LIMITS = {
  /** The .xlsx file itself. */
  maxFileBytes: 64 * 1024 * 1024,
  /** All entries together, unpacked: a checklist or an evidence template is a few megabytes. */
  maxTotalUncompressed: 64 * 1024 * 1024,
  maxEntries: 10_000,
  /** Spreadsheet XML compresses 5–30 times; deflate's ceiling is about 1,032. */
  maxRatio: 200,
  /** Small entries may compress better than that (a sheet of empty cells) without harm. */
  ratioFloorBytes: 1024 * 1024,
  /** What the content recogniser inflates of one entry to find the first row. */
  maxHeadInflate: 1024 * 1024,
  /** What it inflates of the shared strings to name the first row's cells. */
  maxSharedStringsInflate: 4 * 1024 * 1024,
} as const;

function suspicious(file: string, reason: string, reasonZh: string): CoreError {
  return new CoreError('INPUT_ARCHIVE_SUSPICIOUS', `${file}: not unpacked: ${reason}`, { reason, reason_zh: reasonZh }, { file });
}

function unreadable(file: string, detail: string): CoreError {
  return new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: not a readable XLSX workbook (${detail})`, { context: 'workbook', detail }, { file });
}

/** Every entry of the archive, after checking the declared sizes; never inflates anything. */
async function checkedEntries(zip: yauzl.ZipFile, file: string): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > XLSX_LIMITS.maxEntries)
    throw suspicious(file, `${zip.entryCount} entries (limit ${XLSX_LIMITS.maxEntries})`, `共 ${zip.entryCount} 個項目，上限 ${XLSX_LIMITS.maxEntries}`);
  const entries = new Map<string, yauzl.Entry>();
  let total = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.isEncrypted()) throw unreadable(file, 'encrypted entries');
    total += entry.uncompressedSize;
    if (total > XLSX_LIMITS.maxTotalUncompressed)
      throw suspicious(
        file,
        `it declares more than ${XLSX_LIMITS.maxTotalUncompressed} bytes unpacked (limit for a workbook)`,
        `宣告解壓縮後超過 ${XLSX_LIMITS.maxTotalUncompressed} 位元組`,
      );
    if (entry.uncompressedSize > XLSX_LIMITS.ratioFloorBytes && entry.uncompressedSize > XLSX_LIMITS.maxRatio * Math.max(1, entry.compressedSize))
      throw suspicious(
        file,
        `${entry.fileName} unpacks ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times its size (limit ${XLSX_LIMITS.maxRatio})`,
        `${entry.fileName} 壓縮比 ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} 倍，上限 ${XLSX_LIMITS.maxRatio} 倍`,
      );
    entries.set(entry.fileName, entry);
  }
  return entries;
}

/** yauzl's errors (bad signature, size mismatch) as the right CoreError. */
function archiveError(e: unknown, file: string): CoreError {
  if (e instanceof CoreError) return e;
  const message = e instanceof Error ? e.message : String(e);
  // yauzl: "too many bytes in the stream" / "not enough bytes…": the declared sizes lie.
  if (/bytes in the stream|expected \d+ bytes/i.test(message))
    return suspicious(file, `an entry does not match its declared size (${message})`, '項目實際大小與宣告不符');
  return unreadable(file, message);
}

/**
 * Inflates `entry` chunk by chunk until `done(text, from)` says enough (it looks only from `from`,
 * a little before the new chunk, so the whole is not searched again per chunk) or `max` bytes.
 */
async function inflateUntil(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number, done: (text: string, from: number) => boolean): Promise<string> {
  const stream = await zip.openReadStreamPromise(entry);
  const decoder = new StringDecoder('utf8');
  let text = '';
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, Math.max(0, max - size));
      size += part.length;
      const from = Math.max(0, text.length - 16);
      text += decoder.write(part);
      if (size >= max || done(text, from)) break;
    }
  } finally {
    stream.destroy();
  }
  return text;
}

/**
 * Checks a workbook held in memory before exceljs sees it: declared sizes first, then every entry
 * inflated as a stream and counted (nothing kept), so a lying header is caught at its declared size.
 */
export async function assertSafeXlsx(bytes: Buffer, file: string): Promise<void> {
  if (bytes.length > XLSX_LIMITS.maxFileBytes)
    throw new CoreError(
      'INPUT_TOO_LARGE',
      `${file}: ${bytes.length} bytes, more than ccheck reads for a workbook (limit ${XLSX_LIMITS.maxFileBytes})`,
      { limit: XLSX_LIMITS.maxFileBytes, what: `${bytes.length} bytes`, what_zh: `${bytes.length} 位元組` },
      { file },
    );
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw archiveError(e, file);
  }
  try {
    const entries = await checkedEntries(zip, file);
    for (const entry of entries.values()) {
      if (entry.uncompressedSize === 0 && entry.compressedSize === 0) continue;
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) void chunk;
    }
  } catch (e) {
    throw archiveError(e, file);
  } finally {
    zip.close();
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return XML_ENTITIES[e] ?? m;
  });

/** The text of `<t>` runs in an `<si>` or `<is>`, leaving out phonetic guides (`<rPh>`). */
const runText = (xml: string) =>
  [...xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => decodeXml(m[1] ?? '')).join('');

/** `C` → 2 (zero-based column of a cell reference). */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/**
 * The first row of a workbook's first sheet, for recognising what a file is without unpacking it:
 * only the workbook's index, the start of the first sheet and, if its cells need them, the start
 * of the shared strings are inflated, each to a fixed bound. INPUT_ARCHIVE_SUSPICIOUS when the
 * archive declares sizes no workbook needs.
 */
export async function readXlsxFirstRow(file: string, bytes?: Buffer): Promise<string[]> {
  const options = { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, autoClose: false };
  let zip: yauzl.ZipFile;
  try {
    // From the file, reading only the directory and the entries needed; or from bytes already read.
    zip = bytes ? await yauzl.fromBufferPromise(bytes, options) : await yauzl.openPromise(file, options);
  } catch (e) {
    throw archiveError(e, file);
  }
  try {
    const entries = await checkedEntries(zip, file);
    const read = async (name: string, max: number, done: (t: string, from: number) => boolean = () => false) => {
      const entry = entries.get(name);
      return entry ? inflateUntil(zip, entry, max, done) : '';
    };
    // The first <sheet> of workbook.xml is the first sheet exceljs reads; its r:id names the part.
    const workbook = await read('xl/workbook.xml', XLSX_LIMITS.maxHeadInflate);
    const rid = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1];
    const rels = rid ? await read('xl/_rels/workbook.xml.rels', XLSX_LIMITS.maxHeadInflate) : '';
    const rel = rid ? new RegExp(`<Relationship\\b[^>]*\\bId="${rid.replace(/[^\w-]/g, '')}"[^>]*>`).exec(rels)?.[0] : undefined;
    const target = rel ? /\bTarget="([^"]+)"/.exec(rel)?.[1] : undefined;
    const sheetName = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target}`) : 'xl/worksheets/sheet1.xml';
    const sheet = await read(sheetName, XLSX_LIMITS.maxHeadInflate, (t, from) =>
      ['</row>', '</sheetData>', '<sheetData/>'].some((m) => t.indexOf(m, from) >= 0),
    );
    const row = /<row\b([^>]*)>([\s\S]*?)<\/row>/.exec(sheet);
    // exceljs reads the header from row 1; a sheet whose first row is later has no header.
    if (!row || !/\br="1"/.test(row[1] ?? '')) return [];
    const cells: { col: number; type: string; xml: string }[] = [];
    for (const c of (row[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1] ?? '';
      const ref = /\br="([A-Z]+)\d*"/i.exec(attrs)?.[1];
      cells.push({ col: ref ? columnOf(ref) : cells.length, type: /\bt="([^"]+)"/.exec(attrs)?.[1] ?? 'n', xml: c[2] ?? '' });
    }
    const needed = cells.filter((c) => c.type === 's').map((c) => Number(/<v>\s*(\d+)\s*<\/v>/.exec(c.xml)?.[1] ?? -1));
    const last = needed.reduce((a, b) => (b > a ? b : a), -1);
    let shared: string[] = [];
    if (last >= 0) {
      let seen = 0;
      let next = 0;
      const xml = await read('xl/sharedStrings.xml', XLSX_LIMITS.maxSharedStringsInflate, (t, from) => {
        for (let i = t.indexOf('</si>', Math.max(from, next)); i >= 0; i = t.indexOf('</si>', i + 5)) {
          seen++;
          next = i + 5;
        }
        return seen > last;
      });
      shared = [...xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)].map((m) => runText(m[1] ?? ''));
    }
    const width = cells.reduce((a, c) => (c.col + 1 > a ? c.col + 1 : a), 0);
    const out: string[] = Array.from({ length: Math.min(width, 16384) }, () => '');
    for (const c of cells) {
      if (c.col < 0 || c.col >= out.length) continue;
      const v = /<v>([\s\S]*?)<\/v>/.exec(c.xml)?.[1];
      out[c.col] = (
        c.type === 's'
          ? (shared[Number(v)] ?? '')
          : c.type === 'inlineStr'
            ? runText(c.xml)
            : c.type === 'b'
              ? v === '1'
                ? 'true'
                : 'false'
              : decodeXml(v ?? '')
      ).trim();
    }
    return out;
  } catch (e) {
    throw archiveError(e, file);
  } finally {
    zip.close();
  }
}
