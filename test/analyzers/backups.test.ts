import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scheduleGap } from '../../src/analyzers/backups/backup-schedule.js';
import { backupsAnalyzer } from '../../src/analyzers/backups/backups.analyzer.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

const FIX = path.join(packageRoot(), 'test', 'fixtures', 'backups');
const fx = (name: string) => path.join(FIX, name);
const TODAY = '2026-11-30';
const f0 = (r: { findings: readonly { kind: string; detail: string }[] }, kind: string) => r.findings.find((x) => x.kind === kind)!;
const row = (f: { kind: string; file: string | null; line: number | null; rule: string | null; failing: boolean }) => [
  f.kind,
  f.file,
  f.line,
  f.rule,
  f.failing,
];

describe('backup schedules', () => {
  it.each([
    ['每日', 1440],
    ['Daily', 1440],
    ['每小時', 60],
    ['hourly', 60],
    ['every 4 hours', 240],
    ['每 15 分鐘', 15],
    ['每4小時', 240],
    ['every 30 min', 30],
    ['weekly', 10080],
    ['每月', 44640],
    ['即時', 0],
    ['0 2 * * *', 1440],
    ['0 */6 * * *', 360],
    ['*/15 * * * *', 15],
    ['30 1 * * 1-5', 3 * 1440], // Friday 01:30 to Monday 01:30
    ['0 2 * * 7', 10080], // 7 is Sunday, as 0
    ['0 3 1 * *', 31 * 1440], // after a 31-day month
    ['0 0 29 2 *', 4 * 366 * 1440], // leap days only
    ['0 1,13 * * sun', 6 * 1440 + 12 * 60],
    ['@daily', 1440],
  ])('%s runs at most every %i minutes apart', (text, gap) => {
    expect(scheduleGap(text)).toMatchObject({ ok: true, gapMinutes: gap });
  });

  it.each([
    ['whenever', /not understood/],
    ['0 25 * * *', /hour field "25"/],
    ['61 * * * *', /minute field "61"/],
    ['0 0 31 2 *', /never runs/],
    ['every 0 hours', /not understood/],
    ['0 2 * *', /not understood/],
  ])('%s is refused with a reason', (text, reason) => {
    const r = scheduleGap(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.en).toMatch(reason);
      expect(r.zh).toContain(text.split(' ')[0]);
    }
  });
});

describe('backups analyzer (7/(2)/c/(f)–(g))', () => {
  it('judges every system against its RPO from the firm profile, row by row', async () => {
    const r = await analyzeFiles('backups', [fx('inventory.csv'), fx('firm-profile.yaml')], TODAY);
    expect(r).toMatchObject({ analyzer: 'backups', items: ['7/(2)/c/(f)', '7/(2)/c/(g)'], verdict: 'fail', scope: 4 });
    expect(r.findings.map(row)).toEqual([
      ['no_backup_job', 'firm-profile.yaml', 22, '客服系統', true],
      ['interval_exceeds_rpo', 'inventory.csv', 5, '帳務系統 / 資料庫 / 完整 / NAS-01', true],
      ['backup_not_running', 'inventory.csv', 5, '帳務系統 / 資料庫 / 完整 / NAS-01', true],
      ['restore_test_overdue', 'inventory.csv', 5, '帳務系統 / 資料庫 / 完整 / NAS-01', true],
      ['no_offline_copy', 'inventory.csv', 5, '帳務系統', true],
      ['rule_321_not_met', 'inventory.csv', 5, '帳務系統', false],
      ['offline_without_baseline', 'inventory.csv', 11, '郵件系統 / 附件 / 增量 / 磁帶', true],
      ['rule_321_not_met', 'inventory.csv', 6, '郵件系統', false],
      ['malformed_records', 'inventory.csv', 7, null, false],
    ]);
    expect(f0(r, 'offline_without_baseline').detail).toContain('an offline incremental backup with no offline full backup of the same data as its baseline');
    const f = (kind: string, rule?: string) => r.findings.find((x) => x.kind === kind && (!rule || x.rule === rule))!;
    expect(f('interval_exceeds_rpo').detail).toContain('at most every 1 d, longer than the RPO of 30 min');
    expect(f('interval_exceeds_rpo').detailZh).toContain('違反 7/(2)/c/(f)');
    expect(f('backup_not_running').detail).toContain('last successful run 2026-11-25, 3 day(s) later');
    expect(f('rule_321_not_met', '帳務系統')).toMatchObject({ clause: '7/(2)/c/(g)', severity: 'low' });
    expect(f('rule_321_not_met', '帳務系統').detail).toContain('1 copy (3 needed), 1 storage medium (2 independent needed), no copy off site');
    // 郵件系統: off site from its location (異地倉庫), RPO of 7 days from its row, weekly: only 3-2-1 copies and media.
    expect(f('rule_321_not_met', '郵件系統').detail).not.toContain('off site');
    const bad = f('malformed_records');
    expect(bad.detail).toMatch(/^inventory\.csv: 3 malformed rows not judged: row 7: 報表系統: schedule "whenever" is not understood/);
    expect(bad.detail).toContain('row 9: 報表系統: last_success "2026-13-45" is not a date');
    expect(bad.detail).toContain('row 10: ?: no system name');
    expect(bad.blocking.map((b) => b.line)).toEqual([9, 10]);
    // 電子下單系統 meets everything: 15-minute increments for a 15-minute RPO, offline tape, 3 copies, 3 media, off site.
    expect(r.findings.filter((x) => x.rule?.startsWith('電子下單系統'))).toEqual([]);
  });

  it('without RPOs it cannot judge the interval, and says so instead of passing', async () => {
    const r = await analyzeFiles('backups', [fx('inventory.csv')], TODAY);
    expect(r.findings.filter((f) => f.kind === 'rpo_unknown').map(row)).toEqual([
      ['rpo_unknown', 'inventory.csv', 2, '電子下單系統', false],
      ['rpo_unknown', 'inventory.csv', 5, '帳務系統', false],
    ]);
    expect(r.findings.map((f) => f.kind)).not.toContain('no_backup_job');
  });

  it('reads a Big5 inventory, and names a file in neither encoding without giving up on the rest', async () => {
    const r = await analyzeFiles('backups', [fx('inventory-big5.csv'), fx('garbled.csv'), fx('firm-profile.yaml')], TODAY);
    expect(r.findings.filter((f) => f.file === 'inventory-big5.csv').map((f) => [f.kind, f.line, f.rule])).toEqual([
      ['interval_exceeds_rpo', 2, '帳務系統 / 資料庫 / 完整 / NAS-01'],
      ['backup_not_running', 2, '帳務系統 / 資料庫 / 完整 / NAS-01'],
      ['restore_test_overdue', 2, '帳務系統 / 資料庫 / 完整 / NAS-01'],
      ['no_offline_copy', 2, '帳務系統'],
      ['rule_321_not_met', 2, '帳務系統'],
    ]);
    expect(r.findings.find((f) => f.kind === 'unreadable_file')).toMatchObject({ file: 'garbled.csv', failing: false });
    expect(r.findings.find((f) => f.kind === 'unreadable_file')!.detail).toContain('neither UTF-8 nor Big5');
    const only = await analyzeFiles('backups', [fx('garbled.csv')], TODAY);
    expect(only.verdict).toBe('error');
    expect(only.findings.map(row)).toEqual([['unreadable_file', 'garbled.csv', null, null, false]]);
  });

  it('options: restore tests may be older, 3-2-1 may fail, offline copies may be optional; a typo is refused', async () => {
    const files = [fx('inventory.csv'), fx('firm-profile.yaml')];
    const r = await analyzeFiles('backups', files, TODAY, { restore_test_max_days: '730', rule_321: 'fail', require_offline: 'no' });
    const kinds = r.findings.map((f) => [f.kind, f.failing]);
    expect(kinds).not.toContainEqual(['restore_test_overdue', true]);
    expect(kinds).not.toContainEqual(['no_offline_copy', true]);
    expect(kinds).toContainEqual(['rule_321_not_met', true]);
    await expect(analyzeFiles('backups', files, TODAY, { rule_321: 'maybe' })).rejects.toMatchObject({ code: 'ANALYZER_OPTION_INVALID' });
  });

  it('a file without the schedule column is an error naming the column; a profile alone is not an inventory', async () => {
    const r = await analyzeFiles('backups', [fx('firm-profile.yaml')], TODAY);
    expect(r.verdict).toBe('error');
    expect(r.findings[0]!.detail).toContain('no backup-job inventory');
    const g = await analyzeFiles('backups', [fx('no-schedule.csv')], TODAY);
    expect(g.findings[0]).toMatchObject({ kind: 'input_error', line: 1, rule: '備份排程 / schedule' });
  });

  it('recognises its inventory and the firm profile by content, not other tables', () => {
    const head = (name: string, text: string) => backupsAnalyzer.recognises!({ name, head: text });
    expect(head('jobs.csv', '系統名稱 / system,備份排程 / schedule\n')).toBe(true);
    expect(head('firm-profile.yaml', 'firm:\n  name: x\ncore_systems:\n  - name: a\n')).toBe(true);
    expect(head('devices.csv', '主機名稱 / hostname,廠牌 / vendor\n')).toBe(false);
    expect(head('notes.yaml', 'analyzers:\n')).toBe(false);
  });
});

describe('backups analyzer: other shapes of the same inventory', () => {
  it('names a CSV cut off in its last row as probably truncated, and still judges the rows before it', async () => {
    const r = await analyzeFiles('backups', [fx('truncated.csv')], TODAY);
    expect(r.findings.map(row)).toEqual([
      ['no_restore_test', 'truncated.csv', 2, '帳務系統', true],
      ['no_offline_copy', 'truncated.csv', 2, '帳務系統', true],
      ['rule_321_not_met', 'truncated.csv', 2, '帳務系統', false],
      ['malformed_records', 'truncated.csv', 3, null, false],
    ]);
    expect(r.findings[3]!.detail).toBe(
      'truncated.csv: 1 malformed row not judged: row 3: 帳務系統: last_success "2026-11-" is not a date (the file ends here: truncated?)',
    );
  });

  it('reads the same template from an XLSX workbook', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-backups-'));
    try {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('備份清冊');
      ws.addRow([
        '系統名稱 / system',
        '備份方式 / method',
        '儲存媒體 / media',
        '存放地點 / location',
        '備份排程 / schedule',
        '最近成功日 / last_success',
        '最近回存測試日 / last_restore_test',
      ]);
      ws.addRow(['帳務系統', '離線', '磁帶', '異地備援中心', '每小時', '2026-11-30', '2026-10-01']);
      ws.addRow(['帳務系統', '網路非同步', 'NAS-01', '台北主機房', '0 * * * *', '2026-11-30', '']);
      ws.addRow(['帳務系統', '網路同步', 'DR-SAN', '新竹機房', 'every 4 hours', '2026-11-30', '']);
      const file = path.join(dir, 'jobs.xlsx');
      await wb.xlsx.writeFile(file);
      const r = await analyzeFiles('backups', [file, fx('firm-profile.yaml')], TODAY);
      // 帳務系統: hourly against an RPO of 30 min; 3 copies on 3 media, one off site, restore-tested, offline: only the interval fails.
      expect(r.findings.map(row)).toEqual([
        ['no_backup_job', 'firm-profile.yaml', 10, '電子下單系統', true],
        ['no_backup_job', 'firm-profile.yaml', 22, '客服系統', true],
        ['interval_exceeds_rpo', 'jobs.xlsx', 2, '帳務系統 / 磁帶', true],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
