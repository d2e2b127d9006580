/**
 * Readers for what hosts say about their clocks: `ntpq -p` / `ntpq -pn`, `chronyc sources`,
 * `chronyc tracking`, `timedatectl` (status) and `timedatectl show`. A file holds one host, or
 * several sections started by `# host: <name>` (or `==> name <==`, as `tail` prints) or by a
 * shell prompt (`[root@db01 ~]# ntpq -p`, `admin@db02:~$ chronyc tracking`). Without a marker
 * the host is the file name without its extensions (`db01.ntpq.txt` → db01).
 *
 * Only the columns that are judged are read (tally, remote, refid, stratum, reach, offset); a
 * broken `when` or `poll` does not make a peer unreadable. Offsets are kept in milliseconds:
 * ntpq prints milliseconds, chrony seconds (tracking) or a value with its unit (sources: ns, us,
 * ms, s).
 */

export interface TimeSource {
  readonly line: number;
  /** ntpq tally code or chrony state: `*` the reference in use, `+` a candidate, … */
  readonly tally: string;
  readonly remote: string;
  readonly refid: string | null;
  readonly stratum: number | null;
  /** The reach register as a number (it is printed in octal). */
  readonly reach: number;
  readonly offsetMs: number | null;
  /** An ntpq pool association (type p, refid .POOL.): a placeholder that spawns servers, never a reference. */
  readonly pool: boolean;
}

export type TimeBlock =
  | { readonly kind: 'ntpq' | 'chronyc sources'; readonly line: number; readonly sources: TimeSource[]; readonly malformed: number }
  | {
      readonly kind: 'chronyc tracking';
      readonly line: number;
      readonly synchronised: boolean;
      readonly why: string;
      readonly offsetMs: number | null;
      readonly offsetLine: number;
    }
  | {
      readonly kind: 'timedatectl';
      readonly line: number;
      readonly synchronised: boolean | null;
      readonly serviceActive: boolean | null;
      readonly syncLine: number;
    };

export interface HostClock {
  readonly host: string;
  readonly line: number;
  readonly blocks: TimeBlock[];
}

export interface MalformedLine {
  readonly line: number;
  readonly en: string;
  readonly zh: string;
}

export interface TimeSyncFile {
  readonly hosts: HostClock[];
  readonly malformed: MalformedLine[];
}

const NTPQ_HEADER = /^\s*remote\s+refid\s+/;
const NO_ASSOCIATIONS = /^\s*No association ID'?s returned\s*$/i;
const CHRONY_SOURCES_HEADER = /^\s*MS\s+Name\/IP address/;
const CHRONY_TRACKING_START = /^Reference ID\s*:/;
const TIMEDATECTL_STATUS =
  /^\s*(Local time|Universal time|RTC time|Time zone|System clock synchronized|NTP synchronized|NTP service|Network time on|systemd-timesyncd\.service active|RTC in local TZ|DST active)\s*:/;
const TIMEDATECTL_SHOW = /^(Timezone|LocalRTC|CanNTP|NTP|NTPSynchronized|TimeUSec|RTCTimeUSec)=/;
const HOST_MARKER = /^\s*(?:#+\s*(?:host|hostname|主機(?:名稱)?)\s*[:：=]\s*(\S+)|==>\s*(\S+?)\s*<==)\s*$/i;
const PROMPT = /^\s*(?:\[[\w.-]+@([\w.-]+)[^\]]*\][#$]|[\w.-]+@([\w.-]+):[^\s]*[#$])\s*(.*)$/;

/** Whether text looks like one of the outputs this module reads. */
export function looksLikeTimeSync(head: string): boolean {
  return head
    .split(/\r?\n/, 400)
    .some(
      (l) =>
        NTPQ_HEADER.test(l) ||
        NO_ASSOCIATIONS.test(l) ||
        CHRONY_SOURCES_HEADER.test(l) ||
        CHRONY_TRACKING_START.test(l) ||
        /^\s*(System clock synchronized|NTP synchronized)\s*:/.test(l) ||
        /^NTPSynchronized=/.test(l),
    );
}

/** The host a file speaks for when it does not say: its name without extensions such as .txt, .ntpq, .chrony. */
export function hostFromFileName(name: string): string {
  let base = name.split(/[\\/]/).pop() ?? name;
  for (;;) {
    const next = base.replace(/\.(txt|log|out|err|ntpq|ntp|chrony|chronyc|tracking|sources|timedatectl|clock|time)$/i, '');
    if (next === base) return base;
    base = next;
  }
}

const num = (s: string | undefined) => (s !== undefined && /^[+-]?\d+(?:\.\d*)?$/.test(s) ? Number(s) : null);
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000 };

/** Reads one file. Lines it cannot place are returned as malformed, with the reason. */
export function parseTimeSync(fileName: string, text: string): TimeSyncFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const endsInNewline = /\n$/.test(text);
  if (endsInNewline) lines.pop();
  const hosts: HostClock[] = [];
  const malformed: MalformedLine[] = [];
  let host: HostClock | null = null;
  const hostNamed = (name: string, line: number) => {
    if (host && host.host === name) return host;
    host = { host: name, line, blocks: [] };
    hosts.push(host);
    return host;
  };
  const current = () => host ?? hostNamed(hostFromFileName(fileName), 1);
  const bad = (line: number, en: string, zh: string, short = false) => {
    // A last line cut short, with no newline after it, is most likely a truncated file.
    const cut = short && line === lines.length && !endsInNewline;
    malformed.push({ line, en: cut ? `${en} (the file ends here: truncated?)` : en, zh: cut ? `${zh}（檔案在此結束：可能不完整）` : zh });
  };

  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const n = i + 1;
    const marker = HOST_MARKER.exec(raw);
    const prompt = marker ? null : PROMPT.exec(raw);
    if (marker) {
      hostNamed(marker[1] ?? marker[2]!, n);
      i++;
    } else if (prompt) {
      hostNamed(prompt[1] ?? prompt[2]!, n);
      i++;
    } else if (NO_ASSOCIATIONS.test(raw)) {
      // ntpq's answer when the daemon has no server at all: a table with no rows.
      current().blocks.push({ kind: 'ntpq', line: n, sources: [], malformed: 0 });
      i++;
    } else if (NTPQ_HEADER.test(raw)) {
      i = readNtpq(lines, i, current(), bad);
    } else if (CHRONY_SOURCES_HEADER.test(raw)) {
      i = readChronySources(lines, i, current(), bad);
    } else if (CHRONY_TRACKING_START.test(raw)) {
      i = readChronyTracking(lines, i, current(), bad);
    } else if (TIMEDATECTL_STATUS.test(raw) || TIMEDATECTL_SHOW.test(raw)) {
      i = readTimedatectl(lines, i, current());
    } else if (raw.trim() === '' || /^\s*(=+\s*$|210 Number of sources = \d+|\.-|\/ \.-|\| \/|\|\|)/.test(raw) || /^\s*#/.test(raw)) {
      // Blank lines, rules, chrony's "210 Number of sources" and the `-v` legend, comments.
      i++;
    } else {
      bad(n, `not ntpq, chronyc or timedatectl output: "${raw.trim().slice(0, 60)}"`, `非 ntpq、chronyc 或 timedatectl 輸出：「${raw.trim().slice(0, 60)}」`);
      current();
      i++;
    }
  }
  return { hosts, malformed };
}

type Bad = (line: number, en: string, zh: string, short?: boolean) => void;

/** A table ends at a blank line, a new host, or another tool's output (`other`: the header of the other peer table). */
const endsTable = (raw: string, other: RegExp) =>
  raw.trim() === '' || [HOST_MARKER, PROMPT, other, CHRONY_TRACKING_START, TIMEDATECTL_STATUS, TIMEDATECTL_SHOW].some((re) => re.test(raw));

/** `ntpq -p`: columns from the header (a `remote refid st t …` row); values are read from the right, so a remote with a space in it still lines up. */
function readNtpq(lines: readonly string[], start: number, host: HostClock, bad: Bad): number {
  let header = lines[start]!.trim().split(/\s+/);
  const sources: TimeSource[] = [];
  let broken = 0;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (endsTable(raw, CHRONY_SOURCES_HEADER)) break;
    if (/^=+\s*$/.test(raw)) continue;
    // The header printed again (several queries pasted together): the columns it names from here on.
    if (NTPQ_HEADER.test(raw)) {
      header = raw.trim().split(/\s+/);
      continue;
    }
    const tally = ' *+-#.xo'.includes(raw[0]!) ? raw[0]! : ' ';
    let tokens = (tally === raw[0] ? raw.slice(1) : raw).trim().split(/\s+/);
    const after = header.length - 2; // the columns after remote and refid
    // `ntpq -pw` prints a long remote alone on its line and the rest, indented, on the next.
    const next = lines[i + 1];
    if (tokens.length === 1 && next !== undefined && /^\s+\S/.test(next) && next.trim().split(/\s+/).length >= after + 1) {
      tokens = [tokens[0]!, ...next.trim().split(/\s+/)];
      i++;
    }
    if (tokens.length < after + 1) {
      broken++;
      bad(n, `${tokens.length} columns where the header names ${header.length}`, `欄位數 ${tokens.length}，與標題之 ${header.length} 欄不符`, true);
      continue;
    }
    const values = new Map(header.slice(2).map((h, k) => [h, tokens[tokens.length - after + k]!]));
    // Between remote and the right-aligned columns: the refid, after any "(domain)" noise ntpq leaves in long names.
    const middle = tokens.slice(1, tokens.length - after);
    const refid = middle.length ? middle[middle.length - 1]! : null;
    const st = values.get('st');
    const stratum = st === undefined ? null : num(st);
    const reachText = values.get('reach');
    const offsetText = values.get('offset');
    const offset = offsetText === undefined ? null : num(offsetText);
    const problems: string[] = [];
    if (st !== undefined && (stratum === null || !Number.isInteger(stratum) || stratum < 0 || stratum > 16)) problems.push(`st "${st}"`);
    if (reachText === undefined || !/^[0-7]{1,3}$/.test(reachText)) problems.push(`reach "${reachText ?? ''}"`);
    if (offsetText !== undefined && offset === null) problems.push(`offset "${offsetText}"`);
    if (problems.length) {
      broken++;
      bad(n, `${tokens[0]}: ${problems.join(', ')} not a number`, `${tokens[0]}：${problems.join('、')} 不是數值`);
      continue;
    }
    sources.push({
      line: n,
      tally,
      remote: tokens[0]!,
      refid,
      stratum,
      reach: parseInt(reachText!, 8),
      offsetMs: offset,
      pool: values.get('t') === 'p' || refid === '.POOL.',
    });
  }
  host.blocks.push({ kind: 'ntpq', line: start + 1, sources, malformed: broken });
  return i;
}

const CHRONY_LINE =
  /^([\^=#])([*+\-?x~ ])\s+(\S+)\s+(\d+)\s+(\d+)\s+([0-7]+)\s+(\S+)\s+([+-]?\d+(?:\.\d+)?)(ns|us|µs|ms|s)\s*\[\s*[+-]?\d+(?:\.\d+)?(?:ns|us|µs|ms|s)\s*\]\s+\+\/-\s+\d+(?:\.\d+)?(?:ns|us|µs|ms|s)\s*$/;

/** `chronyc sources` (with or without -v): mode and state, name, stratum, poll, reach (octal), last rx, the adjusted offset with its unit. */
function readChronySources(lines: readonly string[], start: number, host: HostClock, bad: Bad): number {
  const sources: TimeSource[] = [];
  let broken = 0;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    if (endsTable(raw, NTPQ_HEADER)) break;
    if (/^=+\s*$/.test(raw)) continue;
    const m = CHRONY_LINE.exec(raw);
    if (!m) {
      broken++;
      bad(i + 1, `not a chronyc sources line: "${raw.trim().slice(0, 60)}"`, `非 chronyc sources 資料列：「${raw.trim().slice(0, 60)}」`, true);
      continue;
    }
    sources.push({
      line: i + 1,
      tally: m[2]!,
      remote: m[3]!,
      refid: null,
      stratum: Number(m[4]),
      reach: parseInt(m[6]!, 8),
      offsetMs: Number(m[8]) * UNIT_MS[m[9]!]!,
      pool: false,
    });
  }
  host.blocks.push({ kind: 'chronyc sources', line: start + 1, sources, malformed: broken });
  return i;
}

/** `chronyc tracking`: Reference ID, Stratum, System time (seconds fast/slow of NTP time), Leap status. */
function readChronyTracking(lines: readonly string[], start: number, host: HostClock, bad: Bad): number {
  const fields = new Map<string, { value: string; line: number }>();
  let i = start;
  for (; i < lines.length; i++) {
    const m = /^([A-Z][A-Za-z ()]*?)\s*:\s*(.*)$/.exec(lines[i]!);
    if (!m || (i > start && CHRONY_TRACKING_START.test(lines[i]!))) break;
    fields.set(m[1]!.toLowerCase(), { value: m[2]!.trim(), line: i + 1 });
  }
  const ref = fields.get('reference id')!;
  const leap = fields.get('leap status');
  const stratum = fields.get('stratum');
  const system = fields.get('system time');
  // chrony reports no reference as ID 00000000 and a clock only on itself as 7F7F0101 (LOCAL).
  const reasons: string[] = [];
  if (/^(0{8}|7F7F0101)\b/i.test(ref.value)) reasons.push(`Reference ID ${ref.value}`);
  if (leap && /not synchroni[sz]ed/i.test(leap.value)) reasons.push(`Leap status ${leap.value}`);
  if (stratum && (stratum.value === '0' || stratum.value === '16')) reasons.push(`Stratum ${stratum.value}`);
  let offsetMs: number | null = null;
  if (system) {
    const m = /^([+-]?\d+(?:\.\d+)?) seconds (fast|slow) of NTP time$/.exec(system.value);
    if (m) offsetMs = Number(m[1]) * 1000 * (m[2] === 'slow' ? -1 : 1);
    else bad(system.line, `System time "${system.value}" is not "<n> seconds fast|slow of NTP time"`, `System time「${system.value}」格式不符`);
  }
  host.blocks.push({
    kind: 'chronyc tracking',
    line: start + 1,
    synchronised: reasons.length === 0,
    why: reasons.join(', '),
    offsetMs,
    offsetLine: system?.line ?? start + 1,
  });
  return i;
}

/** `timedatectl` (status; older systemd says "NTP synchronized") or `timedatectl show` (NTPSynchronized=yes). */
function readTimedatectl(lines: readonly string[], start: number, host: HostClock): number {
  let synchronised: boolean | null = null;
  let serviceActive: boolean | null = null;
  let syncLine = start + 1;
  let i = start;
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!TIMEDATECTL_STATUS.test(raw) && !TIMEDATECTL_SHOW.test(raw)) break;
    const m = /^\s*(System clock synchronized|NTP synchronized|NTPSynchronized)\s*[:=]\s*(\S+)/.exec(raw);
    if (m) {
      synchronised = m[2] === 'yes';
      syncLine = i + 1;
    }
    const s = /^\s*(?:NTP service|Network time on|NTP)\s*[:=]\s*(\S+)/.exec(raw);
    if (s) serviceActive = s[1] === 'active' || s[1] === 'yes';
  }
  host.blocks.push({ kind: 'timedatectl', line: start + 1, synchronised, serviceActive, syncLine });
  return i;
}
