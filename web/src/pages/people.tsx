import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, listOf, useApi } from '../components/common.js';
import { api, seg } from '../lib/api.js';
import type { AccountJson, FirmJson, GrantJson, Role } from '../lib/types.js';

const ROLES: Role[] = ['admin', 'officer', 'supervisor', 'ciso', 'auditor', 'examiner'];

/** People, their roles per firm, and the administrator's actions (each needs a fresh second factor on the server). */
export function PeoplePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useApi<unknown>('/api/people');
  const firms = listOf<FirmJson>(useApi<unknown>('/api/firms').data, 'firms');
  const people = listOf<AccountJson>(q.data, 'people');
  const [form, setForm] = useState({ username: '', display_name: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await qc.invalidateQueries({ queryKey: ['/api/people'] });
    } catch (e) {
      setError(e);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('/api/people', { method: 'POST', body: form });
      setForm({ username: '', display_name: '', password: '' });
    });
  };
  return (
    <>
      <h1>{t('people.title')}</h1>
      <ErrorNote error={q.error ?? error} />
      {q.isPending ? <Loading /> : null}
      {people.map((p) => (
        <Person key={p.id} person={p} firms={firms} act={act} />
      ))}
      <section aria-labelledby="h-add" className="card">
        <h2 id="h-add">{t('people.add')}</h2>
        <form onSubmit={add} className="stack">
          <label htmlFor="p-username">{t('people.username')}</label>
          <input id="p-username" autoComplete="off" required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
          <label htmlFor="p-display">{t('people.displayName')}</label>
          <input id="p-display" required value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
          <label htmlFor="p-password">{t('people.password')}</label>
          <input
            id="p-password"
            type="password"
            autoComplete="new-password"
            required
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
          <button type="submit">{t('people.add')}</button>
        </form>
      </section>
    </>
  );
}

function Person({ person, firms, act }: { person: AccountJson; firms: FirmJson[]; act: (w: () => Promise<unknown>) => Promise<void> }) {
  const { t } = useTranslation();
  const [grants, setGrants] = useState<GrantJson[]>(person.grants);
  const id = `person-${person.id}`;
  const base = `/api/people/${seg(person.id)}`;
  const setGrant = (i: number, g: GrantJson) => setGrants(grants.map((x, j) => (j === i ? g : x)));
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>
        {person.display_name} <span className="muted">({person.username})</span>
        {person.disabled ? <span className="badge"> {t('people.disabled')}</span> : null}
        {person.locked ? <span className="badge"> {t('people.locked')}</span> : null}
      </h2>
      <table>
        <caption className="sr-only">{t('people.grants')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.role')}</th>
            <th scope="col">{t('app.firm')}</th>
            <th scope="col">
              <span className="sr-only">{t('people.remove')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((g, i) => (
            <tr key={i}>
              <td>
                <select aria-label={t('people.role')} value={g.role} onChange={(e) => setGrant(i, { ...g, role: e.target.value as Role })}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`role.${r}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select aria-label={t('app.firm')} value={g.firm_id ?? ''} onChange={(e) => setGrant(i, { ...g, firm_id: e.target.value || null })}>
                  <option value="">{t('people.allFirms')}</option>
                  {firms.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" className="secondary" onClick={() => setGrants(grants.filter((_, j) => j !== i))}>
                  {t('people.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setGrants([...grants, { role: 'auditor', firm_id: firms[0]?.id ?? null }])}>
          {t('people.addGrant')}
        </button>
        <button type="button" onClick={() => void act(() => api(`${base}/grants`, { method: 'PUT', body: { grants } }))}>
          {t('people.saveGrants')}
        </button>
        <button type="button" className="secondary" onClick={() => void act(() => api(base, { method: 'PATCH', body: { disabled: !person.disabled } }))}>
          {person.disabled ? t('people.enable') : t('people.disable')}
        </button>
        <button type="button" className="secondary" onClick={() => void act(() => api(`${base}/unlock`, { method: 'POST', body: {} }))}>
          {t('people.unlock')}
        </button>
        <button type="button" className="secondary" onClick={() => void act(() => api(`${base}/reset-factors`, { method: 'POST', body: {} }))}>
          {t('people.resetFactors')}
        </button>
      </div>
    </section>
  );
}
