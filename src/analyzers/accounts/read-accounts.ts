import type { EvidenceInput } from '../../core/analysis/analyzer.js';
import type { TabularData } from '../../core/catalog/checklist/apply-checklist.js';
import { parseAnyDate, type IsoDate } from '../../core/dates.js';
import { indexHeaders } from '../../core/table-headers.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';
import { adTimeToDate, filetimeToDate, memberOfGroups, organisationalUnits, uacEnabled } from './parse-ad.js';
import { parseChage, parseGroup, parseLast, parseLastlog, parsePasswd, parseSessionConfig, parseShadow, type BadLine, type LoginLog } from './parse-linux.js';

export type AccountType = 'staff' | 'system' | 'service' | 'shared' | 'customer';

/** One account, whatever it came from, with what the evidence says about it (undefined: not said). */
export interface Account {
  readonly name: string;
  readonly system: string;
  readonly file: string;
  readonly line: number;
  readonly type: AccountType;
  /** How the customer rule was met (8/(2)/f), for the summary and the tests. */
  readonly customerBy: string | null;
  readonly enabled: boolean | null;
  /** Can someone sign in with it (a login shell and a usable password, or an enabled directory account)? */
  readonly interactive: boolean;
  /** The last sign-in: a date, null for never, or undefined when no evidence covers it. */
  readonly lastLogin: IsoDate | null | undefined;
  readonly lastLoginAt: { readonly file: string; readonly line: number } | null;
  /** Logins before this day are not in the evidence (`wtmp begins`). */
  readonly loginSince: IsoDate | null;
  readonly created: IsoDate | null;
  /** null: none given; undefined: the evidence has no place for it (a Linux host without its group file). */
  readonly owner: string | null;
  readonly role: string | null | undefined;
  /** Why it is privileged (uid 0, member of Domain Admins, …), null if not, undefined if unknown. */
  readonly privileged: string | null | undefined;
  readonly lastReview: IsoDate | null;
  /** Session idle timeout in minutes: null = none, undefined = not stated. */
  readonly idleTimeout: number | null | undefined;
}

export interface Unreadable {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface HostSession {
  readonly host: string;
  readonly file: string;
  readonly line: number | null;
  readonly minutes: number | null;
}

export interface ReadOptions {
  readonly today: IsoDate;
  readonly uidMin: number;
  readonly privilegedGroups: readonly string[];
  readonly customerOus: readonly string[];
  readonly customerGroups: readonly string[];
}

/** The account template: one row per account. Headers in zh-TW or English. */
export const ACCOUNT_COLUMNS = [
  { key: 'account', zh: '帳號', en: 'account', required: false },
  { key: 'system', zh: '系統', en: 'system', required: false },
  { key: 'type', zh: '帳號類型', en: 'account_type', required: false },
  { key: 'owner', zh: '使用者', en: 'owner', required: false },
  { key: 'role', zh: '角色', en: 'role', required: false },
  { key: 'enabled', zh: '狀態', en: 'enabled', required: false },
  { key: 'privileged', zh: '特權', en: 'privileged', required: false },
  { key: 'lastLogin', zh: '最後登入日', en: 'last_login', required: false },
  { key: 'created', zh: '建立日', en: 'created', required: false },
  { key: 'lastReview', zh: '最後審查日', en: 'last_review', required: false },
  { key: 'idleTimeout', zh: '閒置逾時分鐘', en: 'idle_timeout_minutes', required: false },
] as const satisfies readonly ColumnSpec[];

/** A list of approved privileged accounts (8/(2)/h), one per row. */
export const APPROVED_COLUMNS = [{ key: 'account', zh: '核准特權帳號', en: 'approved_account' }] as const;

const AD_COLUMNS = [
  { key: 'sam', names: ['sAMAccountName', 'SamAccountName'] },
  { key: 'enabled', names: ['Enabled'] },
  { key: 'uac', names: ['userAccountControl'] },
  { key: 'lastLogonTimestamp', names: ['lastLogonTimestamp'] },
  { key: 'lastLogonDate', names: ['LastLogonDate'] },
  { key: 'whenCreated', names: ['whenCreated'] },
  { key: 'memberOf', names: ['memberOf'] },
  { key: 'dn', names: ['DistinguishedName', 'DN'] },
  { key: 'manager', names: ['manager'] },
  { key: 'title', names: ['title'] },
  { key: 'department', names: ['department'] },
  { key: 'description', names: ['description'] },
  { key: 'adminCount', names: ['adminCount'] },
  { key: 'employeeType', names: ['employeeType'] },
] as const;

const YES = /^(y|yes|true|1|是|v|✓|啟用|enabled|active)$/i;
const NO = /^(n|no|false|0|否|停用|disabled|inactive|locked|鎖定)$/i;

function accountType(text: string | null): AccountType | undefined {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return 'staff';
  if (/^(customer|client|客戶|客戶帳號)$/.test(t)) return 'customer';
  if (/^(system|系統|系統帳號)$/.test(t)) return 'system';
  if (/^(service|服務|服務帳號|程式|應用程式)$/.test(t)) return 'service';
  if (/^(shared|共用|共用帳號|generic|通用)$/.test(t)) return 'shared';
  if (/^(staff|employee|user|員工|人員|使用者|內部人員)$/.test(t)) return 'staff';
  return undefined;
}

function dateCell(v: string | null): IsoDate | null | undefined {
  if (!v) return null;
  try {
    return parseAnyDate(v.trim().slice(0, /^\d{4}-/.test(v.trim()) ? 10 : undefined));
  } catch {
    return adTimeToDate(v) ?? undefined;
  }
}

/** The template → accounts; a bad cell makes its row unreadable (counted), never the whole file. */
export function accountsFromTemplate(data: TabularData): { accounts: Account[]; bad: Unreadable[] } {
  // The account column must exist; an empty cell in it is one malformed row, not a failed file.
  readColumns({ ...data, rows: [] }, [{ ...ACCOUNT_COLUMNS[0], required: true }]);
  const hasTimeout = indexHeaders(data.headers, [{ key: 't', names: [ACCOUNT_COLUMNS[10].zh, ACCOUNT_COLUMNS[10].en] }]).has('t');
  const accounts: Account[] = [];
  const bad: Unreadable[] = [];
  for (const r of readColumns(data, ACCOUNT_COLUMNS)) {
    const cell = (k: (typeof ACCOUNT_COLUMNS)[number]['key']) => r[k];
    const at = { file: data.fileName, line: r.rowNumber };
    const name = cell('account');
    const type = accountType(cell('type'));
    const enabledText = cell('enabled');
    const enabled = enabledText === null ? null : YES.test(enabledText) ? true : NO.test(enabledText) ? false : undefined;
    const privText = cell('privileged');
    const lastLoginText = cell('lastLogin');
    const never = lastLoginText !== null && /^(never|從未登入|未曾登入|無)$/i.test(lastLoginText);
    const lastLogin = never ? null : dateCell(lastLoginText);
    const created = dateCell(cell('created'));
    const lastReview = dateCell(cell('lastReview'));
    const timeoutText = cell('idleTimeout');
    const idleTimeout = !hasTimeout
      ? undefined
      : timeoutText === null || /^(0|none|無|不限|否)$/i.test(timeoutText)
        ? null
        : /^\d+(\.\d+)?$/.test(timeoutText)
          ? Number(timeoutText)
          : NaN;
    const problem = !name
      ? 'no account name'
      : type === undefined
        ? `帳號類型 / account_type "${cell('type')}" is not staff/system/service/shared/customer`
        : enabled === undefined
          ? `狀態 / enabled "${enabledText}" is not enabled/disabled`
          : lastLogin === undefined || created === undefined || lastReview === undefined
            ? 'a date column holds no date'
            : Number.isNaN(idleTimeout)
              ? `閒置逾時分鐘 / idle_timeout_minutes "${timeoutText}" is not a number of minutes`
              : null;
    if (problem) {
      bad.push({ ...at, reason: problem });
      continue;
    }
    accounts.push({
      ...at,
      name: name!,
      system: cell('system') ?? '',
      type: type!,
      customerBy: type === 'customer' ? `帳號類型 / account_type = ${cell('type')}` : null,
      enabled: enabled!,
      // A list says nothing of shells: only Linux evidence can show a person signing in to a system account.
      interactive: enabled !== false && type !== 'system',
      lastLogin: never ? null : lastLogin === null ? undefined : lastLogin,
      lastLoginAt: lastLogin ? at : null,
      loginSince: null,
      created: created ?? null,
      owner: cell('owner'),
      role: cell('role'),
      privileged: privText === null ? null : YES.test(privText) ? '特權 / privileged = yes' : null,
      lastReview: lastReview ?? null,
      idleTimeout: idleTimeout,
    });
  }
  return { accounts, bad };
}

/** Windows PowerShell 5's Export-Csv writes `#TYPE Selected.Microsoft…ADUser` above the header unless told -NoTypeInformation. */
export function withoutTypeLine(data: TabularData): TabularData {
  if (!/^#TYPE\b/.test(data.headers[0] ?? '') || !data.rows.length) return data;
  return { fileName: data.fileName, headers: data.rows[0]!.cells, rows: data.rows.slice(1) };
}

export const isAdExport = (data: TabularData) => withoutTypeLine(data).headers.some((h) => /^\s*sam ?account ?name\s*$/i.test(h));

/** Active Directory: Get-ADUser … | Export-Csv, or csvde. */
export function accountsFromAd(table: TabularData, o: ReadOptions): { accounts: Account[]; bad: Unreadable[]; unknownGroups: number } {
  const data = withoutTypeLine(table);
  const index = indexHeaders(data.headers, AD_COLUMNS);
  const accounts: Account[] = [];
  const bad: Unreadable[] = [];
  let unknownGroups = 0;
  const privileged = new Set(o.privilegedGroups.map((g) => g.toLowerCase()));
  const customerOus = new Set(o.customerOus.map((g) => g.toLowerCase()));
  for (const r of data.rows) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const cell = (k: (typeof AD_COLUMNS)[number]['key']) => {
      const i = index.get(k);
      return i === undefined ? '' : (r.cells[i] ?? '').trim();
    };
    const at = { file: data.fileName, line: r.rowNumber };
    const name = cell('sam');
    const enabledText = cell('enabled');
    const enabled = enabledText ? (YES.test(enabledText) ? true : NO.test(enabledText) ? false : undefined) : cell('uac') ? uacEnabled(cell('uac')) : null;
    const fromTicks = index.has('lastLogonTimestamp') ? filetimeToDate(cell('lastLogonTimestamp')) : undefined;
    const lastLogin = index.has('lastLogonTimestamp') ? fromTicks : index.has('lastLogonDate') ? adTimeToDate(cell('lastLogonDate')) : undefined;
    const created = adTimeToDate(cell('whenCreated'));
    const problem = !name
      ? 'no sAMAccountName'
      : enabled === undefined
        ? `Enabled / userAccountControl "${enabledText || cell('uac')}" is neither True/False nor a number`
        : lastLogin === undefined && (index.has('lastLogonTimestamp') || index.has('lastLogonDate'))
          ? `lastLogonTimestamp "${cell('lastLogonTimestamp') || cell('lastLogonDate')}" is not a FILETIME (100-ns ticks since 1601) or a date`
          : created === undefined
            ? `whenCreated "${cell('whenCreated')}" is not generalized time (20230101120000.0Z) or a date`
            : null;
    if (problem) {
      bad.push({ ...at, reason: problem });
      continue;
    }
    const groups = index.has('memberOf') ? memberOfGroups(cell('memberOf')) : [];
    if (groups === undefined) unknownGroups++;
    const ous = organisationalUnits(cell('dn'));
    const customerOu = ous.find((ou) => customerOus.has(ou.toLowerCase()));
    const customer = customerOu ? `OU=${customerOu}` : /^(customer|客戶)$/i.test(cell('employeeType')) ? `employeeType = ${cell('employeeType')}` : null;
    const privGroup = groups?.find((g) => privileged.has(g.toLowerCase()));
    const domain = [...cell('dn').matchAll(/DC=([^,]+)/gi)].map((m) => m[1]).join('.');
    const manager = /^CN=((?:\\,|[^,])+)/i.exec(cell('manager'))?.[1] ?? (cell('manager') || null);
    accounts.push({
      ...at,
      name,
      system: domain || 'Active Directory',
      type: customer ? 'customer' : name.toLowerCase() === 'krbtgt' ? 'system' : /^(svc|sa)[-_.]/i.test(name) ? 'service' : 'staff',
      customerBy: customer,
      enabled: enabled!,
      interactive: enabled !== false,
      lastLogin,
      lastLoginAt: lastLogin ? at : null,
      loginSince: null,
      created: created ?? null,
      owner: manager,
      role: cell('title') || cell('department') || cell('description') || null,
      privileged: privGroup ? `member of ${privGroup}` : cell('adminCount') === '1' ? 'adminCount = 1' : groups === undefined ? undefined : null,
      lastReview: null,
      idleTimeout: undefined,
    });
  }
  return { accounts, bad, unknownGroups };
}

export type LinuxFileKind = 'passwd' | 'shadow' | 'group' | 'gshadow' | 'last' | 'lastb' | 'lastlog' | 'chage' | 'session' | 'who';

/** Which Linux evidence a text is, from its content (names vary: `host__passwd.out`, `passwd`, `srv1/shadow.txt`). */
export function linuxKindOf(name: string, head: string): LinuxFileKind | null {
  const first =
    head
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  if (/^Username\s+Port\s+From\s+Latest/m.test(head)) return 'lastlog';
  if (/^btmp begins/m.test(head) || /lastb/i.test(name)) return 'lastb';
  if (/^wtmp begins/m.test(head) || /(^|[/_.-])last(-?w?F)?(\.\w+)?$/i.test(name)) return 'last';
  if (/^Last password change\s*:/m.test(head)) return 'chage';
  if (
    /^\s*(?:export\s+|readonly\s+)?TMOUT=|^\s*ClientAlive(Interval|CountMax)\s/im.test(head) ||
    /(^|[/_.])(sshd_config|profile)(\.(txt|out|conf|sh))?$/i.test(name)
  )
    return 'session';
  if (/^\S+\s+(\+\s+)?\S+\s+\d{4}-\d\d-\d\d \d\d:\d\d/m.test(head) && /\bsystem boot\b|\brun-level\b/.test(head)) return 'who';
  const f = first.split(':');
  // A user or group name as useradd accepts it: a JSON or CSV line that happens to hold colons is not one.
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(f[0] ?? '')) return null;
  if (f.length === 7 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!)) return 'passwd';
  if (f.length === 9) return 'shadow';
  if (f.length === 4 && /^\d+$/.test(f[2]!)) return 'group';
  if (f.length === 4) return 'gshadow';
  return null;
}

/** The host a Linux file belongs to: its name without the kind (`centos-7.7__passwd.out` → centos-7.7), else its folder. */
export function hostOf(name: string): { host: string; user: string | null } {
  const p = name.replace(/\\/g, '/');
  const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
  const file = p.slice(p.lastIndexOf('/') + 1).replace(/\.(out|txt|log|conf)$/i, '');
  const chageUser = /(?:^|[_.-])chage(?:-l)?[_.-]+([\w.-]+)$/i.exec(file)?.[1] ?? null;
  const stem = file.replace(
    /[_.-]*(?:passwd|shadow|gshadow|group|lastlog|lastb|last(?:-?w?F)?|chage(?:-l)?(?:[_.-]+[\w.-]+)?|sshd_config|profile|who(?:-a)?)$/i,
    '',
  );
  return { host: stem || dir || 'linux', user: chageUser };
}

interface HostFiles {
  passwd?: { file: string; text: string };
  shadow?: { file: string; text: string };
  group?: { file: string; text: string };
  logins: { file: string; log: LoginLog }[];
  chage: { file: string; text: string; user: string | null }[];
  session?: { file: string; text: string };
}

/** Linux: passwd (required per host), shadow, group, last/lastlog, chage -l, sshd_config/profile. */
export async function accountsFromLinux(
  files: readonly { file: EvidenceInput; kind: LinuxFileKind }[],
  o: ReadOptions,
): Promise<{ accounts: Account[]; bad: Unreadable[]; sessions: HostSession[]; notes: Unreadable[] }> {
  const hosts = new Map<string, HostFiles>();
  const notes: Unreadable[] = [];
  const bad: Unreadable[] = [];
  for (const { file, kind } of files) {
    const { host, user } = hostOf(file.name);
    const h = hosts.get(host) ?? { logins: [], chage: [] };
    hosts.set(host, h);
    const text = await file.text();
    if (kind === 'passwd' || kind === 'shadow' || kind === 'group') h[kind] = { file: file.name, text };
    else if (kind === 'last' || kind === 'lastlog') {
      const log = kind === 'last' ? parseLast(text, o.today) : parseLastlog(text);
      h.logins.push({ file: file.name, log });
      bad.push(...log.bad.map((b: BadLine) => ({ file: file.name, ...b })));
    } else if (kind === 'chage') h.chage.push({ file: file.name, text, user });
    else if (kind === 'session') h.session = { file: file.name, text };
    else
      notes.push({
        file: file.name,
        line: 1,
        reason: kind === 'lastb' ? 'failed logins (lastb) are not sign-ins; not used for idle accounts' : `${kind} output is not used`,
      });
  }
  const accounts: Account[] = [];
  const sessions: HostSession[] = [];
  const privileged = new Set(o.privilegedGroups.map((g) => g.toLowerCase()));
  const customerGroups = new Set(o.customerGroups.map((g) => g.toLowerCase()));
  for (const [host, h] of hosts) {
    if (h.session) {
      const s = parseSessionConfig(h.session.text);
      sessions.push({ host, file: h.session.file, line: s.line, minutes: s.minutes });
    }
    if (!h.passwd) {
      const first = h.shadow ?? h.group ?? h.logins[0] ?? h.chage[0];
      if (first && !(h.session && !h.shadow && !h.group && !h.logins.length && !h.chage.length))
        notes.push({ file: first.file, line: 1, reason: `no passwd for host ${host}: its accounts cannot be listed` });
      continue;
    }
    const passwd = parsePasswd(h.passwd.text);
    bad.push(...passwd.bad.map((b) => ({ file: h.passwd!.file, ...b })));
    const shadow = h.shadow ? parseShadow(h.shadow.text) : undefined;
    if (shadow) bad.push(...shadow.bad.map((b) => ({ file: h.shadow!.file, ...b })));
    const group = h.group ? parseGroup(h.group.text) : undefined;
    if (group) bad.push(...group.bad.map((b) => ({ file: h.group!.file, ...b })));
    const chage = h.chage.flatMap((c) => parseChage(c.text).map((e) => ({ ...e, user: e.user ?? c.user, file: c.file })));
    for (const c of chage.filter((c) => c.user === null))
      notes.push({
        file: c.file,
        line: c.line,
        reason: 'chage -l output does not name its user (name the file chage-<user>.txt or put "user: <name>" before it)',
      });
    const lastlog = h.logins.find((l) => l.log.kind === 'lastlog');
    const wtmp = h.logins.filter((l) => l.log.kind === 'last');
    for (const p of passwd.entries) {
      const sh = shadow?.entries.find((s) => s.name === p.name);
      const expiredByChage = chage.find((c) => c.user === p.name && c.accountExpires !== null && c.accountExpires <= o.today);
      const locked = sh ? /^[!*]/.test(sh.hash) || (sh.expires !== null && sh.expires <= o.today) : false;
      const enabled = sh || expiredByChage ? !(locked || expiredByChage) : null;
      const noShell = /(nologin|\/false|\/sync|\/shutdown|\/halt)$/.test(p.shell);
      const groups = group?.entries.filter((g) => g.members.includes(p.name) || g.gid === p.gid).map((g) => g.name) ?? [];
      const supplementary = group?.entries.filter((g) => g.members.includes(p.name)).map((g) => g.name) ?? [];
      const privGroup = supplementary.find((g) => privileged.has(g.toLowerCase()));
      const customerGroup = groups.find((g) => customerGroups.has(g.toLowerCase()));
      // The newest sign-in: lastlog's own record first, else the latest wtmp entry.
      const ll = lastlog?.log.records.find((r) => r.user === p.name);
      const seen = wtmp.flatMap((w) => w.log.records.filter((r) => r.user === p.name).map((r) => ({ ...r, file: w.file })));
      const latest = seen.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
      const lastLogin: Account['lastLogin'] = ll ? ll.date : latest ? latest.date : wtmp.length ? null : undefined;
      const since = !ll && !latest && wtmp.length ? (wtmp.map((w) => w.log.since).find((s) => s !== null) ?? null) : null;
      accounts.push({
        name: p.name,
        system: host,
        file: h.passwd.file,
        line: p.line,
        // Judged as a system account (uid below the firm's first user id, or no login shell).
        type: customerGroup ? 'customer' : p.uid < o.uidMin || noShell ? 'system' : 'staff',
        customerBy: customerGroup ? `group ${customerGroup}` : null,
        enabled,
        interactive: !noShell && enabled !== false,
        lastLogin,
        lastLoginAt: ll ? { file: lastlog!.file, line: ll.line } : latest ? { file: latest.file, line: latest.line } : null,
        loginSince: since,
        created: null,
        owner: p.gecos.split(',')[0]!.trim() || null,
        role: !group ? undefined : supplementary.length ? supplementary.join(', ') : null,
        privileged: p.uid === 0 ? 'uid 0' : privGroup ? `member of ${privGroup}` : null,
        lastReview: null,
        idleTimeout: undefined,
      });
    }
  }
  return { accounts, bad, sessions, notes };
}
