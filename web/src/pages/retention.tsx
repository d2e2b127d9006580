import { useState, type FormEvent } from 'react';
import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, InstantText, Loading, useApi } from '../components/common.js';
import { api, firmPath } from '../lib/api.js';
import { RETENTION_MAX, RETENTION_MIN, checkRetention } from '../lib/retention.js';
import type { FirmDetailJson } from '../lib/types.js';

/**
 * How many years the firm keeps its signed inspections and packages (administrator, firm.edit).
 * Unset, nothing signed may ever be deleted. The server checks the number again and audits the change.
 */
export function RetentionPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { firm } = useParams({ from: '/app/firms/$firm/retention' });
  const path = firmPath(firm);
  const q = useApi<FirmDetailJson>(path);
  const [years, setYears] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ years: number; set_by: string; set_at: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    const c = checkRetention(years);
    if (!c.ok) {
      setProblem(t(`retention.problem.${c.problem}`, { min: RETENTION_MIN, max: RETENTION_MAX }));
      return;
    }
    setProblem(null);
    try {
      setSaved(await api(`${path}/retention`, { method: 'PUT', body: { years: c.years } }));
      setYears('');
      await qc.invalidateQueries({ queryKey: [path] });
    } catch (err) {
      setError(err);
    }
  };
  if (q.isPending) return <Loading />;
  const current = q.data?.firm.retention_years ?? null;
  return (
    <>
      <h1>
        {t('retention.title')} — {q.data?.firm.name}
      </h1>
      <ErrorNote error={q.error} />
      <p>{t('retention.intro')}</p>
      <p className="retention-current">{current === null ? t('retention.unset') : t('retention.current', { n: current })}</p>
      <form onSubmit={(e) => void submit(e)} className="stack narrow-form" noValidate>
        <label htmlFor="retention-years">{t('retention.years', { min: RETENTION_MIN, max: RETENTION_MAX })}</label>
        <input
          id="retention-years"
          name="years"
          type="number"
          inputMode="numeric"
          min={RETENTION_MIN}
          max={RETENTION_MAX}
          step={1}
          required
          value={years}
          onChange={(e) => setYears(e.target.value)}
          {...(problem ? { 'aria-invalid': true, 'aria-describedby': 'retention-problem' } : {})}
        />
        {problem ? (
          <span id="retention-problem" className="field-error" role="alert">
            {problem}
          </span>
        ) : null}
        <ErrorNote error={error} />
        <button type="submit">{t('app.save')}</button>
      </form>
      <p role="status" className="notice">
        {saved ? (
          <>
            {t('retention.saved', { n: saved.years, by: saved.set_by })} <InstantText value={saved.set_at} />
          </>
        ) : null}
      </p>
    </>
  );
}
