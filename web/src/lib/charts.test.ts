import { describe, expect, it } from 'vitest';
import { ageBuckets, complianceRate, stackedSeries, trendSeries } from './charts.js';

describe('dashboard numbers for the charts', () => {
  it('computes the compliance rate over decided items only (open and not applicable left out)', () => {
    expect(complianceRate({ compliant: 3, partial: 1, non_compliant: 0, open: 10, not_applicable: 5 })).toBe(75);
    expect(complianceRate({ open: 4 })).toBeNull();
  });
  it('stacks one series per status that occurs, categories in natural order (point 2 before point 10)', () => {
    const s = stackedSeries(
      [
        { point: '10', compliant: 1 },
        { point: '2', compliant: 2, non_compliant: 1 },
      ],
      (r) => r.point,
      (st) => `label:${st}`,
    );
    expect(s.categories).toEqual(['2', '10']);
    expect(s.series.map((x) => x.name)).toEqual(['label:compliant', 'label:non_compliant']);
    expect(s.series[0]!.data).toEqual([2, 1]);
    expect(s.series[1]!.data).toEqual([1, 0]);
  });
  it('orders the trend by period and breaks the line where nothing was decided', () => {
    const t = trendSeries([
      { period: '2026-11', compliant: 9, non_compliant: 1 },
      { period: '2026-09', open: 3 },
      { period: '2026-10', compliant: 1, partial: 1 },
    ]);
    expect(t.periods).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(t.rates).toEqual([null, 50, 90]);
  });
  it('keeps the age buckets in the server order and totals them', () => {
    expect(
      ageBuckets([
        { bucket: '0–30', count: 2 },
        { bucket: '>90', count: 1 },
      ]),
    ).toEqual({ labels: ['0–30', '>90'], counts: [2, 1], total: 3 });
  });
});
