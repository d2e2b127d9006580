import { describe, expect, it } from 'vitest';
import { runAnalyzer, type EvidenceInput } from '../../core/analysis/analyzer.js';
import { templateAnalyzer } from './template.analyzer.js';

const table = (name: string, [headers = [], ...rows]: string[][]): EvidenceInput => ({
  name,
  lines: () => {
    throw new Error('not used');
  },
  text: () => Promise.reject(new Error('not used')),
  table: () => Promise.resolve({ fileName: name, headers, rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })) }),
});

describe('the template analyzer (how to write one) still works as its comments say', () => {
  it('names the row of each record marked non-compliant and fails on it', async () => {
    const r = await runAnalyzer(templateAnalyzer, {
      files: [
        table('records.csv', [
          ['名稱', 'compliant'],
          ['a', 'yes'],
          ['b', 'no'],
        ]),
      ],
      today: '2026-11-30',
    });
    expect(r.verdict).toBe('fail');
    expect(r.findings.map((f) => [f.kind, f.file, f.line, f.rule])).toEqual([['non_compliant', 'records.csv', 3, 'b']]);
  });

  it('uses its typed option: fewer records than min_rows fails', async () => {
    const files = [
      table('records.csv', [
        ['name', 'compliant'],
        ['a', 'yes'],
      ]),
    ];
    expect((await runAnalyzer(templateAnalyzer, { files, today: '2026-11-30' })).verdict).toBe('pass');
    const r = await runAnalyzer(templateAnalyzer, { files, today: '2026-11-30', options: { min_rows: '2' } });
    expect(r.findings.map((f) => f.kind)).toEqual(['too_few_records']);
  });
});
