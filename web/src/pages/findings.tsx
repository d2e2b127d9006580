import { useState } from 'react';
import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DateText, ErrorNote, InstantText, Loading, listOf, useApi } from '../components/common.js';
import { api, firmPath, seg } from '../lib/api.js';
import { findingUpdate } from '../lib/finding-update.js';
import type { FindingJson } from '../lib/types.js';

const COLUMNS = ['open', 'in_progress', 'remediated', 'verified_closed'] as const;

/** Findings as a board by status, each with its owner, due date and how often it recurred. */
export function FindingsPage() {
  const { t, i18n } = useTranslation();
  const { firm } = useParams({ from: '/app/firms/$firm/findings' });
  const path = `${firmPath(firm)}/findings`;
  const q = useApi<unknown>(path);
  const findings = listOf<FindingJson>(q.data, 'findings');
  const columns = [...COLUMNS, ...new Set(findings.map((f) => f.status).filter((s) => !(COLUMNS as readonly string[]).includes(s)))];
  return (
    <>
      <h1>{t('findings.title')}</h1>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <div className="board">
        {columns.map((c) => {
          const list = findings.filter((f) => f.status === c);
          return (
            <section key={c} aria-labelledby={`col-${c}`} className="column">
              <h2 id={`col-${c}`}>
                {i18n.exists(`findings.${c}`) ? t(`findings.${c}`) : c} <span className="muted">({list.length})</span>
              </h2>
              <ul className="plain">
                {list.map((f) => (
                  <li key={f.id}>
                    <FindingCard path={path} finding={f} />
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </>
  );
}

function FindingCard({ path, finding }: { path: string; finding: FindingJson }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [owner, setOwner] = useState(finding.owner ?? '');
  const [due, setDue] = useState(finding.due_on ?? '');
  const [status, setStatus] = useState(finding.status);
  const [error, setError] = useState<unknown>(null);
  const id = `f-${finding.id}`;
  const save = async () => {
    setError(null);
    try {
      const body = findingUpdate(finding, { owner, due, status });
      if (Object.keys(body).length) await api(`${path}/${seg(finding.id)}`, { method: 'PATCH', body });
      await qc.invalidateQueries({ queryKey: [path] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <article className="card finding" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        <code>{finding.path}</code>
      </h3>
      <p className="muted">
        {finding.severity ? <span className="badge">{finding.severity}</span> : null} {t('findings.opened')} <InstantText value={finding.opened_at} />
        {finding.age_days !== undefined ? ` · ${t('findings.age', { n: finding.age_days })}` : ''}
        {finding.period ? (
          <>
            {' · '}
            <DateText value={finding.period} />
          </>
        ) : null}
      </p>
      {finding.repeat_of ? <p className="recur">↻ {t('findings.repeat', { id: finding.repeat_of.slice(0, 8) })}</p> : null}
      <label htmlFor={`${id}-owner`}>{t('findings.owner')}</label>
      <input id={`${id}-owner`} value={owner} onChange={(e) => setOwner(e.target.value)} />
      <label htmlFor={`${id}-due`}>
        {t('findings.due')} {due ? <DateText value={due} /> : null}
      </label>
      <input id={`${id}-due`} type="date" value={due} onChange={(e) => setDue(e.target.value)} />
      <label htmlFor={`${id}-status`}>{t('findings.status')}</label>
      <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
        {[...new Set([...COLUMNS, finding.status])].map((s) => (
          <option key={s} value={s}>
            {i18n.exists(`findings.${s}`) ? t(`findings.${s}`) : s}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void save()}>
        {t('findings.update')}
      </button>
      <ErrorNote error={error} />
    </article>
  );
}
