/** One sign-in or password-change attempt, from a JSON Lines or CSV log line. */
export interface AuthEvent {
  /** Milliseconds since 1970, from a timestamp with its zone (or the firm's zone when it has none). */
  readonly time: number;
  readonly account: string | null;
  readonly source: string | null;
  readonly action: 'login' | 'password_change';
  readonly outcome: Outcome;
  readonly system: string | null;
}

/** What the server did with the attempt; the last three are the defences of 7/(1)/j/(g). */
export type Outcome = 'success' | 'failure' | 'lockout' | 'captcha' | 'rate_limit';
export const DEFENCES: readonly Outcome[] = ['lockout', 'captcha', 'rate_limit'];

type Field = 'time' | 'account' | 'source' | 'action' | 'outcome' | 'system';

/** Field names as log shippers and firms write them (ECS, Windows, our template). */
const ALIASES: Record<Field, readonly string[]> = {
  time: ['timestamp', '@timestamp', 'time', 'ts', 'datetime', 'date_time', 'event_time', 'eventtime', '時間', '發生時間'],
  account: ['user', 'username', 'user_name', 'user.name', 'account', 'account_name', 'login', 'userid', 'user_id', 'targetusername', '帳號', '使用者帳號'],
  source: ['src_ip', 'source_ip', 'source.ip', 'client_ip', 'client.ip', 'ip', 'ipaddress', 'remote_addr', 'remote_ip', 'src', 'source', '來源ip', '來源位址'],
  action: ['event', 'action', 'event.action', 'event_type', 'type', 'activity', '事件', '動作'],
  outcome: ['outcome', 'event.outcome', 'result', 'status', 'login_result', '結果', '狀態'],
  system: ['system', 'app', 'application', 'service', 'service.name', '系統', '系統名稱'],
};

const normCache = new Map<string, string>();
/** Field names and outcomes repeat on every line: each is normalised once (the cache is bounded). */
const norm = (s: string): string => {
  let n = normCache.get(s);
  if (n === undefined) {
    n = s
      .normalize('NFKC')
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (normCache.size < 10_000) normCache.set(s, n);
  }
  return n;
};

const OUTCOMES: [RegExp, Outcome][] = [
  [/^(success|succeeded|successful|ok|pass|passed|true|allow|allowed|accepted|成功|200)$/, 'success'],
  [/^(fail|failed|failure|invalid|invalid_password|bad_password|wrong_password|denied|rejected|error|false|401|失敗|密碼錯誤)$/, 'failure'],
  [/^(lock|locked|lockout|locked_out|account_locked|鎖定|帳號鎖定)$/, 'lockout'],
  [/^(captcha|captcha_required|challenge|challenged|驗證碼)$/, 'captcha'],
  [/^(throttle|throttled|rate_limit|rate_limited|ratelimited|too_many_requests|429|blocked|限流|阻擋)$/, 'rate_limit'],
];

export function parseOutcome(v: string): Outcome | undefined {
  const t = norm(v);
  return OUTCOMES.find(([re]) => re.test(t))?.[1];
}

/** The attempt kind, or null for other events in the same log (logout, orders): skipped, not malformed. */
export function parseAction(v: string | null): AuthEvent['action'] | null {
  if (v === null || v.trim() === '') return 'login';
  const t = norm(v);
  if (/^(login|logon|log_in|sign_in|signin|auth|authenticate|authentication|user_login|登入)$/.test(t)) return 'login';
  if (/^(password_change|change_password|passwd|password_reset|reset_password|pwd_change|變更密碼|密碼變更|重設密碼)$/.test(t)) return 'password_change';
  return null;
}

/**
 * A timestamp with its zone (`2026-11-03T09:00:01+08:00`, `…Z`), epoch seconds or milliseconds;
 * one without a zone (`2026-11-03 09:00:01`) is in `zone` (the firm's, +08:00 by default).
 */
export function parseTime(v: string, zone: string): number | undefined {
  const t = v.trim();
  if (/^\d{10}(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (/^\d{13}$/.test(t)) return Number(t);
  // The common case, a full ISO 8601 instant with its zone, goes straight to Date.parse.
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t)) return Date.parse(t);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) return undefined;
  const z = m[3] ? (m[3].toUpperCase() === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : zone;
  const ms = Date.parse(`${m[1]}T${m[2]!.replace(',', '.')}${z}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Splits one CSV line (quoted fields with doubled quotes; a log has no line breaks inside fields). */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined; // an unclosed quote: the line is cut
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i < line.length && line[i] !== ',') return undefined;
      i++;
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

function pick(get: (name: string) => unknown, field: Field): string | null {
  for (const a of ALIASES[field]) {
    const v = get(a);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return null;
}

/** Looks a dotted name up in nested JSON (`user.name`, `source.ip`) as well as flat. */
function jsonGetter(obj: Record<string, unknown>) {
  // Most loggers write the names as listed: a plain property read, no allocation; other
  // spellings (`UserName`, `Source IP`) build the normalised index once for the line.
  let lower: Map<string, string> | null = null;
  return (name: string): unknown => {
    if (Object.hasOwn(obj, name)) return obj[name];
    lower ??= new Map(Object.keys(obj).map((k) => [norm(k), k]));
    const k = lower.get(name);
    if (k !== undefined) return obj[k];
    const parts = name.split('.');
    if (parts.length < 2) return undefined;
    let cur: unknown = obj;
    for (const p of parts) {
      if (!cur || typeof cur !== 'object') return undefined;
      const rec = cur as Record<string, unknown>;
      const key = Object.keys(rec).find((x) => norm(x) === p);
      cur = key === undefined ? undefined : rec[key];
    }
    return cur;
  };
}

export type ParsedLine = { event: AuthEvent } | { skip: true } | { bad: string; badZh: string };

/** A log's reader: JSON objects line by line, or CSV after its header line. */
export class EventReader {
  private header: string[] | null = null;
  /** Decided by the first line with content: a JSON Lines log stays one, so a stray text line is an error, not a header. */
  private mode: 'json' | 'csv' | null = null;

  constructor(private readonly zone: string) {}

  read(raw: string): ParsedLine {
    const line = raw.replace(/^\uFEFF/, '');
    if (line.trim() === '') return { skip: true };
    let get: (name: string) => unknown;
    this.mode ??= line.trimStart().startsWith('{') ? 'json' : 'csv';
    if (this.mode === 'json') {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        return { bad: 'not a JSON object (cut or broken line)', badZh: '非完整 JSON 物件（斷行或毀損）' };
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { bad: 'not a JSON object', badZh: '非 JSON 物件' };
      get = jsonGetter(obj as Record<string, unknown>);
    } else {
      const cells = splitCsvLine(line);
      if (!cells) return { bad: 'an unclosed quote (cut line)', badZh: '引號未閉合（斷行）' };
      if (!this.header) {
        const header = cells.map(norm);
        if (!header.some((h) => ALIASES.time.includes(h)))
          return { bad: 'neither a JSON object nor a CSV header with a time column', badZh: '既非 JSON 物件，亦非含時間欄之 CSV 標題列' };
        this.header = header;
        return { skip: true };
      }
      if (cells.length !== this.header.length)
        return { bad: `${cells.length} fields, the header has ${this.header.length}`, badZh: `${cells.length} 個欄位，標題列為 ${this.header.length} 個` };
      const row = new Map(this.header.map((h, i) => [h, cells[i]]));
      get = (name) => row.get(name);
    }
    const action = parseAction(pick(get, 'action'));
    if (action === null) return { skip: true };
    const timeText = pick(get, 'time');
    const time = timeText === null ? undefined : parseTime(timeText, this.zone);
    if (time === undefined) return { bad: `time "${timeText ?? ''}" is not ISO 8601 or epoch`, badZh: `時間「${timeText ?? ''}」非 ISO 8601 或 epoch 格式` };
    const outcomeText = pick(get, 'outcome');
    const outcome = outcomeText === null ? undefined : parseOutcome(outcomeText);
    if (outcome === undefined)
      return {
        bad: `outcome "${outcomeText ?? ''}" is none of success/failure/locked/captcha/throttled`,
        badZh: `結果「${outcomeText ?? ''}」非成功／失敗／鎖定／驗證碼／限流`,
      };
    const account = pick(get, 'account');
    const source = pick(get, 'source');
    if (account === null && source === null) return { bad: 'neither an account nor a source address', badZh: '無帳號亦無來源位址' };
    return { event: { time, account, source, action, outcome, system: pick(get, 'system') } };
  }
}
