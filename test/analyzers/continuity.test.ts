import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { continuityAnalyzer } from '../../src/analyzers/continuity/continuity.analyzer.js';
import { parseDurationMinutes } from '../../src/analyzers/recovery-targets.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

const FIX = path.join(packageRoot(), 'test', 'fixtures');
const fx = (name: string) => path.join(FIX, name);
const TODAY = '2026-11-30';
const row = (f: { kind: string; file: string | null; line: number | null; rule: string | null; failing: boolean; clause: string }) => [
  f.kind,
  f.file,
  f.line,
  f.rule,
  f.clause,
  f.failing,
];

describe('durations in recovery targets', () => {
  it.each([
    ['30', 'minutes', 30],
    ['2', 'hours', 120],
    ['1.5', 'hours', 90],
    ['30分鐘', 'hours', 30],
    ['5小時', 'minutes', 300],
    ['3h', 'minutes', 180],
    ['4 hours', 'minutes', 240],
    ['1天', 'hours', 1440],
    ['９０', 'minutes', 90], // full-width digits from a Chinese IME
  ] as const)('%s (bare unit %s) is %i minutes', (v, unit, min) => expect(parseDurationMinutes(v, unit)).toBe(min));
  it.each(['two hours', '2 fortnights', '', '-1'])('%s is not a duration', (v) => expect(parseDurationMinutes(v, 'hours')).toBeNull());
});

describe('continuity analyzer (1/(4), 10/(3), 10/(4), 10/(10))', () => {
  it('judges the core-system template and the drill records row by row', async () => {
    const r = await analyzeFiles('continuity', [fx('continuity/core-systems.csv'), fx('continuity/drills.csv')], TODAY);
    expect(r).toMatchObject({ analyzer: 'continuity', items: ['1/(4)', '10/(3)', '10/(4)', '10/(10)'], verdict: 'fail', scope: 4 });
    expect(r.findings.map(row)).toEqual([
      ['rto_exceeds_tolerable', 'core-systems.csv', 3, '帳務系統', '10/(10)', true],
      ['targets_missing', 'core-systems.csv', 4, '客服系統', '1/(4)', true],
      ['targets_missing', 'core-systems.csv', 5, '行情系統', '1/(4)', true],
      ['no_offsite_site', 'core-systems.csv', 5, '行情系統', '10/(3)', true],
      ['drill_over_tolerable', 'drills.csv', 3, '帳務系統', '10/(10)', true],
      ['drill_rpo_exceeded', 'drills.csv', 3, '帳務系統', '10/(4)', true],
      ['drill_failed', 'drills.csv', 4, '客服系統', '10/(4)', true],
      ['drill_not_measured', 'drills.csv', 5, '行情系統', '10/(4)', false],
      ['drill_unknown_system', 'drills.csv', 6, '期貨系統', '10/(4)', false],
      ['no_recent_drill', 'core-systems.csv', 4, '客服系統', '10/(4)', true],
      ['malformed_records', 'core-systems.csv', 6, null, '1/(4)', false],
      ['malformed_records', 'drills.csv', 7, null, '1/(4)', false],
    ]);
    const f = (kind: string) => r.findings.find((x) => x.kind === kind)!;
    expect(f('rto_exceeds_tolerable').detail).toBe(
      '帳務系統: RTO 6 h is longer than the tolerable interruption time 4 h; 10/(10) asks for service back within the tolerable time',
    );
    expect(r.findings[1]!.detail).toContain('客服系統 has no RPO');
    expect(r.findings[2]!.detailZh).toContain('未訂定復原時間目標（RTO）');
    // 行情系統 says nothing about its tier's requirement: assumed required, and said so.
    expect(f('no_offsite_site').detail).toContain('the tier requirement is not given, so it is assumed');
    // 115/10/15 is a 民國 date; 5小時 is 300 minutes, past the 4 h tolerable time.
    expect(f('drill_over_tolerable').detail).toBe(
      '帳務系統 drill 2026-10-15 (資料庫毀損回存): recovery took 5 h, longer than the tolerable interruption time of 4 h',
    );
    expect(f('drill_rpo_exceeded').detail).toContain('45 min of data lost, more than the RPO of 30 min');
    expect(f('no_recent_drill').detail).toContain('last drill 2025-06-01, none in the 365 days before 2026-11-30');
    const bad = r.findings.filter((x) => x.kind === 'malformed_records');
    expect(bad[0]!.detail).toContain('row 6: 清算系統: 可容忍中斷時間 / tolerable_interruption_hours "two hours" is not a duration');
    expect(bad[1]!.detail).toMatch(
      /2 malformed rows not judged: row 7: 電子下單系統: drill date 2026-12-15 is after 2026-11-30; row 8: 帳務系統: drill_date "someday" is not a date/,
    );
    // 電子下單系統: 80 min against an RTO of 1.5 h, 10 min lost against 15: nothing to say.
    expect(r.findings.filter((x) => x.rule === '電子下單系統')).toEqual([]);
  });

  it('takes the core systems from the firm profile itself, with the tier requirement from tier_parameters', async () => {
    const r = await analyzeFiles('continuity', [fx('backups/firm-profile.yaml'), fx('continuity/drills.csv')], TODAY);
    expect(r.scope).toBe(3);
    expect(r.findings.map(row)).toEqual([
      ['no_offsite_site', 'firm-profile.yaml', 22, '客服系統', '10/(3)', true],
      ['drill_over_tolerable', 'drills.csv', 3, '帳務系統', '10/(10)', true],
      ['drill_rpo_exceeded', 'drills.csv', 3, '帳務系統', '10/(4)', true],
      ['drill_failed', 'drills.csv', 4, '客服系統', '10/(4)', true],
      ['drill_unknown_system', 'drills.csv', 5, '行情系統', '10/(4)', false],
      ['drill_unknown_system', 'drills.csv', 6, '期貨系統', '10/(4)', false],
      ['no_recent_drill', 'firm-profile.yaml', 22, '客服系統', '10/(4)', true],
      ['malformed_records', 'drills.csv', 7, null, '1/(4)', false],
    ]);
    expect(r.findings[0]!.detail).not.toContain('assumed');
  });

  it('options: the tier need not require an off-site site; drills may be older', async () => {
    const files = [fx('backups/firm-profile.yaml'), fx('continuity/drills.csv')];
    const r = await analyzeFiles('continuity', files, TODAY, { offsite_required: 'no', drill_max_days: '730' });
    expect(r.findings.map((f) => f.kind)).not.toContain('no_offsite_site');
    expect(r.findings.map((f) => f.kind)).not.toContain('no_recent_drill');
    const none = await analyzeFiles('continuity', [fx('backups/firm-profile.yaml')], TODAY);
    // Without drill records every core system fails 10/(4).
    expect(none.findings.filter((f) => f.kind === 'no_recent_drill').map((f) => f.rule)).toEqual(['電子下單系統', '帳務系統', '客服系統']);
  });

  it('never passes on nothing, and names a file it does not know', async () => {
    const onlyDrills = await analyzeFiles('continuity', [fx('continuity/drills.csv')], TODAY);
    expect(onlyDrills.verdict).toBe('error');
    expect(onlyDrills.findings[0]!.detail).toContain('no core systems');
    const other = await analyzeFiles('continuity', [fx('backups/inventory.csv')], TODAY);
    expect(other.findings[0]).toMatchObject({ kind: 'input_error', file: 'inventory.csv', line: 1 });
  });

  it('recognises the profile, the core-system template and drill records by content', () => {
    const rec = (name: string, head: string) => continuityAnalyzer.recognises!({ name, head });
    expect(rec('firm-profile.yaml', 'firm:\n  name: x\ncore_systems:\n  - name: a\n')).toBe(true);
    expect(rec('core.csv', '系統名稱,可容忍中斷時間,復原時間目標,資料復原點目標\n')).toBe(true);
    expect(rec('drills.csv', '\uFEFF系統名稱 / system,演練日期 / drill_date\n')).toBe(true);
    expect(rec('jobs.csv', '系統名稱 / system,備份排程 / schedule,資料復原點目標 / rpo_minutes\n')).toBe(false);
  });
});

describe('continuity: a profile entry that cannot be read', () => {
  it('is named by its line and left out; the other core systems are judged', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-continuity-'));
    try {
      const yaml = [
        'core_systems:',
        '  - name: 電子下單系統',
        '    tolerable_interruption_hours: 2',
        '    rto_hours: 3',
        '    rpo_minutes: 15',
        '    offsite_site: true',
        '  - name: 帳務系統',
        '    tolerable_interruption_hours: 4',
        '    rto_hours: 4',
        '    rpo_minutes: 十五分鐘',
        '',
      ].join('\n');
      writeFileSync(path.join(dir, 'firm-profile.yaml'), yaml);
      const r = await analyzeFiles('continuity', [path.join(dir, 'firm-profile.yaml')], TODAY, { offsite_required: 'no' });
      expect(r.findings.map(row)).toEqual([
        ['rto_exceeds_tolerable', 'firm-profile.yaml', 2, '電子下單系統', '10/(10)', true],
        ['no_recent_drill', 'firm-profile.yaml', 2, '電子下單系統', '10/(4)', true],
        ['malformed_records', 'firm-profile.yaml', 7, null, '1/(4)', false],
      ]);
      expect(r.findings[2]!.detail).toBe('firm-profile.yaml: 1 malformed line not judged: line 7: 帳務系統: rpo_minutes not a number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
