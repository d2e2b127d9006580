import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, useApi } from '../components/common.js';
import { ApiError, api, firmPath, type Problem } from '../lib/api.js';
import type { FirmDetailJson } from '../lib/types.js';

/** The firm profile as JSON, checked by the server with the CLI's rules; each problem named by its field. */
export function ProfilePage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { firm } = useParams({ from: '/app/firms/$firm/profile' });
  const path = firmPath(firm);
  const q = useApi<FirmDetailJson>(path);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data?.profile) setText(JSON.stringify(q.data.profile, null, 2));
  }, [q.data]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems([]);
    setSaved(false);
    try {
      const profile = JSON.parse(text) as unknown;
      await api(`${path}/profile`, { method: 'PUT', body: { profile } });
      setSaved(true);
      await qc.invalidateQueries({ queryKey: [path] });
    } catch (err) {
      if (err instanceof SyntaxError) setError(new ApiError(400, 'REQUEST_INVALID', err.message));
      else {
        setError(err);
        if (err instanceof ApiError && err.problems) setProblems(err.problems);
      }
    }
  };
  if (q.isPending) return <Loading />;
  return (
    <>
      <h1>
        {t('profile.title')} — {q.data?.firm.name}
      </h1>
      <ErrorNote error={q.error} />
      <p>{t('profile.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="profile-json">{t('profile.title')} (JSON)</label>
        <textarea
          id="profile-json"
          className="code"
          rows={24}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-describedby="profile-problems"
        />
        <div id="profile-problems">
          <ErrorNote error={error} />
          {problems.length ? (
            <table>
              <caption>{t('profile.problems', { n: problems.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('profile.field')}</th>
                  <th scope="col">{t('err.label')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i}>
                    <th scope="row">
                      <code>{p.field ?? p.path ?? ''}</code>
                    </th>
                    <td>
                      {p.code ? <code>{p.code}</code> : null} {(i18n.language === 'en' ? p.en : p.zh) ?? p.message ?? p.en}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
        <p role="status">{saved ? t('profile.saved') : ''}</p>
        <button type="submit">{t('app.save')}</button>
      </form>
    </>
  );
}
