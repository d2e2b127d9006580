import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountsAnalyzer } from '../../src/analyzers/accounts/accounts.analyzer.js';
import { adTimeToDate, filetimeToDate, memberOfGroups, uacEnabled } from '../../src/analyzers/accounts/parse-ad.js';
import { parseChage, parseLast, parseLastlog, parseSessionConfig } from '../../src/analyzers/accounts/parse-linux.js';
import { hostOf } from '../../src/analyzers/accounts/read-accounts.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { findingRow } from '../helpers/finding-row.js';
import { tempDir } from '../helpers/shared.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'accounts');
const TODAY = '2026-11-27';
const run = (files: string[], options: Record<string, string> = {}) =>
  analyzeFiles(
    'accounts',
    files.map((f) => path.join(FIX, f)),
    TODAY,
    options,
    files,
  );
const row = findingRow;
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('accounts: the formats', () => {
  it('reads AD FILETIME, generalized time, userAccountControl and memberOf', () => {
    expect(filetimeToDate('134396136000000000')).toBe('2026-11-20'); // 2026-11-20 10:00 Taipei
    expect(filetimeToDate('134396099000000000')).toBe('2026-11-20'); // 00:58 Taipei, still the 19th in UTC
    expect(filetimeToDate('0')).toBeNull();
    expect(filetimeToDate('9223372036854775807')).toBeNull();
    expect(filetimeToDate('yesterday')).toBeUndefined();
    expect(adTimeToDate('20230101120000.0Z')).toBe('2023-01-01');
    expect(adTimeToDate('20230101170000.0Z')).toBe('2023-01-02'); // 01:00 the next day in Taipei
    expect(adTimeToDate('1/2/2023 12:00:00 PM')).toBe('2023-01-02');
    expect(uacEnabled('514')).toBe(false);
    expect(uacEnabled('512')).toBe(true);
    expect(memberOfGroups('CN=Domain Admins,CN=Users,DC=corp,DC=tw;CN=R\\, D,OU=G,DC=corp,DC=tw')).toEqual(['Domain Admins', 'R, D']);
    expect(memberOfGroups('Microsoft.ActiveDirectory.Management.ADPropertyValueCollection')).toBeUndefined();
  });

  it('rebuilds the year of short `last` lines from "wtmp begins", and reads lastlog, chage and session settings', () => {
    const last = parseLast(
      'u1 pts/0 h Tue Jan  5 09:00 - 10:00 (01:00)\nu2 pts/0 h Mon Dec 28 09:00 - 10:00 (01:00)\n\nwtmp begins Sat Aug  1 08:00:00 2020\n',
      '2026-11-27',
    );
    expect(last.records.map((r) => [r.user, r.date])).toEqual([
      ['u1', '2021-01-05'],
      ['u2', '2020-12-28'],
    ]);
    expect(last.since).toBe('2020-08-01');
    // No "wtmp begins": the latest year, not after today, whose calendar has that weekday.
    expect(parseLast('u1 pts/0 h Fri Feb 28 13:49 - 14:00 (00:11)\n', '2026-11-27').records[0]!.date).toBe('2025-02-28');
    const ll = parseLastlog('Username Port From Latest\nroot pts/0 10.0.0.5 Tue Nov 24 10:01:02 +0800 2026\nbin **Never logged in**\ngarbage\n');
    expect(ll.records.map((r) => [r.user, r.date])).toEqual([
      ['root', '2026-11-24'],
      ['bin', null],
    ]);
    expect(ll.bad).toEqual([{ line: 4, reason: 'neither a login time nor **Never logged in**' }]);
    expect(parseChage('user: ops03\nAccount expires : Jan 01, 2026\n')).toEqual([{ user: 'ops03', accountExpires: '2026-01-01', line: 2 }]);
    expect(parseSessionConfig('ClientAliveInterval 300\nClientAliveCountMax 2\n').minutes).toBe(10);
    expect(parseSessionConfig('#TMOUT=600\nClientAliveInterval 0\n').minutes).toBeNull();
    expect(hostOf('srv2__chage-ops03.out')).toEqual({ host: 'srv2', user: 'ops03' });
    expect(hostOf('db01/passwd')).toEqual({ host: 'db01', user: null });
  });
});

describe('accounts analyzer (8/(2)/f–h, 7/(2)/b/(h))', () => {
  it('judges the template row by row; customers are excluded by their account type', async () => {
    const r = await run(['accounts.csv', 'approved-privileged.csv']);
    expect(r).toMatchObject({ verdict: 'fail', scope: 12 });
    expect(r.summary).toContain('(1 customer accounts excluded by 8/(2)/f)');
    expect(r.findings.map(row)).toEqual([
      ['idle_account', 'accounts.csv', 3, '下單系統: b.lin', '8/(2)/f', true],
      ['owner_or_role_missing', 'accounts.csv', 4, '下單系統: c.wang', '8/(2)/h', true],
      ['shared_account', 'accounts.csv', 5, '下單系統: shared01', '8/(2)/h', true],
      ['shared_account', 'accounts.csv', 6, '下單系統: test01', '8/(2)/h', true],
      ['privileged_not_approved', 'accounts.csv', 8, '下單系統: d.huang', '8/(2)/h', true],
      ['review_overdue', 'accounts.csv', 11, '下單系統: g.lee', '8/(2)/f', true],
      ['no_idle_timeout', 'accounts.csv', 12, '下單系統: h.tsai', '7/(2)/b/(h)', true],
      ['idle_account', 'accounts.csv', 17, '下單系統: j.hsu', '8/(2)/f', true],
      ['malformed_input', 'accounts.csv', 14, null, '8/(2)/f', false],
    ]);
    expect(r.findings[0]!.detail).toBe(
      'b.lin (下單系統) is enabled and last signed in on 2026-06-01: idle for more than 90 days; 8/(2)/f asks for idle accounts to be disabled',
    );
    expect(r.findings[7]!.detailZh).toBe('j.hsu (下單系統) 仍啟用且從未登入（2026-01-05 建立），閒置逾 90 日；8/(2)/f 應停用閒置帳號');
    expect(r.findings[8]!.detail).toBe(
      '2 unreadable rows/lines, not judged: line 14: 狀態 / enabled "maybe" is not enabled/disabled; line 16: a date column holds no date',
    );
    // cust0001 (row 7) signed in last in 2020 and has no review: excluded by rule, so nothing is said about it.
    expect(r.findings.some((f) => f.rule?.includes('cust0001'))).toBe(false);
  });

  it('reads the same template as XLSX, with the same rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('帳號清冊');
    const csv = readFileSync(path.join(FIX, 'accounts.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/);
    for (const l of csv.slice(0, 4)) ws.addRow(l === '' ? [] : l.split(','));
    const file = path.join(tmp.dir, 'accounts.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await analyzeFiles('accounts', [file], TODAY, { reviewed_on: '2026-09-01' });
    expect(r.findings.map(row)).toEqual([
      ['idle_account', 'accounts.xlsx', 3, '下單系統: b.lin', '8/(2)/f', true],
      ['owner_or_role_missing', 'accounts.xlsx', 4, '下單系統: c.wang', '8/(2)/h', true],
    ]);
  });

  it('thresholds are options: a longer idle limit and an approved list change the findings', async () => {
    const r = await run(['accounts.csv'], { idle_days: '200', approved_privileged: 'd.huang, e.kuo', max_session_idle_minutes: '10' });
    const kinds = r.findings.map((f) => `${f.kind}:${f.line}`);
    expect(kinds).not.toContain('idle_account:3'); // 2026-06-01 is 179 days before today
    expect(kinds).toContain('idle_account:17'); // created 2026-01-05, never signed in: 326 days
    expect(kinds.filter((k) => k.startsWith('privileged_not_approved'))).toEqual([]);
    expect(kinds.filter((k) => k.startsWith('idle_timeout_too_long'))).toHaveLength(9); // 15 minutes > 10
  });

  it('reads AD exports (PowerShell with its #TYPE line, csvde) and excludes the Customers OU', async () => {
    const r = await run(['ad-users.csv', 'ad-csvde.csv', 'approved-privileged.csv'], { reviewed_on: '2026-09-01' });
    expect(r).toMatchObject({ verdict: 'fail', scope: 7 });
    expect(r.findings.map(row)).toEqual([
      ['membership_unreadable', 'ad-users.csv', 1, 'memberOf', '8/(2)/h', false],
      ['privileged_not_approved', 'ad-users.csv', 4, 'corp.example.tw: bob.chang', '8/(2)/h', true],
      ['idle_account', 'ad-users.csv', 4, 'corp.example.tw: bob.chang', '8/(2)/f', true],
      // Administrator is on the approved list, but is still generic, ownerless and never used.
      ['shared_account', 'ad-users.csv', 5, 'corp.example.tw: Administrator', '8/(2)/h', true],
      ['owner_or_role_missing', 'ad-users.csv', 5, 'corp.example.tw: Administrator', '8/(2)/h', true],
      ['idle_account', 'ad-users.csv', 5, 'corp.example.tw: Administrator', '8/(2)/f', true],
      ['privileged_not_approved', 'ad-csvde.csv', 2, 'corp.example.tw: eve.kuo', '8/(2)/h', true],
      ['owner_or_role_missing', 'ad-csvde.csv', 2, 'corp.example.tw: eve.kuo', '8/(2)/h', true],
      ['malformed_input', 'ad-users.csv', 9, null, '8/(2)/f', false],
    ]);
    expect(r.findings[8]!.detail).toContain('line 9: lastLogonTimestamp "last tuesday" is not a FILETIME');
    expect(r.summary).toContain('(1 customer accounts excluded by 8/(2)/f)');
    // Moving the customer OU's name makes cust.9001 a staff account: the exclusion is the rule, not an accident.
    const moved = await run(['ad-users.csv'], { reviewed_on: '2026-09-01', customer_ous: 'Retail' });
    expect(moved.findings.filter((f) => f.rule?.endsWith('cust.9001')).map((f) => f.kind)).toEqual(['owner_or_role_missing', 'idle_account']);
  });

  it('reads Linux hosts (passwd, shadow, group, lastlog, last, chage, sshd_config, profile) and judges system accounts as such', async () => {
    const linux = [
      'srv1__passwd.out',
      'srv1__shadow.out',
      'srv1__group.out',
      'srv1__lastlog.out',
      'srv1__sshd_config',
      'srv2__passwd.out',
      'srv2__last.out',
      'srv2__lastb.out',
      'srv2__chage-ops03.out',
      'srv2__profile',
    ].map((f) => `linux/${f}`);
    const r = await run(linux, { reviewed_on: '2026-04-01' });
    expect(r).toMatchObject({ verdict: 'fail', scope: 10 });
    expect(r.findings.map(row)).toEqual([
      ['privileged_not_approved', 'linux/srv1__passwd.out', 1, 'srv1: root', '8/(2)/h', true],
      ['system_account_interactive', 'linux/srv1__passwd.out', 3, 'srv1: backup', '8/(2)/h', true],
      ['privileged_not_approved', 'linux/srv1__passwd.out', 4, 'srv1: alice', '8/(2)/h', true],
      ['owner_or_role_missing', 'linux/srv1__passwd.out', 5, 'srv1: bob', '8/(2)/h', true],
      ['idle_account', 'linux/srv1__passwd.out', 5, 'srv1: bob', '8/(2)/f', true],
      ['shared_account', 'linux/srv1__passwd.out', 8, 'srv1: guest', '8/(2)/h', true],
      ['owner_or_role_missing', 'linux/srv1__passwd.out', 8, 'srv1: guest', '8/(2)/h', true],
      ['idle_account', 'linux/srv1__passwd.out', 8, 'srv1: guest', '8/(2)/f', true],
      // ops02 tried at 03:00 (lastb) but never signed in since wtmp begins; ops01 (Oct 1) is fine; ops03 expired (chage).
      ['idle_account', 'linux/srv2__passwd.out', 2, 'srv2: ops02', '8/(2)/f', true],
      ['no_idle_timeout', 'linux/srv1__sshd_config', 3, 'srv1', '7/(2)/b/(h)', true],
      ['review_overdue', null, null, null, '8/(2)/f', true],
      ['file_not_used', 'linux/srv2__lastb.out', 1, null, '8/(2)/f', false],
      ['malformed_input', 'linux/srv1__passwd.out', 9, null, '8/(2)/f', false],
    ]);
    expect(r.findings[4]!.blocking).toEqual([{ file: 'linux/srv1__lastlog.out', line: 6, rule: 'bob' }]);
    expect(r.findings[8]!.detail).toContain('no sign-in since the login record begins (2026-08-01)');
    expect(r.summary).toContain('(1 customer accounts excluded by 8/(2)/f)'); // carol, group customers
  });

  it('without a review date the verdict is not a pass', async () => {
    const r = await run(['linux/srv2__passwd.out', 'linux/srv2__last.out', 'linux/srv2__profile']);
    // Without its chage file ops03 is not known to be expired: idle like ops02.
    expect(r.findings.map((f) => `${f.kind} ${f.rule ?? ''}`)).toEqual(['idle_account srv2: ops02', 'idle_account srv2: ops03', 'review_not_evidenced ']);
    const clean = await run(['linux/srv2__passwd.out', 'linux/srv2__last.out'], { idle_days: '365' });
    expect(clean.verdict).toBe('error');
    expect((await run(['linux/srv2__passwd.out', 'linux/srv2__last.out'], { idle_days: '365', reviewed_on: '2026-09-01' })).verdict).toBe('pass');
  });

  it('recognises account evidence by content', () => {
    const r = (name: string, head: string) => accountsAnalyzer.recognises!({ name, head });
    expect(r('users.csv', '#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\n"SamAccountName","Enabled"')).toBe(true);
    expect(r('accounts.xlsx', '帳號 / account,使用者 / owner')).toBe(true);
    expect(r('passwd', 'root:x:0:0:root:/root:/bin/bash\n')).toBe(true);
    expect(r('x.out', 'Username         Port     From             Latest\n')).toBe(true);
    expect(r('devices.csv', 'hostname,vendor')).toBe(false);
    // A sign-in log has an account column too, but it is not an account list.
    expect(r('auth.csv', 'time,account,source_ip,action,result')).toBe(false);
    expect(r('firm-profile.yaml', 'firm:\n  licence: x\n')).toBe(false);
    expect(r('srv1__sshd_config', 'Port 22\n')).toBe(true);
    expect(r('auth.jsonl', '{"a":"b:c:d:e:f:g:h:i","t":"09:00:00"}')).toBe(false);
  });
});
