import { describe, expect, it } from 'vitest';
import type { ResultStatus } from '../inspection/item-result.js';
import type { AnalyzerFinding, AnalyzerReport } from './analyzer.js';
import { decideItems } from './item-verdicts.js';

const finding = (clause: string, failing = true, alsoBreaks?: string[]): AnalyzerFinding => ({
  kind: 'k',
  severity: 'high',
  file: 'f.csv',
  line: 2,
  rule: null,
  detail: '',
  detailZh: '',
  clause,
  failing,
  blocking: [],
  ...(alsoBreaks ? { alsoBreaks } : {}),
});

const report = (over: Partial<AnalyzerReport>): AnalyzerReport => ({
  analyzer: 'continuity',
  items: ['1/(4)', '10/(3)', '10/(4)', '10/(10)'],
  verdict: 'fail',
  scope: 3,
  findings: [],
  summary: '',
  summaryZh: '',
  ...over,
});

const all = (status: ResultStatus, items: readonly string[] = ['1/(4)', '10/(3)', '10/(4)', '10/(10)']) => new Map(items.map((i) => [i, status]));
const verdicts = (r: AnalyzerReport, run = all('not_run')) => decideItems(r, run).map((d) => [d.item, d.action === 'record' ? d.verdict : `skip:${d.reason}`]);

describe('each item of an analyzer gets its own verdict', () => {
  it('a failing finding fails the item it names, not the analyzer’s other items', () => {
    expect(verdicts(report({ findings: [finding('10/(4)'), finding('10/(3)', false)] }))).toEqual([
      ['1/(4)', 'pass'],
      ['10/(3)', 'pass'],
      ['10/(4)', 'fail'],
      ['10/(10)', 'pass'],
    ]);
  });

  it('a finding on a sub-item fails its parent item; alsoBreaks names further items', () => {
    const r = report({ analyzer: 'signin-factors', items: ['7/(1)/c/(c)', '7/(1)/d', '7/(1)/d/(b)'], findings: [finding('7/(1)/d/(b)')] });
    const run = all('not_run', r.items);
    expect(verdicts(r, run)).toEqual([
      ['7/(1)/c/(c)', 'pass'],
      ['7/(1)/d', 'fail'],
      ['7/(1)/d/(b)', 'fail'],
    ]);
    expect(verdicts({ ...r, findings: [finding('7/(1)/d/(a)', true, ['7/(1)/c/(c)'])] }, run)).toEqual([
      ['7/(1)/c/(c)', 'fail'],
      ['7/(1)/d', 'fail'],
      ['7/(1)/d/(b)', 'pass'],
    ]);
  });

  it('a failing finding that names none of its items fails them all, so it is never lost', () => {
    expect(verdicts(report({ findings: [finding('')] })).map(([, v]) => v)).toEqual(['fail', 'fail', 'fail', 'fail']);
    // …and so does a failing verdict with no failing finding to attribute.
    expect(verdicts(report({ findings: [] })).map(([, v]) => v)).toEqual(['fail', 'fail', 'fail', 'fail']);
  });

  it('error and not_applicable hold for every item', () => {
    expect(verdicts(report({ verdict: 'error', findings: [finding('10/(4)')] })).map(([, v]) => v)).toEqual(['error', 'error', 'error', 'error']);
    expect(verdicts(report({ verdict: 'not_applicable' })).map(([, v]) => v)).toEqual(['not_applicable', 'not_applicable', 'not_applicable', 'not_applicable']);
  });

  it('items that do not apply to the firm, or are not in this run, are never recorded: the frozen applicability decides', () => {
    const run = new Map<string, ResultStatus>([
      ['1/(4)', 'not_applicable'],
      ['10/(4)', 'pass'],
    ]);
    expect(verdicts(report({ verdict: 'pass' }), run)).toEqual([
      ['1/(4)', 'skip:not_applicable'],
      ['10/(3)', 'skip:not_in_run'],
      ['10/(4)', 'pass'],
      ['10/(10)', 'skip:not_in_run'],
    ]);
  });

  it('an item the evidence did not speak to is left as it is, not passed', () => {
    const r = report({ analyzer: 'signin-factors', items: ['7/(1)/d', '12/(6)/a'], verdict: 'pass', unjudged: ['12/(6)/a'] });
    expect(verdicts(r, all('not_run', r.items))).toEqual([
      ['7/(1)/d', 'pass'],
      ['12/(6)/a', 'skip:not_judged'],
    ]);
  });
});
