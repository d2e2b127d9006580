import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CoreError } from '../errors.js';
import { defineAnalyzer, describeOptions, option, parseAnalyzerOptions, runAnalyzer, type AnalyzerContext } from './analyzer.js';

const seen: AnalyzerContext[] = [];
const probe = defineAnalyzer({
  id: 'probe',
  title: 'probe',
  titleZh: '測試',
  items: ['7/(1)/b/(h)'],
  inputs: [],
  options: z.strictObject({
    min_prefix_v4: option.integer(0, 32).default(16).describe('narrowest prefix'),
    reviewed_on: option.date().optional(),
    mode: option.oneOf(['strict', 'lenient']).optional(),
  }),
  analyze(ctx) {
    seen.push(ctx);
    return Promise.resolve({ verdict: 'pass', scope: 1, findings: [], summary: `${ctx.options.min_prefix_v4}`, summaryZh: '' });
  },
});

const errorOf = (f: () => unknown): CoreError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('expected a CoreError');
};

describe('analyzer options are typed and checked before the analyzer runs', () => {
  it('turns text into typed values and fills defaults', () => {
    expect(parseAnalyzerOptions(probe, { min_prefix_v4: '20', reviewed_on: '115年6月1日' })).toEqual({ min_prefix_v4: 20, reviewed_on: '2026-06-01' });
    expect(parseAnalyzerOptions(probe, { min_prefix_v4: 24 })).toEqual({ min_prefix_v4: 24 });
    expect(parseAnalyzerOptions(probe, {})).toEqual({ min_prefix_v4: 16 });
  });

  it.each([
    [{ min_prefix_v4: '16x' }, 'min_prefix_v4'],
    [{ min_prefix_v4: '' }, 'min_prefix_v4'],
    [{ min_prefix_v4: '33' }, 'min_prefix_v4'],
    [{ min_prefix_v4: '1.5' }, 'min_prefix_v4'],
    [{ reviewed_on: 'last year' }, 'reviewed_on'],
    [{ mode: 'loose' }, 'mode'],
    [{ min_prefx_v4: '16' }, 'min_prefx_v4'],
  ])('refuses %o with ANALYZER_OPTION_INVALID naming %s', (raw, field) => {
    const e = errorOf(() => parseAnalyzerOptions(probe, raw));
    expect(e.code).toBe('ANALYZER_OPTION_INVALID');
    expect(e.location?.field).toBe(field);
    expect(e.problems[0]?.zh).toContain(field);
    expect(e.message).toContain(field);
  });

  it('a bad option is an error of the command, never a quieter verdict: the analyzer does not run', async () => {
    seen.length = 0;
    await expect(runAnalyzer(probe, { files: [], today: '2026-11-30', options: { min_prefix_v4: '16x' } })).rejects.toMatchObject({
      code: 'ANALYZER_OPTION_INVALID',
    });
    expect(seen).toHaveLength(0);
    const report = await runAnalyzer(probe, { files: [], today: '2026-11-30', options: { min_prefix_v4: '8' } });
    expect(report.summary).toBe('8');
    expect(seen[0]?.options).toEqual({ min_prefix_v4: 8 });
  });

  it('describes each option with its default and whether it is required', () => {
    const d = describeOptions(probe);
    expect(d.map((o) => [o.name, o.required, o.default])).toEqual([
      ['min_prefix_v4', false, 16],
      ['reviewed_on', false, null],
      ['mode', false, null],
    ]);
    expect(d[0]?.description).toBe('narrowest prefix');
    expect(d[2]?.schema).toMatchObject({ enum: ['strict', 'lenient'] });
  });
});
