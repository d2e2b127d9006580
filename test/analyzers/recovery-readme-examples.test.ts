import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';

// The README's examples for backups, continuity and clocks must be read as shown.
const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
const example = (tag: string) => [...readme.matchAll(new RegExp('```\\w+ ' + tag + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const TODAY = '2026-11-27';

describe('the README’s backup, continuity and clock examples', () => {
  it('backups: the two rows are one system meeting its 15-minute RPO with an offline copy; only 3-2-1 is short', async () => {
    const [inventory] = example('backups-example');
    const r = await analyzeFiles('backups', [write('backup-jobs.csv', inventory!)], TODAY);
    expect(r.scope).toBe(1);
    // Meets its RPO and has an offline copy; two copies on two media, so only 3-2-1 is short of a copy.
    expect(r.findings.map((f) => [f.kind, f.line, f.failing])).toEqual([['rule_321_not_met', 2, false]]);
    expect(r.findings[0]!.detail).toContain('2 copies (3 needed)');
  });

  it('continuity: the core system and its drill are read, and the drill meets the targets', async () => {
    const [systems, drills] = example('continuity-example');
    const r = await analyzeFiles('continuity', [write('core-systems.csv', systems!), write('bcp-drills.csv', drills!)], TODAY);
    expect(r).toMatchObject({ verdict: 'pass', scope: 1, findings: [] });
  });

  it('clocks: two hosts from a marker and a prompt, one synchronised, one not', async () => {
    const [text] = example('clocks-example');
    const r = await analyzeFiles('clocks', [write('clocks.txt', text!)], TODAY);
    expect(r.scope).toBe(2);
    expect(r.findings.map((f) => [f.kind, f.rule, f.line])).toEqual([['not_synchronised', 'tp-report-01', 6]]);
  });
});
