import { describe, expect, it } from 'vitest';
import { findingRows, initialOptionValue, jobFraction, optionInput, optionsPayload, rememberJob, startedJobs } from './analysis.js';
import type { AnalyzerOptionJson, RunItemJson } from './types.js';

const opt = (name: string, schema: Record<string, unknown>, extra: Partial<AnalyzerOptionJson> = {}): AnalyzerOptionJson => ({
  name,
  description: '',
  required: false,
  default: null,
  schema,
  ...extra,
});

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('analyzer options form', () => {
  it('gives each option the input its schema asks for', () => {
    expect(optionInput(opt('mode', { type: 'string', enum: ['strict', 'lenient'] }))).toEqual({ kind: 'select', values: ['strict', 'lenient'] });
    expect(optionInput(opt('n', { type: 'integer', minimum: 1, maximum: 32 }))).toEqual({ kind: 'number', integer: true, min: 1, max: 32 });
    expect(optionInput(opt('x', { type: 'number' }))).toEqual({ kind: 'number', integer: false });
    expect(optionInput(opt('b', { type: 'boolean' }))).toEqual({ kind: 'boolean' });
    expect(optionInput(opt('s', {}))).toEqual({ kind: 'text' });
    expect(initialOptionValue(opt('n', {}, { default: 16 }))).toBe('16');
    expect(initialOptionValue(opt('n', {}))).toBe('');
  });

  it('sends what was filled in, leaves empty optional ones to their default, and sends an empty required one for the server to name', () => {
    const options = [opt('a', {}), opt('b', {}), opt('c', {}, { required: true })];
    expect(optionsPayload(options, { a: ' 16 ', b: '' })).toEqual({ a: '16', c: '' });
  });
});

describe('jobs', () => {
  it('reports progress as a fraction, unknown without a total, whole when done', () => {
    expect(jobFraction({ state: 'running', progress: { done: 1, total: 4 } })).toBe(0.25);
    expect(jobFraction({ state: 'queued', progress: { done: 0, total: null } })).toBeNull();
    expect(jobFraction({ state: 'done', progress: { done: 0, total: 0 } })).toBe(1);
  });

  it('remembers the jobs started for a run, newest first, per run, and survives a damaged store', () => {
    const s = memory();
    rememberJob(s, 'f', '2026-11', { id: 'j1', analyzer: 'rule-set', started_at: 't1' });
    rememberJob(s, 'f', '2026-11', { id: 'j2', analyzer: 'rule-set', started_at: 't2' });
    rememberJob(s, 'f', '2026-10', { id: 'j3', analyzer: 'rule-set', started_at: 't3' });
    expect(startedJobs(s, 'f', '2026-11').map((j) => j.id)).toEqual(['j2', 'j1']);
    expect(rememberJob(s, 'f', '2026-11', { id: 'j4', analyzer: 'x', started_at: 't4' }, 2).map((j) => j.id)).toEqual(['j4', 'j2']);
    s.m.set('ccheck.jobs.f.2026-11', '{not json');
    expect(startedJobs(s, 'f', '2026-11')).toEqual([]);
  });
});

describe('finding rows', () => {
  it('lists the analyzer’s findings on the items the job recorded, with file, line and rule', () => {
    const items: RunItemJson[] = [
      {
        path: '7/(1)/b/(h)',
        applies: true,
        analyzer: {
          findings: [
            {
              analyzer: 'rule-set',
              severity: 'high',
              failing: true,
              file: 'fw.cfg',
              detail: 'any-any',
              detail_zh: '全開',
              ...{ line: 12, rule: 'permit-all' },
            },
            { analyzer: 'other', severity: 'low', file: 'x' },
          ],
        },
      },
      { path: '7/(1)/c', applies: true, analyzer: { findings: [{ analyzer: 'rule-set', file: 'y' }] } },
    ];
    const older = { analyzer: 'rule-set', severity: 'low', file: 'jump-host.iptables' };
    items[0]!.analyzer!.findings!.push(older);
    expect(findingRows(items, ['7/(1)/b/(h)'], 'rule-set', ['fw.cfg']).map((r) => r.file)).toEqual(['fw.cfg']);
    expect(findingRows(items, ['7/(1)/b/(h)'], 'rule-set').map((r) => r.file)).toEqual(['fw.cfg', 'jump-host.iptables']);
    items[0]!.analyzer!.findings!.pop();
    // The same finding from a later run on the same file is one row.
    items[0]!.analyzer!.findings!.push({ ...items[0]!.analyzer!.findings![0]! });
    expect(findingRows(items, ['7/(1)/b/(h)'], 'rule-set')).toHaveLength(1);
    items[0]!.analyzer!.findings!.pop();
    expect(findingRows(items, ['7/(1)/b/(h)'], 'rule-set')).toEqual([
      { item: '7/(1)/b/(h)', severity: 'high', failing: true, file: 'fw.cfg', line: 12, rule: 'permit-all', detail: 'any-any', detail_zh: '全開' },
    ]);
  });
});
