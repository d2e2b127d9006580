import type { IsoDate } from '../../core/dates.js';
import { addDays } from '../../core/dates.js';

/** A line that could not be read; reported with its number, the rest of the file is still used. */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly shell: string;
  readonly line: number;
}

export interface ShadowEntry {
  readonly name: string;
  /** `!`/`*` prefixed: no password login; empty: no password at all. */
  readonly hash: string;
  /** shadow(5) field 8: the day (since 1970-01-01) the account expires. */
  readonly expires: IsoDate | null;
  readonly line: number;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
  readonly line: number;
}

const lines = (text: string) => text.replace(/^\uFEFF/, '').split(/\r?\n/);
const epochDay = (days: string): IsoDate | null => (/^\d+$/.test(days) ? addDays('1970-01-01', Number(days)) : null);

/**
 * The colon files (passwd, shadow, group): one record per line, `fields` fields, the numeric ones
 * checked; any other line is a bad line with its number, the rest of the file still read.
 */
function parseColonFile<T>(text: string, fields: number, numeric: readonly number[], shape: string, make: (f: string[], line: number) => T) {
  const entries: T[] = [];
  const bad: BadLine[] = [];
  lines(text).forEach((l, i) => {
    if (l.trim() === '' || l.startsWith('#')) return;
    const f = l.split(':');
    if (f.length !== fields || numeric.some((n) => !/^\d+$/.test(f[n]!))) bad.push({ line: i + 1, reason: `not ${shape}` });
    else entries.push(make(f, i + 1));
  });
  return { entries, bad };
}

export const parsePasswd = (text: string): { entries: PasswdEntry[]; bad: BadLine[] } =>
  parseColonFile(text, 7, [2, 3], 'name:x:uid:gid:gecos:home:shell', (f, line) => ({
    name: f[0]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    gecos: f[4]!,
    shell: f[6]!,
    line,
  }));

export const parseShadow = (text: string): { entries: ShadowEntry[]; bad: BadLine[] } =>
  parseColonFile(text, 9, [], 'the nine fields of shadow(5)', (f, line) => ({ name: f[0]!, hash: f[1]!, expires: epochDay(f[7]!), line }));

export const parseGroup = (text: string): { entries: GroupEntry[]; bad: BadLine[] } =>
  parseColonFile(text, 4, [2], 'name:x:gid:members', (f, line) => ({ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean), line }));

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const STAMP = /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d:\d\d)(?::\d\d)?(?: [+-]\d{4})?(?: (\d{4}))?/;

const iso = (y: number, m: number, d: number): IsoDate => `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).getUTCDay();

/** A login (or its absence) per account, from `last`, `last -F` or `lastlog`. */
export interface LoginRecord {
  readonly user: string;
  /** null: "**Never logged in**" (lastlog). */
  readonly date: IsoDate | null;
  readonly line: number;
}

export interface LoginLog {
  readonly kind: 'last' | 'lastlog';
  readonly records: LoginRecord[];
  /** `wtmp begins …`: logins before it are not in the file, so absence only says "none since". */
  readonly since: IsoDate | null;
  readonly bad: BadLine[];
}

/**
 * `last` / `last -F` (wtmp). The short form prints no year: it is rebuilt from the closing
 * `wtmp begins … 2019` line, rolling forward a year whenever the month goes back (the file is
 * newest first), and, without that line, from the weekday nearest before today.
 */
export function parseLast(text: string, today: IsoDate): LoginLog {
  const raw: { user: string; wd: number; m: number; d: number; y: number | null; line: number }[] = [];
  const bad: BadLine[] = [];
  let since: IsoDate | null = null;
  lines(text).forEach((l, i) => {
    if (l.trim() === '') return;
    const begins = /^[wb]tmp begins .*?(\w{3}) +(\d{1,2}) [\d:]+ (\d{4})/.exec(l);
    if (begins) {
      since = iso(Number(begins[3]), MONTHS.indexOf(begins[1]!), Number(begins[2]));
      return;
    }
    const user = l.split(/\s+/, 1)[0]!;
    if (user === 'reboot' || user === 'shutdown' || user === 'runlevel') return;
    const s = STAMP.exec(l);
    if (!s) {
      bad.push({ line: i + 1, reason: 'no login time (Wed Feb  5 14:23)' });
      return;
    }
    raw.push({ user, wd: DAYS.indexOf(s[1]!), m: MONTHS.indexOf(s[2]!), d: Number(s[3]), y: s[5] ? Number(s[5]) : null, line: i + 1 });
  });
  const records: LoginRecord[] = [];
  const startYear = since ? Number((since as string).slice(0, 4)) : null;
  let year = startYear;
  let prevMonth = since ? Number((since as string).slice(5, 7)) - 1 : -1;
  // Oldest first, so a month that goes back means a new year.
  for (const r of [...raw].reverse()) {
    let y = r.y;
    if (y === null && year !== null) {
      if (r.m < prevMonth) year++;
      y = year;
    }
    if (y === null) {
      // No year anywhere: the latest year, not after today, whose calendar has this weekday.
      for (let c = Number(today.slice(0, 4)); c > Number(today.slice(0, 4)) - 28; c--)
        if (weekday(c, r.m, r.d) === r.wd && iso(c, r.m, r.d) <= today) {
          y = c;
          break;
        }
    }
    prevMonth = r.m;
    if (y !== null) year = y;
    if (y === null) bad.push({ line: r.line, reason: 'the year of this login cannot be told' });
    else records.push({ user: r.user, date: iso(y, r.m, r.d), line: r.line });
  }
  return { kind: 'last', records: records.reverse(), since, bad };
}

/** `lastlog`: one line per account, `**Never logged in**` or the time with its year. */
export function parseLastlog(text: string): LoginLog {
  const records: LoginRecord[] = [];
  const bad: BadLine[] = [];
  lines(text).forEach((l, i) => {
    if (l.trim() === '' || /^Username\s+Port/.test(l)) return;
    const user = l.split(/\s+/, 1)[0]!;
    if (/\*\*Never logged in\*\*/.test(l)) return void records.push({ user, date: null, line: i + 1 });
    const s = STAMP.exec(l);
    if (!s?.[5]) return void bad.push({ line: i + 1, reason: 'neither a login time nor **Never logged in**' });
    records.push({ user, date: iso(Number(s[5]), MONTHS.indexOf(s[2]!), Number(s[3])), line: i + 1 });
  });
  return { kind: 'lastlog', records, since: null, bad };
}

/** `chage -l <user>`: only the account expiry is used (an expired account is disabled). */
export function parseChage(text: string): { user: string | null; accountExpires: IsoDate | null; line: number }[] {
  const out: { user: string | null; accountExpires: IsoDate | null; line: number }[] = [];
  let user: string | null = null;
  lines(text).forEach((l, i) => {
    // Several users in one file: `==> joeuser <==`, `user: joeuser` or `# joeuser` before each block.
    const head = /^(?:==>\s*(\S+)\s*<==|user:\s*(\S+)|#\s*(\S+))\s*$/i.exec(l.trim());
    if (head) user = head[1] ?? head[2] ?? head[3] ?? null;
    const m = /^Account expires\s*:\s*(.+)$/.exec(l.trim());
    if (!m) return;
    const v = m[1]!.trim();
    const d = /^(\w{3}) (\d{1,2}), (\d{4})$/.exec(v);
    // null: never expires (or a form not read, which then disables nothing).
    out.push({ user, accountExpires: d ? iso(Number(d[3]), MONTHS.indexOf(d[1]!), Number(d[2])) : null, line: i + 1 });
  });
  return out;
}

/** `/etc/profile` TMOUT and `sshd_config` ClientAliveInterval × ClientAliveCountMax: the idle timeout in minutes (7/(2)/b/(h)). */
export function parseSessionConfig(text: string): { minutes: number | null; line: number | null } {
  let tmout: { v: number; line: number } | null = null;
  let interval: { v: number; line: number } | null = null;
  let countMax = 3; // sshd's default
  lines(text).forEach((l, i) => {
    const t = l.trim();
    if (t.startsWith('#')) return;
    const tm = /^(?:export\s+|readonly\s+|declare\s+-r\s+)?TMOUT=(\d+)/.exec(t);
    if (tm) tmout = { v: Number(tm[1]), line: i + 1 };
    const ci = /^ClientAliveInterval\s+(\d+)/i.exec(t);
    if (ci) interval = { v: Number(ci[1]), line: i + 1 };
    const cm = /^ClientAliveCountMax\s+(\d+)/i.exec(t);
    if (cm) countMax = Number(cm[1]);
  });
  const found = [tmout as { v: number; line: number } | null, interval as { v: number; line: number } | null];
  const seconds = [found[0] && found[0].v > 0 ? found[0].v : null, found[1] && found[1].v > 0 && countMax > 0 ? found[1].v * countMax : null].filter(
    (s): s is number => s !== null,
  );
  const line = found[0]?.line ?? found[1]?.line ?? null;
  return { minutes: seconds.length ? Math.min(...seconds) / 60 : null, line };
}
