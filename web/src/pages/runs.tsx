import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DateText, ErrorNote, Loading, StatusBadge, listOf, useApi } from '../components/common.js';
import { api, firmPath } from '../lib/api.js';
import { taipeiToday } from '../lib/dates.js';
import type { RunSummaryJson } from '../lib/types.js';

/** The firm's inspections, newest first, and a way to start this month's. */
export function RunsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { firm } = useParams({ from: '/app/firms/$firm/runs' });
  const q = useApi<unknown>(`${firmPath(firm)}/runs`);
  const [period, setPeriod] = useState(() => taipeiToday().slice(0, 7));
  const [error, setError] = useState<unknown>(null);
  const runs = listOf<RunSummaryJson>(q.data, 'runs').sort((a, b) => b.period.localeCompare(a.period));
  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api(`${firmPath(firm)}/runs`, { method: 'POST', body: { period } });
      await navigate({ to: '/firms/$firm/runs/$period', params: { firm, period } });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>{t('runs.title')}</h1>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('runs.period')}</th>
            <th scope="col">{t('run.status')}</th>
            <th scope="col">
              <span className="sr-only">{t('runs.open')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id ?? `${r.period}-${r.revision ?? 0}`}>
              <td>
                <DateText value={r.period} />
                {r.revision ? <span className="muted"> {t('runs.revision', { n: r.revision })}</span> : null}
              </td>
              <td>
                <StatusBadge status={r.signed ? 'approved' : 'pending'} /> {r.signed ? t('runs.signed') : t('runs.unsigned')}
              </td>
              <td>
                <Link to="/firms/$firm/runs/$period" params={{ firm, period: r.period }}>
                  {t('runs.open')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={(e) => void start(e)} className="inline">
        <label htmlFor="new-period">{t('runs.period')}</label>
        <input id="new-period" type="month" required value={period} onChange={(e) => setPeriod(e.target.value)} />
        <button type="submit">{t('runs.start')}</button>
      </form>
      <ErrorNote error={error} />
    </>
  );
}
