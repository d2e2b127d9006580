import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, useApi } from '../components/common.js';
import { ApiError, api, firmPath, type Problem } from '../lib/api.js';
import { CHANNELS, SERVICES, emptySystem, fieldId, fromDraft, sortProblems, toDraft, type CoreSystemDraft, type ProfileDraft } from '../lib/profile-form.js';
import type { FirmDetailJson } from '../lib/types.js';

/** A problem in the reader's language, with its code. */
function ProblemText({ p }: { p: Problem }) {
  const { i18n } = useTranslation();
  return (
    <>
      {p.code ? <code>{p.code}</code> : null} {(i18n.language === 'en' ? p.en : p.zh) ?? p.message ?? p.en}
    </>
  );
}

/**
 * The firm profile as a form (fields of data/schemas/firm-profile.schema.json), checked by the
 * server with the CLI's rules; each problem shows beside the field it names (aria-describedby and
 * aria-invalid), and a "view as JSON" keeps the whole file's shape for experts.
 */
export function ProfilePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { firm } = useParams({ from: '/app/firms/$firm/profile' });
  const path = firmPath(firm);
  const q = useApi<FirmDetailJson>(path);
  const [draft, setDraft] = useState<ProfileDraft | null>(null);
  const [asJson, setAsJson] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data?.profile) setDraft(toDraft(q.data.profile));
  }, [q.data]);

  const set = (patch: Partial<ProfileDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const setSystem = (i: number, patch: Partial<CoreSystemDraft>) =>
    setDraft((d) => (d ? { ...d, core_systems: d.core_systems.map((s, j) => (j === i ? { ...s, ...patch } : s)) } : d));
  const toggleJson = () => {
    setError(null);
    if (!draft) return;
    if (!asJson) {
      setText(JSON.stringify(fromDraft(draft), null, 2));
      setAsJson(true);
      return;
    }
    try {
      setDraft(toDraft(JSON.parse(text) as unknown));
      setAsJson(false);
    } catch (err) {
      setError(new ApiError(400, 'REQUEST_INVALID', (err as Error).message));
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setError(null);
    setProblems([]);
    setSaved(false);
    try {
      const profile = asJson ? (JSON.parse(text) as unknown) : fromDraft(draft);
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
  const sorted = sortProblems(problems);
  const errId = (field: string) => `${fieldId(field)}-err`;
  /** aria props of an input: invalid and described by its problems when the server named it. */
  const aria = (field: string) => (sorted.byField.has(field) ? { 'aria-invalid': true as const, 'aria-describedby': errId(field) } : {});
  const fieldProblems = (field: string): ReactNode => {
    const list = sorted.byField.get(field);
    if (!list) return null;
    return (
      <span id={errId(field)} className="field-error">
        {list.map((p, i) => (
          <span key={i}>
            <ProblemText p={p} />
          </span>
        ))}
      </span>
    );
  };

  return (
    <>
      <h1>
        {t('profile.title')} — {q.data?.firm.name}
      </h1>
      <ErrorNote error={q.error} />
      <p>{t('profile.intro')}</p>
      {draft ? (
        <form onSubmit={(e) => void submit(e)} className="stack profile-form" noValidate>
          <div aria-live="polite">
            <ErrorNote error={error} />
            {sorted.other.length ? (
              <ul className="problems">
                {sorted.other.map((p, i) => (
                  <li key={i}>
                    <code>{p.field ?? p.path ?? ''}</code> <ProblemText p={p} />
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          <button type="button" className="link" onClick={toggleJson} aria-pressed={asJson}>
            {asJson ? t('profile.asForm') : t('profile.asJson')}
          </button>
          {asJson ? (
            <>
              <label htmlFor="profile-json">{t('profile.title')} (JSON)</label>
              <textarea id="profile-json" className="code" rows={24} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
              {problems.length ? (
                <ul className="problems">
                  {problems.map((p, i) => (
                    <li key={i}>
                      <code>{p.field ?? p.path ?? ''}</code> <ProblemText p={p} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : (
            <>
              <fieldset>
                <legend>{t('profile.firm')}</legend>
                <label htmlFor={fieldId('firm.name')}>{t('profile.name')}</label>
                <input id={fieldId('firm.name')} value={draft.name} onChange={(e) => set({ name: e.target.value })} {...aria('firm.name')} />
                {fieldProblems('firm.name')}
                <label htmlFor={fieldId('firm.licence')}>{t('profile.licence')}</label>
                <input id={fieldId('firm.licence')} value={draft.licence} readOnly aria-readonly="true" {...aria('firm.licence')} />
                {fieldProblems('firm.licence')}
              </fieldset>
              <fieldset {...(sorted.byField.has('channels') ? { 'aria-describedby': errId('channels') } : {})}>
                <legend>{t('profile.channels')}</legend>
                {CHANNELS.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      checked={draft.channels.includes(c)}
                      onChange={(e) => set({ channels: e.target.checked ? [...draft.channels, c] : draft.channels.filter((x) => x !== c) })}
                    />{' '}
                    {t(`profile.channel.${c}`)}
                  </label>
                ))}
                {fieldProblems('channels')}
              </fieldset>
              <fieldset>
                <legend>{t('profile.classTier')}</legend>
                <label htmlFor={fieldId('class')}>{t('profile.class')}</label>
                <select id={fieldId('class')} value={draft.class} onChange={(e) => set({ class: e.target.value })} {...aria('class')}>
                  {draft.class !== '1' && draft.class !== '2' ? <option value={draft.class}>{draft.class}</option> : null}
                  <option value="1">{t('profile.class1')}</option>
                  <option value="2">{t('profile.class2')}</option>
                </select>
                {fieldProblems('class')}
                <label htmlFor={fieldId('tier')}>{t('profile.tier')}</label>
                <select id={fieldId('tier')} value={draft.tier} onChange={(e) => set({ tier: e.target.value })} {...aria('tier')}>
                  <option value="">{t('profile.noTier')}</option>
                  {['1', '2', '3'].map((n) => (
                    <option key={n} value={n}>
                      {t('profile.tierN', { n })}
                    </option>
                  ))}
                  {!['', '1', '2', '3'].includes(draft.tier) ? <option value={draft.tier}>{draft.tier}</option> : null}
                </select>
                {fieldProblems('tier')}
                <label className="check">
                  <input
                    type="checkbox"
                    id={fieldId('colocation')}
                    checked={draft.colocation}
                    onChange={(e) => set({ colocation: e.target.checked })}
                    {...aria('colocation')}
                  />{' '}
                  {t('profile.colocation')}
                </label>
                {fieldProblems('colocation')}
              </fieldset>
              <fieldset>
                <legend>{t('profile.services')}</legend>
                {SERVICES.map((s) => (
                  <div key={s}>
                    <label className="check">
                      <input
                        type="checkbox"
                        id={fieldId(`services.${s}`)}
                        checked={draft.services[s]}
                        onChange={(e) => set({ services: { ...draft.services, [s]: e.target.checked } })}
                        {...aria(`services.${s}`)}
                      />{' '}
                      {t(`profile.service.${s}`)}
                    </label>
                    {fieldProblems(`services.${s}`)}
                  </div>
                ))}
                {fieldProblems('services')}
              </fieldset>
              <fieldset>
                <legend>{t('profile.coreSystems')}</legend>
                {fieldProblems('core_systems')}
                {draft.core_systems.map((s, i) => {
                  const f = (k: keyof CoreSystemDraft) => `core_systems[${i}].${k}`;
                  const num = (k: 'tolerable_interruption_hours' | 'rto_hours' | 'rpo_minutes') => (
                    <>
                      <label htmlFor={fieldId(f(k))}>{t(`profile.system.${k}`)}</label>
                      <input id={fieldId(f(k))} inputMode="decimal" value={s[k]} onChange={(e) => setSystem(i, { [k]: e.target.value })} {...aria(f(k))} />
                      {fieldProblems(f(k))}
                    </>
                  );
                  return (
                    <fieldset key={i} className="core-system">
                      <legend>{t('profile.systemN', { n: i + 1, name: s.name })}</legend>
                      <label htmlFor={fieldId(f('name'))}>{t('profile.system.name')}</label>
                      <input id={fieldId(f('name'))} value={s.name} onChange={(e) => setSystem(i, { name: e.target.value })} {...aria(f('name'))} />
                      {fieldProblems(f('name'))}
                      {num('tolerable_interruption_hours')}
                      {num('rto_hours')}
                      {num('rpo_minutes')}
                      {(['internet_facing', 'offsite_site'] as const).map((k) => (
                        <label key={k} className="check">
                          <input type="checkbox" id={fieldId(f(k))} checked={s[k]} onChange={(e) => setSystem(i, { [k]: e.target.checked })} {...aria(f(k))} />{' '}
                          {t(`profile.system.${k}`)}
                          {fieldProblems(f(k))}
                        </label>
                      ))}
                      <button type="button" className="secondary" onClick={() => set({ core_systems: draft.core_systems.filter((_, j) => j !== i) })}>
                        {t('profile.removeSystem', { n: i + 1 })}
                      </button>
                    </fieldset>
                  );
                })}
                <button type="button" className="secondary" onClick={() => set({ core_systems: [...draft.core_systems, emptySystem()] })}>
                  {t('profile.addSystem')}
                </button>
              </fieldset>
            </>
          )}
          <p role="status">{saved ? t('profile.saved') : ''}</p>
          <button type="submit">{t('app.save')}</button>
        </form>
      ) : null}
    </>
  );
}
