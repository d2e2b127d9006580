/**
 * Dashboard numbers shaped for ECharts: pure functions, so the grouping is tested without a canvas.
 * Statuses are told apart by colour AND by pattern (ECharts decals) and the chart carries an
 * ARIA description, so no meaning rests on colour alone.
 */
export const STATUSES = ['compliant', 'non_compliant', 'undetermined', 'excluded'] as const;
export type ChartStatus = (typeof STATUSES)[number];
type Counts = Partial<Record<ChartStatus, number>>;

/** Colour-blind-safe (Okabe–Ito) colours; the decal pattern repeats the distinction. */
export const STATUS_COLOURS: Record<ChartStatus, string> = {
  compliant: '#009E73',
  non_compliant: '#D55E00',
  undetermined: '#E69F00',
  excluded: '#999999',
};

/**
 * Compliance in percent as the server defines it: compliant ÷ (all − excluded), so an item not yet
 * determined counts against the rate; null when nothing applies. The server's own `rate` wins.
 */
export function complianceRate(c: Counts & { total?: number; rate?: number | null }): number | null {
  if (typeof c.rate === 'number') return Math.round(c.rate * 1000) / 10;
  const total = c.total ?? (c.compliant ?? 0) + (c.non_compliant ?? 0) + (c.undetermined ?? 0) + (c.excluded ?? 0);
  const applicable = total - (c.excluded ?? 0);
  return applicable <= 0 ? null : Math.round(((c.compliant ?? 0) / applicable) * 1000) / 10;
}

/** Rows keyed by a label → one stacked-bar series per status, categories in natural order (point 2 before 10). */
export function stackedSeries<T extends Counts>(rows: readonly T[], key: (row: T) => string, label: (s: ChartStatus) => string) {
  const sorted = [...rows].sort((a, b) => key(a).localeCompare(key(b), 'en', { numeric: true }));
  return {
    categories: sorted.map(key),
    series: STATUSES.filter((s) => sorted.some((r) => (r[s] ?? 0) > 0)).map((s) => ({
      name: label(s),
      type: 'bar' as const,
      stack: 'total',
      itemStyle: { color: STATUS_COLOURS[s] },
      data: sorted.map((r) => r[s] ?? 0),
    })),
  };
}

/** Compliance rate across periods, oldest first, gaps (nothing applicable) kept as null so the line breaks. */
export function trendSeries(rows: readonly (Counts & { period: string; total?: number; rate?: number | null })[]) {
  const sorted = [...rows].sort((a, b) => a.period.localeCompare(b.period));
  return { periods: sorted.map((r) => r.period), rates: sorted.map((r) => complianceRate(r)) };
}

/** Age buckets of open findings in the server's order, with a total for the chart's description. */
export function ageBuckets(rows: readonly { bucket: string; count: number }[]) {
  return { labels: rows.map((r) => r.bucket), counts: rows.map((r) => r.count), total: rows.reduce((n, r) => n + r.count, 0) };
}
