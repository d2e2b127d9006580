import type { AnalyzerFinding, EvidenceInput } from '../../core/analysis/analyzer.js';
import { isUtf8 } from 'node:buffer';

/**
 * One log line read into the fields both log analyzers need, whatever the format: JSON Lines,
 * CSV with a header row, or syslog (RFC 5424, RFC 3164). `fields` holds every named value by a
 * normalised key (lower case, no punctuation), so aliases such as `user_id`/`userId`/`使用者` meet.
 */
export interface LogRecord {
  readonly line: number;
  /** Epoch milliseconds, or null when the line has no readable time. */
  readonly time: number | null;
  /** The time as written (for findings), or null. */
  readonly timeText: string | null;
  readonly fields: ReadonlyMap<string, string>;
  /** The free-text message (syslog MSG, a JSON `message`/`msg`), or the whole line. */
  readonly message: string;
}

export type LogFormat = 'jsonl' | 'csv' | 'syslog';

/** Keys as written differ (`userId`, `user_id`, `User ID`, `使用者 / user`): compare them normalised. */
export const normKey = (k: string): string => k.toLowerCase().replace(/[\s_\-./:：()（）]/g, '');

/** Timestamps without an offset are local time at the firm: Taiwan (UTC+8, no daylight saving). */
const TAIPEI_OFFSET_MS = 8 * 3600_000;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

const ISO_TIME = /^(\d{3,4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const BSD_TIME = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads a timestamp to epoch ms: ISO 8601 (offset or none = Taipei), `2026/11/27 10:00:00`, a
 * 民國 year (`115/11/27 10:00:00`), epoch seconds or milliseconds, or a BSD syslog stamp
 * (`Nov 27 10:00:00`, no year: the latest such day not after `today`). Null when unreadable.
 */
export function parseLogTime(text: string, todayMs: number): number | null {
  const t = text.trim();
  if (/^\d{10}(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (/^\d{13}$/.test(t)) return Number(t);
  let m = ISO_TIME.exec(t);
  if (m) {
    let year = Number(m[1]);
    if (m[1]!.length === 3) {
      // 民國 years are written with slashes (115/11/01); `203-10-11` is a broken ISO date, not ROC 203.
      if (!t.startsWith(`${m[1]}/`)) return null;
      year += 1911;
    }
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1970) return null;
    const hh = Number(m[4] ?? 0);
    const mi = Number(m[5] ?? 0);
    const ss = Number(m[6] ?? 0);
    if (hh > 23 || mi > 59 || ss > 60) return null;
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const local = Date.UTC(year, month - 1, day, hh, mi, ss, ms);
    const zone = m[8];
    if (!zone) return local - TAIPEI_OFFSET_MS;
    if (zone.toUpperCase() === 'Z') return local;
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000 * (z[1] === '-' ? -1 : 1);
    return local - offset;
  }
  m = BSD_TIME.exec(t);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    if (month === undefined) return null;
    // RFC 3164 has no year: take today's, or last year's when that day would lie after today.
    const year = new Date(todayMs).getUTCFullYear();
    const at = (y: number) => Date.UTC(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - TAIPEI_OFFSET_MS;
    return at(year) > todayMs + 86_400_000 ? at(year - 1) : at(year);
  }
  return null;
}

const SYSLOG_5424 = /^(?:<(\d{1,3})>)?(?:(\d{1,2}) )?(\d{4}-\d{2}-\d{2}T\S+|-) (\S+) (\S+) (\S+) (\S+) ?(.*)$/;
const SYSLOG_3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ?(.*)$/;
const TAG = /^([^\s:[]+?)(?:\[(\d+)\])?(?:\([^)]*\))?(?:\[(\d+)\])?:\s?(.*)$/;
const KV = /([\p{L}\p{N}_.@-]+)=("(?:[^"\\]|\\.)*"|\S*)/gu;

/** RFC 5424 STRUCTURED-DATA: `[id k="v" …][…]`, values with \" \\ \] escapes; the rest is MSG. */
function structuredData(text: string, into: Map<string, string>): string | null {
  if (text.startsWith('-')) return text.slice(1).trimStart();
  let i = 0;
  while (text[i] === '[') {
    const idEnd = text.slice(i).search(/[ \]]/);
    if (idEnd < 0) return null;
    i += idEnd;
    while (text[i] === ' ') {
      const m = /^ ([^= \]"]+)="/.exec(text.slice(i));
      if (!m) return null;
      i += m[0].length;
      let v = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        v += text[i++];
      }
      if (text[i] !== '"') return null;
      i++;
      into.set(normKey(m[1]!), v);
    }
    if (text[i] !== ']') return null;
    i++;
  }
  return text.slice(i).trimStart();
}

/** `user=alice func="query customer"` pairs in a syslog message: the fields of a text log. */
function keyValues(message: string, into: Map<string, string>): void {
  for (const m of message.matchAll(KV)) {
    const v = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!;
    const k = normKey(m[1]!);
    if (!into.has(k)) into.set(k, v);
  }
}

/** A syslog line (RFC 5424 first, then RFC 3164), or null when it is neither. */
export function parseSyslog(text: string, line: number, todayMs: number): LogRecord | null {
  const fields = new Map<string, string>();
  let m = SYSLOG_5424.exec(text);
  if (m && (m[1] !== undefined || m[2] !== undefined || m[3] !== '-')) {
    if (m[1] !== undefined && Number(m[1]) > 191) return null;
    const time = m[3] === '-' ? null : parseLogTime(m[3]!, todayMs);
    if (m[3] !== '-' && time === null) return null;
    const msg = structuredData(m[8]!, fields);
    if (msg === null) return null;
    const nil = (v: string) => (v === '-' ? null : v);
    if (nil(m[4]!)) fields.set('host', m[4]!);
    if (nil(m[5]!)) fields.set('app', m[5]!);
    if (nil(m[7]!)) fields.set('msgid', m[7]!);
    const message = msg.replace(/^\uFEFF|^BOM/, '');
    keyValues(message, fields);
    return { line, time, timeText: nil(m[3]!), fields, message };
  }
  m = SYSLOG_3164.exec(text);
  if (m) {
    if (m[1] !== undefined && Number(m[1]) > 191) return null;
    const time = parseLogTime(m[2]!, todayMs);
    if (time === null) return null;
    fields.set('host', m[3]!.replace(/:$/, ''));
    const tag = TAG.exec(m[4]!);
    const message = tag ? tag[4]! : m[4]!;
    if (tag) fields.set('app', tag[1]!);
    keyValues(message, fields);
    return { line, time, timeText: m[2]!, fields, message };
  }
  return null;
}

/**
 * Splits one CSV record (RFC 4180: quoted fields, doubled quotes). Returns null when a quote is
 * still open at the end, so the caller joins the next line (a quoted field may hold a newline).
 */
export function splitCsv(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return null;
        v += text.slice(i, q);
        if (text[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const c = text.indexOf(',', i);
      // Text after a closing quote (`"a"b,`) is kept, as spreadsheets do.
      out.push(v + (c < 0 ? text.slice(i) : text.slice(i, c)));
      if (c < 0) return out;
      i = c + 1;
    } else {
      const c = text.indexOf(',', i);
      if (c < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, c));
      i = c + 1;
    }
  }
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
    return;
  }
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  into.set(normKey(prefix), s);
  // `user.name` is also found as `name` under `user`: keep the last segment when it is free.
  const last = normKey(prefix.split('.').pop()!);
  const parent = prefix.includes('.') ? normKey(prefix.split('.').slice(-2, -1)[0]!) : '';
  if (parent && !into.has(parent)) into.set(parent, s);
  if (!into.has(last)) into.set(last, s);
}

/** A value as the analyzers take it: trimmed, with empty, `-`, `null` and `n/a` counting as absent. */
export function plain(value: string | null | undefined): string | null {
  if (!value) return null;
  // Called for every value of millions of lines: build no new string unless there is space to trim.
  const v = value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32 ? value.trim() : value;
  if (v === '' || v === '-') return null;
  if ((v.length === 4 || v.length === 3) && /^(?:null|n\/a)$/i.test(v)) return null;
  return v;
}

/** The first value among aliases (normalised keys), empty and `-`/null values counting as absent. */
export function field(fields: ReadonlyMap<string, string>, aliases: readonly string[]): string | null {
  for (const a of aliases) {
    const v = plain(fields.get(a));
    if (v) return v;
  }
  return null;
}

export const TIME_KEYS = ['timestamp', 'time', 'ts', 'timestamp', 'datetime', 'eventtime', 'date', 'logtime', '時間', '日期時間', '發生時間', '存取時間'].map(
  normKey,
);
export const MESSAGE_KEYS = ['message', 'msg', 'log', '訊息', '內容'].map(normKey);

/** A JSON Lines line as an object, or null when it is not one (bad syntax, an array, a scalar). */
function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function jsonRecord(line: number, value: Record<string, unknown>, text: string, todayMs: number): LogRecord {
  const fields = new Map<string, string>();
  flatten(value, '', fields);
  const timeText = field(fields, TIME_KEYS);
  return { line, time: timeText ? parseLogTime(timeText, todayMs) : null, timeText, fields, message: field(fields, MESSAGE_KEYS) ?? text };
}

export interface MalformedLine {
  readonly line: number;
  readonly reason: string;
}

/** What reading one file gave: records, and the lines that could not be read, each with why. */
export interface ReadLog {
  readonly format: LogFormat | null;
  readonly records: number;
  readonly malformed: readonly MalformedLine[];
  readonly malformedCount: number;
  /** Lines with U+FFFD: bytes that are not UTF-8 (often Big5 in a file that starts as ASCII). */
  readonly encodingLines: readonly number[];
  readonly encodingCount: number;
  /** The last line is cut off (an unfinished JSON object or quoted CSV field). */
  readonly truncatedAt: number | null;
  /** Lines read (the next range of the file starts at line `lines + 1`). */
  readonly lines: number;
}

const KEEP = 5;

/** Lines that could not be read, and lines with bytes that are not UTF-8: counted, the first few kept. */
class LineProblems {
  readonly malformed: MalformedLine[] = [];
  malformedCount = 0;
  readonly encodingLines: number[] = [];
  encodingCount = 0;
  lastBad: number | null = null;
  bad(line: number, reason: string): void {
    this.malformedCount++;
    this.lastBad = line;
    if (this.malformed.length < KEEP) this.malformed.push({ line, reason });
  }
  /** U+FFFD: the decoder met bytes that are not UTF-8. */
  encoding(text: string, line: number): void {
    if (!text.includes('\uFFFD')) return;
    this.encodingCount++;
    if (this.encodingLines.length < KEEP) this.encodingLines.push(line);
  }
  result(format: LogFormat | null, records: number, truncatedAt: number | null, lines: number): ReadLog {
    const { malformed, malformedCount, encodingLines, encodingCount } = this;
    return { format, records, malformed, malformedCount, encodingLines, encodingCount, truncatedAt, lines };
  }
}

/**
 * Streams one log file record by record. The format is decided by the first line that is not
 * blank: `{` is JSON Lines, a syslog header is syslog, anything else is a CSV header row. Bad
 * lines are counted and the first few kept, never fatal and never silently skipped.
 */
export async function readLog(lines: AsyncIterable<string>, todayMs: number, onRecord: (r: LogRecord) => void): Promise<ReadLog> {
  let format: LogFormat | null = null;
  let header: string[] | null = null;
  let n = 0;
  let records = 0;
  const problems = new LineProblems();
  const bad = (line: number, reason: string) => problems.bad(line, reason);
  let pending: { start: number; text: string } | null = null;

  for await (const raw of lines) {
    n++;
    let text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    problems.encoding(text, n);
    if (pending) {
      text = `${pending.text}\n${text}`;
    } else if (text.trim() === '') continue;
    if (format === null) {
      const t = text.trimStart();
      format = t.startsWith('{') ? 'jsonl' : parseSyslog(t, n, todayMs) ? 'syslog' : 'csv';
    }
    if (format === 'jsonl') {
      const value = jsonObject(text);
      if (!value) {
        bad(n, 'not a JSON object');
        continue;
      }
      records++;
      onRecord(jsonRecord(n, value, text, todayMs));
    } else if (format === 'syslog') {
      const r = parseSyslog(text, n, todayMs);
      if (!r) {
        bad(n, 'not an RFC 5424 or RFC 3164 syslog line');
        continue;
      }
      records++;
      onRecord(r);
    } else {
      const start: number = pending?.start ?? n;
      const cells = splitCsv(text);
      if (cells === null) {
        pending = { start, text };
        continue;
      }
      pending = null;
      if (!header) {
        header = cells.map((h) => h.trim());
        continue;
      }
      if (cells.length !== header.length) {
        bad(start, `${cells.length} fields where the header has ${header.length}`);
        continue;
      }
      const fields = new Map<string, string>();
      header.forEach((h, i) => {
        // A bilingual header `使用者 / user` answers to both names.
        for (const name of h.split(/\s*\/\s*/)) fields.set(normKey(name), cells[i]!);
      });
      const timeText = field(fields, TIME_KEYS);
      records++;
      onRecord({ line: start, time: timeText ? parseLogTime(timeText, todayMs) : null, timeText, fields, message: field(fields, MESSAGE_KEYS) ?? text });
    }
  }
  let truncatedAt: number | null = null;
  if (pending) {
    truncatedAt = pending.start;
    bad(pending.start, 'a quoted field is never closed: the file is cut off');
  } else if (format === 'jsonl' && problems.lastBad === n) truncatedAt = n;
  return problems.result(format, records, truncatedAt, n);
}

/**
 * How a file read when it was read in two consecutive parts: `b` starts at line `a.lines + 1`.
 * Counts add up, the first few problems stay the first few, and only the last part can be cut off.
 */
export function mergeReads(a: ReadLog, b: ReadLog): ReadLog {
  const by = a.lines;
  return {
    format: a.format ?? b.format,
    records: a.records + b.records,
    malformed: [...a.malformed, ...b.malformed.map((m) => ({ ...m, line: m.line + by }))].slice(0, KEEP),
    malformedCount: a.malformedCount + b.malformedCount,
    encodingLines: [...a.encodingLines, ...b.encodingLines.map((l) => l + by)].slice(0, KEEP),
    encodingCount: a.encodingCount + b.encodingCount,
    truncatedAt: b.truncatedAt === null ? null : b.truncatedAt + by,
    lines: a.lines + b.lines,
  };
}

/** Findings about how a file read: unreadable lines (first few named), a wrong encoding, a cut-off end. Warnings, not failures. */
export function readingFindings(file: string, read: ReadLog, clause: string): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const base = { file, clause, failing: false, blocking: [] as const };
  if (read.encodingCount) {
    out.push({
      ...base,
      kind: 'wrong_encoding',
      severity: 'medium',
      line: read.encodingLines[0]!,
      rule: null,
      detail: `${read.encodingCount} lines hold bytes that are not UTF-8 (Big5?) — lines ${read.encodingLines.join(', ')}${read.encodingCount > read.encodingLines.length ? ', …' : ''}; their text may be misread`,
      detailZh: `${read.encodingCount} 行含非 UTF-8 位元組（可能為 Big5）— 第 ${read.encodingLines.join('、')} 行${read.encodingCount > read.encodingLines.length ? '等' : ''}；內容可能判讀錯誤`,
    });
  }
  if (read.truncatedAt !== null) {
    out.push({
      ...base,
      kind: 'truncated_file',
      severity: 'medium',
      line: read.truncatedAt,
      rule: null,
      detail: `the file ends in an unfinished record at line ${read.truncatedAt}: it looks cut off (copy incomplete?)`,
      detailZh: `檔案於第 ${read.truncatedAt} 行以不完整之紀錄結束，疑似檔案被截斷（複製不完整？）`,
    });
  }
  if (read.malformedCount) {
    const shown = read.malformed.map((m) => `${m.line} (${m.reason})`).join('; ');
    out.push({
      ...base,
      kind: 'malformed_lines',
      severity: 'medium',
      line: read.malformed[0]!.line,
      rule: null,
      detail: `${read.malformedCount} lines could not be read and were not judged — line ${shown}${read.malformedCount > read.malformed.length ? '; …' : ''}`,
      detailZh: `${read.malformedCount} 行無法解析，未納入判斷 — 第 ${shown}${read.malformedCount > read.malformed.length ? '；…' : ''}`,
    });
  }
  return out;
}

/** Capped findings as plain data (structured-clone-able): the kept findings and every kind's full count. */
export interface FindingsData {
  readonly list: readonly AnalyzerFinding[];
  readonly counts: ReadonlyMap<string, number>;
}

/**
 * Consecutive byte ranges of one file, scanned apart, as one scan of the file: each part joined
 * to the ones before it by `joinTotals` with its lines moved by theirs, and the reads merged.
 */
export function joinRanges<T, P extends T & { readonly read: ReadLog }>(parts: readonly P[], joinTotals: (a: T, b: T, by: number) => T): T & { read: ReadLog } {
  const [first, ...rest] = parts;
  let out: T & { read: ReadLog } = first!;
  for (const b of rest) out = { ...joinTotals(out, b, out.read.lines), read: mergeReads(out.read, b.read) };
  return out;
}

/**
 * Keeps at most `cap` findings of each kind and counts the rest, so ten million missing fields
 * give a readable report; `finish()` adds one info finding per capped kind saying how many more.
 */
export class CappedFindings {
  readonly list: AnalyzerFinding[] = [];
  readonly counts = new Map<string, number>();
  constructor(private readonly cap: number) {}
  push(f: AnalyzerFinding): void {
    const c = (this.counts.get(f.kind) ?? 0) + 1;
    this.counts.set(f.kind, c);
    if (c <= this.cap) this.list.push(f);
  }
  /**
   * Takes a later range's findings in order, their lines moved by `by` (by `move`, for findings
   * whose text names their line); what it counted beyond its cap stays counted.
   */
  absorb(other: FindingsData, by: number, move: (f: AnalyzerFinding, line: number) => AnalyzerFinding = (f, line) => ({ ...f, line })): void {
    const listed = new Map<string, number>();
    for (const f of other.list) {
      listed.set(f.kind, (listed.get(f.kind) ?? 0) + 1);
      this.push(f.line === null || by === 0 ? f : move(f, f.line + by));
    }
    for (const [kind, c] of other.counts) this.counts.set(kind, (this.counts.get(kind) ?? 0) + c - (listed.get(kind) ?? 0));
  }
  finish(clause: string): AnalyzerFinding[] {
    const more: AnalyzerFinding[] = [];
    for (const [kind, c] of this.counts) {
      if (c <= this.cap) continue;
      const example = this.list.find((f) => f.kind === kind)!;
      more.push({
        kind: 'findings_capped',
        severity: 'info',
        failing: false,
        clause,
        file: example.file,
        line: null,
        rule: kind,
        blocking: [],
        detail: `${kind}: ${c} in all; the first ${this.cap} are listed, ${c - this.cap} more are counted but not listed (option max_findings_per_kind)`,
        detailZh: `${kind}：共 ${c} 筆；列出前 ${this.cap} 筆，其餘 ${c - this.cap} 筆僅計數未列出（選項 max_findings_per_kind）`,
      });
    }
    return [...this.list, ...more];
  }
}

/** The values a fast scan hands over for one JSON line: only what the caller asked for, by role. */
export interface QuickLine {
  readonly line: number;
  readonly time: number | null;
  readonly timeText: string | null;
  /** The values of the roles asked for, in the order given (null when the first line lacks the key). */
  readonly values: readonly (string | null)[];
}

const NON_ASCII = /[^\x00-\x7f]/;
const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The exact shape of the first line as one regular expression over a whole chunk: `{`, every
 * key of the first line in its order — a capture for each wanted value, a plain string or
 * scalar skipped for the others — and `}` at the end of the line. A fixed shape never
 * backtracks; a line of another shape (other keys or order, arrays, nested objects, escapes)
 * does not match and is read whole.
 */
function layoutPattern(order: readonly string[], first: Record<string, unknown>, wanted: readonly (string | null)[]): { re: RegExp; slots: number[] } | null {
  const slots: number[] = wanted.map(() => -1);
  const parts: string[] = [];
  const str = '"([^"\\\\\\n]*)"';
  const skip = '(?:"[^"\\\\\\n]*"|[^,"{}\\n\\\\\\[\\]]*)';
  let group = 0;
  for (const k of order) {
    const v = first[k];
    if (typeof v === 'object' && v !== null) return null; // nested values: no fixed shape
    const w = wanted.indexOf(k);
    const value = w < 0 ? skip : typeof v === 'string' ? str : '(-?[0-9][0-9.eE+-]*)';
    parts.push(`"${escapeRe(k)}": ?${value}`);
    if (w >= 0) slots[w] = ++group;
  }
  return { re: new RegExp(`^\\{ ?${parts.join(' ?, ?')} ?\\}\\r?$`, 'gm'), slots };
}

/**
 * Reads JSON Lines from UTF-8 byte chunks without a JSON.parse per line: a file of ten million
 * events is mostly lines that only need a time and a host. The keys for each role (`roles`,
 * alias lists as for `field`) are learnt from the first object, which is parsed fully; lines of
 * the same flat shape are then matched in bulk by one regular expression per chunk (see
 * `layoutPattern`) and their values handed to `quick`. `quick` returns false for a line it wants
 * whole (say, a possible failure): that line, and every line of another shape, is parsed fully
 * and given to `onRecord` exactly as `readLog` would. A chunk with bytes that are not UTF-8 is
 * read whole, line by line, so the encoding finding names its lines.
 *
 * Limits: the quick path recognises the shape of a flat object; a line of that shape is valid
 * JSON except for a bare token that is not one (`"n": 1x2`), which is taken as text.
 *
 * Returns null (having read only the head) when the file is not JSON Lines: the caller then
 * reads it with `readLog`. With `continued`, the chunks are a later byte range of a file already
 * known to be JSON Lines (see `EvidenceInput.ranges`): no byte-order mark is looked for, the
 * first line is line 1 of the range, and a first line that is not JSON is a malformed line.
 */
export async function readJsonLinesFast(
  chunks: AsyncIterable<Buffer>,
  todayMs: number,
  roles: readonly (readonly string[])[],
  quick: (q: QuickLine) => boolean,
  onRecord: (r: LogRecord) => void,
  continued = false,
): Promise<ReadLog | null> {
  let n = 0;
  let records = 0;
  const problems = new LineProblems();
  let layout: { re: RegExp; slots: number[]; time: number } | null | undefined; // undefined: not learnt yet
  let started = continued;
  let rest: Buffer | null = null;
  // One-entry cache: consecutive lines share the minute, the offset and its parse.
  let lastPrefix = '\u0000';
  let lastZone = '';
  let lastBase: number | null = null;

  const slow = (text: string) => {
    problems.encoding(text, n);
    const value = jsonObject(text);
    if (!value) {
      problems.bad(n, 'not a JSON object');
      return;
    }
    if (layout === undefined) {
      // Learn the written key of each role from the first object, by the same alias order as `field`.
      const obj = value;
      const order = Object.keys(obj);
      const pick = (aliases: readonly string[]) => {
        for (const a of aliases) {
          const hit = order.find((k) => normKey(k) === a && (typeof obj[k] === 'string' || typeof obj[k] === 'number'));
          if (hit) return hit;
        }
        return null;
      };
      const wanted = [...roles.map(pick), pick(TIME_KEYS)];
      // The source role (first) and the time must be there, or nothing goes the quick way.
      const p = wanted[0] && wanted[wanted.length - 1] ? layoutPattern(order, obj, wanted) : null;
      layout = p && { ...p, time: p.slots.pop()! };
    }
    records++;
    onRecord(jsonRecord(n, value, text, todayMs));
  };
  const fastTime = (t: string): number | null => {
    // 2026-11-01T00:05:07(.123)(+08:00): the minute and the offset come from the cache.
    if (t.length >= 19 && t.charCodeAt(16) === 58 && t.charCodeAt(13) === 58) {
      let i = 19;
      let ms = 0;
      if (t.charCodeAt(19) === 46) {
        i = 20;
        let digits = 0;
        while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) {
          if (digits < 3) ms = ms * 10 + t.charCodeAt(i) - 48;
          digits++;
          i++;
        }
        for (; digits < 3; digits++) ms *= 10;
      }
      const s1 = t.charCodeAt(17) - 48;
      const s2 = t.charCodeAt(18) - 48;
      if (s1 < 0 || s1 > 6 || s2 < 0 || s2 > 9) return parseLogTime(t, todayMs);
      // Compared in place (no string built per line): same minute prefix, same offset text.
      if (!(t.length - i === lastZone.length && t.startsWith(lastPrefix) && t.endsWith(lastZone))) {
        lastPrefix = t.slice(0, 16);
        lastZone = t.slice(i);
        lastBase = parseLogTime(`${lastPrefix}:00${lastZone}`, todayMs);
      }
      return lastBase === null ? null : lastBase + (s1 * 10 + s2) * 1000 + ms;
    }
    return parseLogTime(t, todayMs);
  };
  const decode = (v: string | undefined): string | null => (v === undefined ? null : NON_ASCII.test(v) ? Buffer.from(v, 'latin1').toString('utf8') : v);
  /** Lines [from, to) of the chunk one by one, the full way. */
  const wholeLines = (buf: Buffer, s: string, from: number, to: number) => {
    let pos = from;
    while (pos < to) {
      const nl = s.indexOf('\n', pos);
      n++;
      let stop = nl;
      if (stop > pos && s.charCodeAt(stop - 1) === 13) stop--;
      if (stop > pos && s.slice(pos, stop).trim() !== '') slow(buf.toString('utf8', pos, stop));
      pos = nl + 1;
    }
  };

  for await (const chunk of chunks) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = null;
    if (!started) {
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      const first = buf.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a);
      if (first < 0) {
        rest = buf; // only blank so far
        continue;
      }
      if (buf[first] !== 0x7b) return null;
      started = true;
    }
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) {
      rest = buf;
      continue;
    }
    if (end + 1 < buf.length) rest = Buffer.from(buf.subarray(end + 1));
    // Latin-1 keeps one char per byte, so offsets in the string are offsets in the bytes.
    const s = buf.toString('latin1', 0, end + 1);
    let pos = 0;
    if (layout === undefined) {
      // The first object teaches the layout: read lines whole until one parses.
      while (pos <= end && layout === undefined) {
        const nl = s.indexOf('\n', pos);
        wholeLines(buf, s, pos, nl + 1);
        pos = nl + 1;
      }
    }
    if (!layout || !isUtf8(buf.subarray(pos, end))) {
      wholeLines(buf, s, pos, end + 1);
      continue;
    }
    const { re, slots, time } = layout;
    re.lastIndex = pos;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m.index > pos) wholeLines(buf, s, pos, m.index);
      n++;
      const timeText = m[time]!;
      const q = { line: n, time: fastTime(timeText), timeText, values: slots.map((g) => (g < 0 ? null : decode(m[g]))) };
      if (quick(q)) records++;
      else slow(buf.toString('utf8', m.index, m.index + m[0].length).replace(/\r$/, ''));
      pos = m.index + m[0].length + 1;
      re.lastIndex = pos;
    }
    if (pos <= end) wholeLines(buf, s, pos, end + 1);
  }
  if (!started) return null; // blank throughout: readLog says so
  if (rest && rest.length) {
    // The last line has no newline: it is still a line (and, if unfinished, a cut-off file).
    n++;
    const text = rest.toString('utf8').replace(/\r$/, '');
    if (text.trim() !== '') slow(text);
  }
  return problems.result('jsonl', records, problems.lastBad === n ? n : null, n);
}

/** Whether bytes are JSON Lines as `readJsonLinesFast` decides it: the first byte that is not blank (after a BOM) is `{`. */
async function startsAsJsonLines(chunks: AsyncIterable<Buffer>): Promise<boolean> {
  let head = Buffer.alloc(0);
  for await (const chunk of chunks) {
    head = Buffer.concat([head, chunk]);
    if (head.length < 3) continue;
    const body = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    const first = body.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a);
    if (first >= 0) return body[first] === 0x7b;
    head = Buffer.from(head.subarray(0, 3)); // only blank so far: keep what decides a BOM
  }
  return false;
}

/**
 * A JSON Lines log scanned by a range scanner (`scanRange`, a module-level function of plain
 * data): in the byte ranges the shell offers (`EvidenceInput.ranges(maxRanges)`), all at once on
 * its worker threads when every range can `scan`, else one after the other here, and the parts
 * joined in file order; without ranges, from `bytes()` in one pass. Null when the file is not
 * JSON Lines or offers no bytes: the caller reads it line by line.
 */
export async function scanLogRanges<P, Params>(
  f: EvidenceInput,
  maxRanges: number,
  scanner: string,
  params: (continued: boolean) => Params,
  scanRange: (chunks: AsyncIterable<Buffer>, params: Params) => Promise<P | null>,
  join: (parts: P[]) => P,
): Promise<P | null> {
  const ranges = (await f.ranges?.(maxRanges)) ?? [];
  // The format is the file head's (a later range alone cannot tell): decided before any range is sent off.
  if (ranges.length > 1 && (await startsAsJsonLines(ranges[0]!.bytes()))) {
    const parts: (P | null)[] = [];
    if (ranges.every((r) => r.scan !== undefined))
      parts.push(...(await Promise.all(ranges.map((r, i) => r.scan!(scanner, params(i > 0)) as Promise<P | null>))));
    else for (const [i, r] of ranges.entries()) parts.push(await scanRange(r.bytes(), params(i > 0)));
    const whole = parts.filter((p): p is P => p !== null);
    if (whole.length === parts.length) return join(whole);
  }
  const chunks = f.bytes?.();
  return chunks ? scanRange(chunks, params(false)) : null;
}
