import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEndOfLifeProduct } from '../../src/analyzers/device-lifecycle/device-lifecycle.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { EXTERNAL } from '../helpers/corpus.js';
import { tempDir } from '../helpers/shared.js';

const EOL = path.join(EXTERNAL, 'eol', 'endoflife.date', 'products');

describe('device-lifecycle on the public endoflife.date product files', () => {
  it('reads every product file, with the cycles and dates it publishes', () => {
    const xe = parseEndOfLifeProduct('cisco-ios-xe.md', readFileSync(path.join(EOL, 'cisco-ios-xe.md'), 'utf8'));
    expect(xe.title).toBe('Cisco IOS XE');
    expect(xe.releases.find((r) => r.cycle === '17.9')).toEqual({ cycle: '17.9', eol: '2026-07-29', eos: '2025-01-29' });
    const fortios = parseEndOfLifeProduct('fortios.md', readFileSync(path.join(EOL, 'fortios.md'), 'utf8'));
    expect(fortios.releases.find((r) => r.cycle === '7.0')).toEqual({ cycle: '7.0', eol: '2025-09-30', eos: '2024-03-30' });
    const panos = parseEndOfLifeProduct('pan-os.md', readFileSync(path.join(EOL, 'pan-os.md'), 'utf8'));
    expect(panos.releases.find((r) => r.cycle === '10.1')).toMatchObject({ cycle: '10.1', eol: '2024-12-01' });
    const node = parseEndOfLifeProduct('nodejs.md', readFileSync(path.join(EOL, 'nodejs.md'), 'utf8'));
    expect(node.releases.some((r) => r.eol === true)).toBe(true); // old cycles say eol: true without a date
  });

  it('judges an inventory against them as against the fixtures', async () => {
    const t = tempDir();
    try {
      const inventory = path.join(t.dir, 'inventory.csv');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        inventory,
        [
          'hostname,vendor,model,os,version,role,internet_facing',
          'core-rtr-01,Cisco,C9500,Cisco IOS XE,17.9.4a,core,no',
          'edge-fw-01,Fortinet,FG-200F,FortiOS,7.0.12,firewall,yes',
          'edge-fw-03,Palo Alto,PA-440,PAN-OS,11.2.4,firewall,yes',
        ].join('\n'),
      );
      const files = [inventory, ...['cisco-ios-xe.md', 'fortios.md', 'pan-os.md'].map((f) => path.join(EOL, f))];
      const report = await analyzeFiles('device-lifecycle', files, '2026-11-27');
      expect(report.findings.map((f) => [f.kind, f.line, f.rule])).toEqual([
        ['eol_without_plan', 2, 'core-rtr-01'],
        ['eol_without_plan', 3, 'edge-fw-01'],
        ['eol_soon', 4, 'edge-fw-03'],
      ]);
    } finally {
      t.cleanup();
    }
  });
});
