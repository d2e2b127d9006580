import { describe, expect, it } from 'vitest';
import { ageBuckets, complianceRate, stackedSeries, trendSeries } from './charts.js';

describe('dashboard numbers for the charts', () => {
  it('computes compliance as compliant ÷ (total − excluded): an undetermined item counts against it', () => {
    expect(complianceRate({ compliant: 3, non_compliant: 1, undetermined: 2, excluded: 4 })).toBe(50);
    expect(complianceRate({ compliant: 3, total: 10, excluded: 4 })).toBe(50);
    expect(complianceRate({ excluded: 4 })).toBeNull();
  });
  it("takes the server's rate (a fraction) when it sends one", () => {
    expect(complianceRate({ compliant: 1, total: 2, rate: 0.952 })).toBe(95.2);
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
  it('orders the trend by period and breaks the line where nothing applies', () => {
    const t = trendSeries([
      { period: '2026-11', compliant: 9, non_compliant: 1 },
      { period: '2026-09', excluded: 3 },
      { period: '2026-10', compliant: 1, undetermined: 1 },
    ]);
    expect(t.periods).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(t.rates).toEqual([null, 50, 90]);
  });
  it('keeps the age buckets in the server order and totals them', () => {
    expect(
      ageBuckets([
        { bucket: '0-30', count: 2 },
        { bucket: '181+', count: 1 },
      ]),
    ).toEqual({ labels: ['0-30', '181+'], counts: [2, 1], total: 3 });
  });
});
