import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEndOfLifeProduct } from '../../src/analyzers/device-lifecycle/device-lifecycle.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { FIXTURES, tempDir } from '../helpers/shared.js';

// endoflife.date product files written for the tests (test/fixtures/eol/README.md); the public
// files themselves are read by the corpus tier (test/corpus/device-lifecycle-endoflife.test.ts).
const EOL = path.join(FIXTURES, 'eol');
const TODAY = '2026-11-27';
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const INVENTORY = [
  '主機名稱 / hostname,廠牌 / vendor,型號 / model,作業系統 / os,版本 / version,角色 / role,對外 / internet_facing,EOS日期 / eos_date,EOL日期 / eol_date,汰換計畫編號 / retirement_plan_id,預定汰換日 / retirement_date',
  'core-rtr-01,Cisco,C9500,Cisco IOS XE,17.9.4a,core,no,,,,', // row 2: 17.9 EOL 2026-07-29 (endoflife.date), no plan
  'edge-fw-01,Fortinet,FG-200F,FortiOS,7.0.12,firewall,yes,,,,', // row 3: 7.0 EOL 2025-09-30, internet-facing
  'edge-fw-02,Palo Alto,PA-3220,PAN-OS,10.1.14,firewall,yes,,,P-2025-07,2027-03-31', // row 4: 10.1 EOL 2024-12-01, dated plan
  'dmz-sw-01,Cisco,WS-C2960X,,,switch,no,2022-10-31,2024-10-31,P-2024-01,2026-06-30', // row 5: plan overdue
  'edge-fw-03,Palo Alto,PA-440,PAN-OS,11.2.4,firewall,yes,,,,', // row 6: 11.2 ends 2027-05-02, within the 180-day horizon
  'branch-rtr-09,Acme,R-100,AcmeOS,3.1,branch,no,,,,', // row 7: no lifecycle data anywhere
  'lab-sw-02,Cisco,WS-C3650,,,lab,no,,,,', // row 8: from the vendor table: past EOS 2025-10-31
].join('\n');
const VENDORS = ['廠牌,型號,EOS日期,EOL日期', 'Cisco,WS-C3650,2025-10-31,2027-03-31'].join('\n');

describe('device-lifecycle analyzer (7/(1)/a/(j))', () => {
  it('reads endoflife.date product files', async () => {
    const { readFileSync } = await import('node:fs');
    const p = parseEndOfLifeProduct('cisco-ios-xe.md', readFileSync(path.join(EOL, 'cisco-ios-xe.md'), 'utf8'));
    expect(p.title).toBe('Cisco IOS XE');
    expect(p.releases.find((r) => r.cycle === '17.9')).toEqual({ cycle: '17.9', eol: '2026-07-29', eos: '2025-01-29' });
    expect(p.releases.find((r) => r.cycle === '16.12')).toEqual({ cycle: '16.12', eol: true, eos: '2023-01-31' }); // eol: true, no date
    const panos = parseEndOfLifeProduct('pan-os.md', readFileSync(path.join(EOL, 'pan-os.md'), 'utf8'));
    expect(panos.releases.find((r) => r.cycle === '10.1')).toEqual({ cycle: '10.1', eol: '2024-12-01', eos: null }); // no eoas column
    expect(() => parseEndOfLifeProduct('x.md', 'no front matter')).toThrow(/no YAML front matter/);
  });

  it('names every device past EOS/EOL without a valid plan, row by row', async () => {
    writeFileSync(path.join(tmp.dir, 'inventory.csv'), INVENTORY);
    writeFileSync(path.join(tmp.dir, 'vendors.csv'), VENDORS);
    const files = [
      path.join(tmp.dir, 'inventory.csv'),
      path.join(tmp.dir, 'vendors.csv'),
      ...['cisco-ios-xe.md', 'fortios.md', 'pan-os.md'].map((f) => path.join(EOL, f)),
    ];
    const report = await analyzeFiles('device-lifecycle', files, TODAY);
    expect(report).toMatchObject({ analyzer: 'device-lifecycle', items: ['7/(1)/a/(j)'], verdict: 'fail', scope: 7 });
    expect(report.findings.map((f) => [f.kind, f.line, f.rule, f.severity, f.failing])).toEqual([
      ['eol_without_plan', 2, 'core-rtr-01', 'medium', true],
      ['eol_without_plan', 3, 'edge-fw-01', 'high', true],
      ['plan_overdue', 5, 'dmz-sw-01', 'high', true],
      ['eol_soon', 6, 'edge-fw-03', 'low', false],
      ['lifecycle_unknown', 7, 'branch-rtr-09', 'medium', false],
      ['eos_without_plan', 8, 'lab-sw-02', 'medium', true],
    ]);
    expect(report.findings[0]!.detail).toContain('Cisco IOS XE 17.9 (endoflife.date)');
    expect(report.findings[1]!.detailZh).toContain('違反 7/(1)/a/(j)');
    expect(report.findings[5]!.detail).toContain('past EOS 2025-10-31 (vendor table vendors.csv row 2)');
    expect(report.findings.find((f) => f.rule === 'edge-fw-02')).toBeUndefined(); // past EOL, but with a dated plan
  });

  it('judges on the day it is given, not the wall clock', async () => {
    writeFileSync(path.join(tmp.dir, 'inventory.csv'), INVENTORY.split('\n').slice(0, 2).join('\n'));
    const files = [path.join(tmp.dir, 'inventory.csv'), path.join(EOL, 'cisco-ios-xe.md')];
    expect((await analyzeFiles('device-lifecycle', files, '2024-01-01')).verdict).toBe('pass');
    expect((await analyzeFiles('device-lifecycle', files, '2024-10-01')).findings.map((f) => f.kind)).toEqual(['eol_soon']); // EOS 2025-01-29
    expect((await analyzeFiles('device-lifecycle', files, '2026-03-01')).findings.map((f) => f.kind)).toEqual(['eos_without_plan']);
    expect((await analyzeFiles('device-lifecycle', files, '2026-07-29')).verdict).toBe('fail');
  });

  it('never passes on nothing, and reports bad input as an error with its place', async () => {
    writeFileSync(path.join(tmp.dir, 'empty.csv'), INVENTORY.split('\n')[0]!);
    expect((await analyzeFiles('device-lifecycle', [path.join(tmp.dir, 'empty.csv')], TODAY)).verdict).toBe('error');
    writeFileSync(path.join(tmp.dir, 'bad.csv'), 'hostname,eol_date\nfw1,someday\n');
    const bad = await analyzeFiles('device-lifecycle', [path.join(tmp.dir, 'bad.csv')], TODAY);
    expect(bad.verdict).toBe('error');
    expect(bad.findings[0]).toMatchObject({ kind: 'input_error', line: 2, rule: 'EOL日期 / eol_date' });
    writeFileSync(path.join(tmp.dir, 'nohost.csv'), 'model,eol_date\nASA5506,2020-01-01\n');
    expect((await analyzeFiles('device-lifecycle', [path.join(tmp.dir, 'nohost.csv')], TODAY)).findings[0]!.detail).toContain('no device inventory');
  });
});
