import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome, EvidenceInput } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { addDays, type IsoDate } from '../../core/dates.js';
import { indexHeaders } from '../../core/table-headers.js';
import { malformedFindings } from '../malformed-rows.js';
import {
  ACCOUNT_COLUMNS,
  accountsFromAd,
  accountsFromLinux,
  accountsFromTemplate,
  APPROVED_COLUMNS,
  isAdExport,
  linuxKindOf,
  type Account,
  type HostSession,
  type LinuxFileKind,
  type Unreadable,
} from './read-accounts.js';

const DEFAULT_PRIVILEGED_GROUPS = [
  'wheel',
  'sudo',
  'admin',
  'Domain Admins',
  'Enterprise Admins',
  'Schema Admins',
  'Administrators',
  'Account Operators',
  'Backup Operators',
  'Server Operators',
];

/** Names that stand for no one person (8/(2)/h: roles and responsibilities per person). */
const GENERIC =
  /^(admin(istrator)?|test(er|user)?|guest|temp|tmp|user|demo|shared?|common|public|training|helpdesk|support)[-_.]?\d*$|共用|公用|測試|臨時|訪客/i;

const TABLE = /\.(csv|tsv|xlsx)$/i;

/** The day `months` calendar months before `date` (the 31st falls back to the month's last day). */
function monthsBefore(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * 8/(2)/f, 8/(2)/h and 7/(2)/b/(h): staff and system accounts from the template, Active Directory or
 * Linux. Idle enabled accounts, reviews older than six months, accounts without an owner or
 * role, privileged accounts outside the approved list, shared or generic accounts, and sessions
 * without an idle timeout. Customer accounts are excluded by rule, as 8/(2)/f says.
 */
export const accountsAnalyzer = defineAnalyzer({
  id: 'accounts',
  title: 'Staff and system accounts: idle, unreviewed, ownerless, privileged, shared',
  titleZh: '資通系統帳號：閒置、未審查、無權責人、特權、共用帳號',
  // Not 8/(2)/g: that item asks for a written account-management procedure, which an account
  // list cannot show; a tidy list must not be recorded as that procedure's pass.
  items: ['8/(2)/f', '8/(2)/h', '7/(2)/b/(h)'],
  inputs: [
    { name: 'account list', formats: ['csv', 'xlsx'], description: `columns ${ACCOUNT_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}` },
    {
      name: 'Active Directory export',
      formats: ['csv (Get-ADUser | Export-Csv, csvde)'],
      description: 'sAMAccountName, Enabled or userAccountControl, lastLogonTimestamp (FILETIME), whenCreated, memberOf, DistinguishedName, manager, title',
    },
    {
      name: 'Linux accounts',
      formats: ['passwd', 'shadow', 'group', 'last / last -F', 'lastlog', 'chage -l', 'sshd_config / profile (TMOUT)'],
      description: 'files of one host share a name prefix (srv1__passwd.out, srv1__last.out) or a folder',
    },
    { name: 'approved privileged accounts (optional)', formats: ['csv', 'xlsx'], description: 'column 核准特權帳號/approved_account' },
  ],

  recognises({ name, head }) {
    if (TABLE.test(name)) {
      const header = head.split(/\r?\n/, 1)[0] ?? '';
      return (
        /samaccountname/i.test(head.split(/\r?\n/, 3).join('\n')) ||
        /核准特權帳號|approved_account/i.test(header) ||
        (/(^|[,/ ])(帳號|account)([,/ ]|$)/i.test(header) && /帳號類型|account_type|使用者|owner|角色|role|最後登入日|last_login/i.test(header))
      );
    }
    const kind = linuxKindOf(name, head);
    return kind !== null && kind !== 'who' && kind !== 'gshadow';
  },

  options: z.strictObject({
    idle_days: option.integer(1, 3650).default(90).describe('an enabled account not signed in for longer is idle (8/(2)/f)'),
    review_months: option.integer(1, 24).default(6).describe('an account review older than this is overdue (8/(2)/f: at least every six months)'),
    reviewed_on: option.date().optional().describe('the day of the last account review, when the list has no 最後審查日/last_review column'),
    approved_privileged: option.list().optional().describe('accounts approved to hold privileges (also: a file with 核准特權帳號/approved_account)'),
    privileged_groups: option
      .list()
      .optional()
      .describe(`groups that make an account privileged (default: ${DEFAULT_PRIVILEGED_GROUPS.join(', ')})`),
    customer_ous: option.list().optional().describe('AD OUs whose accounts are customers, excluded by 8/(2)/f (default: Customers, 客戶)'),
    customer_groups: option.list().optional().describe('Linux groups whose members are customers, excluded by 8/(2)/f (default: customers, 客戶)'),
    uid_min: option.integer(1, 65535).default(1000).describe('Linux: accounts below this uid are system accounts'),
    max_session_idle_minutes: option.integer(1, 1440).optional().describe('longest session idle timeout the firm allows for its tier (7/(2)/b/(h))'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const o = ctx.options;
    const read = {
      today: ctx.today,
      uidMin: o.uid_min,
      privilegedGroups: o.privileged_groups ?? DEFAULT_PRIVILEGED_GROUPS,
      customerOus: o.customer_ous ?? ['Customers', '客戶'],
      customerGroups: o.customer_groups ?? ['customers', '客戶'],
    };
    const accounts: Account[] = [];
    const bad: Unreadable[] = [];
    const notes: Unreadable[] = [];
    let sessions: HostSession[] = [];
    const approved = new Set((o.approved_privileged ?? []).map((a) => a.toLowerCase()));
    const linux: { file: EvidenceInput; kind: LinuxFileKind }[] = [];
    const findings: AnalyzerFinding[] = [];
    let undetermined = 0;

    for (const f of ctx.files) {
      if (TABLE.test(f.name)) {
        const data = await f.table();
        if (indexHeaders(data.headers, [{ key: 'a', names: [APPROVED_COLUMNS[0].zh, APPROVED_COLUMNS[0].en] }]).has('a')) {
          const i = indexHeaders(data.headers, [{ key: 'a', names: [APPROVED_COLUMNS[0].zh, APPROVED_COLUMNS[0].en] }]).get('a')!;
          for (const r of data.rows) if (r.cells[i]?.trim()) approved.add(r.cells[i].trim().toLowerCase());
        } else if (isAdExport(data)) {
          const ad = accountsFromAd(data, read);
          accounts.push(...ad.accounts);
          bad.push(...ad.bad);
          if (ad.unknownGroups > 0) {
            undetermined++;
            findings.push({
              kind: 'membership_unreadable',
              severity: 'medium',
              failing: false,
              clause: '8/(2)/h',
              file: f.name,
              line: 1,
              rule: 'memberOf',
              blocking: [],
              detail: `${ad.unknownGroups} rows have memberOf as a type name (Microsoft.ActiveDirectory.Management.ADPropertyValueCollection), not the groups: export with @{n='memberOf';e={$_.memberOf -join ';'}}; their privileges cannot be judged`,
              detailZh: `${ad.unknownGroups} 列之 memberOf 僅為型別名稱而非群組；請以 -join ';' 匯出；其特權無法判斷`,
            });
          }
        } else {
          const t = accountsFromTemplate(data);
          accounts.push(...t.accounts);
          bad.push(...t.bad);
        }
        continue;
      }
      let head = '';
      for await (const l of f.lines()) {
        head += `${l}\n`;
        if (head.length > 65_536) break;
      }
      const kind = linuxKindOf(f.name, head);
      if (kind) linux.push({ file: f, kind });
      else notes.push({ file: f.name, line: 1, reason: 'not an account list, AD export or Linux account file: not used' });
    }
    if (linux.length) {
      const l = await accountsFromLinux(linux, read);
      accounts.push(...l.accounts);
      bad.push(...l.bad);
      notes.push(...l.notes);
      sessions = l.sessions;
    }

    const idleSince = addDays(ctx.today, -o.idle_days);
    const reviewDue = monthsBefore(ctx.today, o.review_months);
    // 8/(2)/f: customer accounts are outside the review, by the account type, OU or group.
    const customers = accounts.filter((a) => a.type === 'customer');
    const judged = accounts.filter((a) => a.type !== 'customer');
    let loginUnknown = 0;
    /** A finding about the evidence as a whole (the review, the sign-in records), not one row. */
    const overall = (kind: string, failing: boolean, detail: string, detailZh: string) =>
      findings.push({
        kind,
        severity: failing ? 'medium' : 'low',
        failing,
        clause: '8/(2)/f',
        file: null,
        line: null,
        rule: null,
        blocking: [],
        detail,
        detailZh,
      });
    const push = (a: Account, f: Omit<AnalyzerFinding, 'file' | 'line' | 'rule' | 'blocking'> & { blocking?: AnalyzerFinding['blocking'] }) =>
      findings.push({ file: a.file, line: a.line, rule: a.system ? `${a.system}: ${a.name}` : a.name, blocking: [], ...f });

    for (const a of judged) {
      if (a.enabled === false) continue; // a disabled account signs no one in
      const who = a.system ? `${a.name} (${a.system})` : a.name;
      if (a.privileged && !approved.has(a.name.toLowerCase())) {
        push(a, {
          kind: 'privileged_not_approved',
          severity: 'high',
          failing: true,
          clause: '8/(2)/h',
          detail: `${who} holds privileges (${a.privileged}) but is not on the approved list; 8/(2)/h grants only the access the duty needs`,
          detailZh: `${who} 具特權（${a.privileged}），但不在核准特權帳號清單中；違反 8/(2)/h 最小權限原則`,
        });
      }
      if (a.type === 'system') {
        // A system account is for a service, not a person: it is judged on whether a person can sign in with it.
        if (a.interactive && a.enabled === true && !a.privileged) {
          push(a, {
            kind: 'system_account_interactive',
            severity: 'medium',
            failing: true,
            clause: '8/(2)/h',
            detail: `${who} is a system account with a login shell and a usable password; a process account should not be signed in to by a person (8/(2)/h)`,
            detailZh: `${who} 為系統帳號，卻有登入 shell 與可用密碼；代表程序之帳號不應供人員登入（8/(2)/h）`,
          });
        }
        continue;
      }
      if (a.type === 'shared' || GENERIC.test(a.name)) {
        push(a, {
          kind: 'shared_account',
          severity: 'high',
          failing: true,
          clause: '8/(2)/h',
          detail: `${who} is a shared or generic account: no one person answers for what it does (8/(2)/h roles and responsibilities)`,
          detailZh: `${who} 為共用或通用帳號，無法歸責於特定人員；違反 8/(2)/h 人員角色及責任之規定`,
        });
      }
      if (!a.owner || a.role === null) {
        const missing = [!a.owner && 'owner', a.role === null && 'role'].filter(Boolean).join(' and ');
        const missingZh = [!a.owner && '使用者', a.role === null && '角色'].filter(Boolean).join('及');
        push(a, {
          kind: 'owner_or_role_missing',
          severity: 'medium',
          failing: true,
          clause: '8/(2)/h',
          detail: `${who} has no ${missing}; 8/(2)/h asks for each account's role and responsibility`,
          detailZh: `${who} 未載明${missingZh}；8/(2)/h 要求定義帳號之人員角色及責任`,
        });
      }
      if (a.lastLogin === undefined) loginUnknown++;
      else if (a.lastLogin === null ? (a.created ?? a.loginSince ?? '0000-00-00') < idleSince : a.lastLogin < idleSince) {
        const last =
          a.lastLogin === null
            ? a.loginSince
              ? `no sign-in since the login record begins (${a.loginSince})`
              : `never signed in${a.created ? ` since its creation on ${a.created}` : ''}`
            : `last signed in on ${a.lastLogin}`;
        const lastZh =
          a.lastLogin === null
            ? a.loginSince
              ? `自登入紀錄起始（${a.loginSince}）未曾登入`
              : `從未登入${a.created ? `（${a.created} 建立）` : ''}`
            : `最後登入日為 ${a.lastLogin}`;
        push(a, {
          kind: 'idle_account',
          severity: 'medium',
          failing: true,
          clause: '8/(2)/f',
          blocking: a.lastLoginAt && (a.lastLoginAt.file !== a.file || a.lastLoginAt.line !== a.line) ? [{ ...a.lastLoginAt, rule: a.name }] : [],
          detail: `${who} is enabled and ${last}: idle for more than ${o.idle_days} days; 8/(2)/f asks for idle accounts to be disabled`,
          detailZh: `${who} 仍啟用且${lastZh}，閒置逾 ${o.idle_days} 日；8/(2)/f 應停用閒置帳號`,
        });
      }
      if (a.lastReview && a.lastReview < reviewDue) {
        push(a, {
          kind: 'review_overdue',
          severity: 'medium',
          failing: true,
          clause: '8/(2)/f',
          detail: `${who} was last reviewed on ${a.lastReview}, more than ${o.review_months} months ago (8/(2)/f: at least every six months)`,
          detailZh: `${who} 最後審查日為 ${a.lastReview}，已逾 ${o.review_months} 個月（8/(2)/f：至少每半年審查一次）`,
        });
      }
      if (a.idleTimeout === null || (a.idleTimeout !== undefined && o.max_session_idle_minutes !== undefined && a.idleTimeout > o.max_session_idle_minutes)) {
        push(a, {
          kind: a.idleTimeout === null ? 'no_idle_timeout' : 'idle_timeout_too_long',
          severity: 'medium',
          failing: true,
          clause: '7/(2)/b/(h)',
          detail:
            a.idleTimeout === null
              ? `${who}: sessions have no idle timeout; 7/(2)/b/(h) asks for one by the firm's tier`
              : `${who}: sessions time out after ${a.idleTimeout} minutes idle, longer than the ${o.max_session_idle_minutes} allowed (7/(2)/b/(h))`,
          detailZh:
            a.idleTimeout === null
              ? `${who}：連線未設閒置逾時；7/(2)/b/(h) 應依資安分級訂定閒置時間`
              : `${who}：閒置逾時為 ${a.idleTimeout} 分鐘，超過所定 ${o.max_session_idle_minutes} 分鐘（7/(2)/b/(h)）`,
        });
      }
    }
    for (const s of sessions) {
      if (s.minutes !== null && (o.max_session_idle_minutes === undefined || s.minutes <= o.max_session_idle_minutes)) continue;
      findings.push({
        kind: s.minutes === null ? 'no_idle_timeout' : 'idle_timeout_too_long',
        severity: 'medium',
        failing: true,
        clause: '7/(2)/b/(h)',
        file: s.file,
        line: s.line,
        rule: s.host,
        blocking: [],
        detail:
          s.minutes === null
            ? `${s.host}: neither TMOUT nor ClientAliveInterval ends an idle session; 7/(2)/b/(h) asks for an idle timeout`
            : `${s.host}: idle sessions end after ${s.minutes} minutes, longer than the ${o.max_session_idle_minutes} allowed (7/(2)/b/(h))`,
        detailZh:
          s.minutes === null
            ? `${s.host}：未以 TMOUT 或 ClientAliveInterval 設定閒置逾時；違反 7/(2)/b/(h)`
            : `${s.host}：閒置 ${s.minutes} 分鐘後才中斷，超過所定 ${o.max_session_idle_minutes} 分鐘（7/(2)/b/(h)）`,
      });
    }

    // 8/(2)/f: the review itself — per account from the list, or the day given as an option.
    const reviewed = judged.some((a) => a.lastReview !== null);
    if (o.reviewed_on && o.reviewed_on < reviewDue) {
      overall(
        'review_overdue',
        true,
        `the last account review was on ${o.reviewed_on}, more than ${o.review_months} months ago (8/(2)/f: at least every six months)`,
        `最近一次帳號審查為 ${o.reviewed_on}，已逾 ${o.review_months} 個月（8/(2)/f：至少每半年審查一次）`,
      );
    } else if (!o.reviewed_on && !reviewed && judged.length) {
      undetermined++;
      overall(
        'review_not_evidenced',
        false,
        'no review date: add a 最後審查日/last_review column or give --set reviewed_on=YYYY-MM-DD (8/(2)/f)',
        '未提供帳號審查日期：請於清單加「最後審查日」欄，或以 --set reviewed_on=日期 指定（8/(2)/f）',
      );
    }
    if (loginUnknown > 0) {
      undetermined++;
      overall(
        'last_login_unknown',
        false,
        `${loginUnknown} enabled accounts have no sign-in record (no 最後登入日/last_login, lastLogonTimestamp, last or lastlog): idleness not judged`,
        `${loginUnknown} 個啟用中帳號無登入紀錄（最後登入日、lastLogonTimestamp、last、lastlog 皆無），無法判斷是否閒置`,
      );
    }
    for (const n of notes)
      findings.push({
        kind: 'file_not_used',
        severity: 'info',
        failing: false,
        clause: '8/(2)/f',
        file: n.file,
        line: n.line,
        rule: null,
        blocking: [],
        detail: n.reason,
        detailZh: `未使用：${n.reason}`,
      });
    findings.push(
      ...malformedFindings(
        bad.map((b) => ({ ...b, reasonZh: b.reason })),
        '8/(2)/f',
      ),
    );

    const failing = new Set(findings.filter((f) => f.failing && f.line !== null).map((f) => `${f.file}:${f.line}`)).size;
    return {
      verdict: verdictOf(findings, undetermined + bad.length),
      scope: judged.length,
      findings,
      summary: `${judged.length} staff and system accounts (${customers.length} customer accounts excluded by 8/(2)/f): ${failing} with findings, ${bad.length} unreadable rows`,
      summaryZh: `共 ${judged.length} 個內部及系統帳號（依 8/(2)/f 排除客戶帳號 ${customers.length} 個）：${failing} 個有缺失，${bad.length} 列無法判讀`,
    };
  },
});
