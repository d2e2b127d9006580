import { useMemo } from 'react';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Chart } from '../components/chart.js';
import { DateText, ErrorNote, Loading, useApi } from '../components/common.js';
import { ageBuckets, stackedSeries, trendSeries, type ChartStatus } from '../lib/charts.js';
import { formatDate } from '../lib/dates.js';
import type { DashboardJson } from '../lib/types.js';
import { firmPath } from '../lib/api.js';
import { usePrefs } from '../prefs.js';

/** Compliance by point and CC code, the trend, overdue items, open findings by age, the last catalog change. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { calendar } = usePrefs();
  const { firm } = useParams({ from: '/app/firms/$firm/dashboard' });
  const q = useApi<DashboardJson>(`${firmPath(firm)}/dashboard`);
  const d = q.data;
  const charts = useMemo(() => {
    if (!d) return null;
    const label = (s: ChartStatus) => t(`status.${s}`);
    const byPoint = stackedSeries(d.by_point ?? [], (r) => r.point, label);
    const byCc = stackedSeries(d.by_code ?? [], (r) => r.code, label);
    const trend = trendSeries(d.trend ?? []);
    const age = ageBuckets(d.findings_by_age ?? []);
    const bar = (s: ReturnType<typeof stackedSeries>) => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: s.categories },
      yAxis: { type: 'value', minInterval: 1 },
      series: s.series,
    });
    return {
      byPoint: { option: bar(byPoint), n: byPoint.categories.length },
      byCc: { option: bar(byCc), n: byCc.categories.length },
      trend: {
        option: {
          tooltip: { trigger: 'axis' },
          grid: { left: 40, right: 16, top: 20, bottom: 30 },
          xAxis: { type: 'category', data: trend.periods.map((p) => formatDate(p, calendar)) },
          yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
          series: [{ type: 'line', data: trend.rates, connectNulls: false, symbolSize: 8, itemStyle: { color: '#0B5CAD' } }],
        },
        summary: trend.periods.map((p, i) => `${formatDate(p, calendar)} ${trend.rates[i] ?? '–'}%`).join('、'),
      },
      age: {
        option: {
          tooltip: {},
          grid: { left: 40, right: 16, top: 20, bottom: 30 },
          xAxis: { type: 'category', data: age.labels },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ type: 'bar', data: age.counts, itemStyle: { color: '#D55E00' } }],
        },
        summary: age.labels.map((l, i) => `${l}: ${age.counts[i]}`).join('、'),
      },
    };
  }, [d, calendar, t]);

  return (
    <>
      <h1>
        {t('dash.title')} {d?.latest_period ? <DateText value={d.latest_period} /> : null}
      </h1>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      {d && charts ? (
        <div className="grid">
          <section aria-labelledby="h-point" className="card wide">
            <h2 id="h-point">{t('dash.byPoint')}</h2>
            {charts.byPoint.n ? <Chart option={charts.byPoint.option} description={t('dash.byPoint')} /> : <p>{t('dash.noData')}</p>}
          </section>
          <section aria-labelledby="h-cc" className="card wide">
            <h2 id="h-cc">{t('dash.byCc')}</h2>
            {charts.byCc.n ? <Chart option={charts.byCc.option} description={t('dash.byCc')} /> : <p>{t('dash.noData')}</p>}
          </section>
          <section aria-labelledby="h-trend" className="card">
            <h2 id="h-trend">{t('dash.trend')}</h2>
            <Chart option={charts.trend.option} description={t('dash.chartDesc', { title: t('dash.trend'), summary: charts.trend.summary })} />
          </section>
          <section aria-labelledby="h-age" className="card">
            <h2 id="h-age">{t('dash.findingsAge')}</h2>
            <Chart option={charts.age.option} description={t('dash.chartDesc', { title: t('dash.findingsAge'), summary: charts.age.summary })} />
          </section>
          <section aria-labelledby="h-overdue" className="card">
            <h2 id="h-overdue">{t('dash.overdue')}</h2>
            {d.overdue?.length ? (
              <ul className="plain">
                {d.overdue.map((o) => (
                  <li key={`${o.path}-${o.period ?? ''}`}>
                    <code>{o.path}</code> <DateText value={o.period} /> — <DateText value={o.due} />
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('app.none')}</p>
            )}
          </section>
          <section aria-labelledby="h-changes" className="card">
            <h2 id="h-changes">{t('dash.changes')}</h2>
            {d.catalog_change ? (
              <>
                <dl className="counts">
                  {(['added', 'modified', 'renumbered', 'removed'] as const).map((k) => (
                    <div key={k}>
                      <dt>{t(`dash.${k}`)}</dt>
                      <dd>{d.catalog_change?.[k] ?? 0}</dd>
                    </div>
                  ))}
                </dl>
                <p className="muted">
                  {d.catalog_change.from} → {d.catalog_change.to}
                </p>
                <Link to="/catalog">{t('catalog.diff')}</Link>
              </>
            ) : (
              <p>{t('app.none')}</p>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}
