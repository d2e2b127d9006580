import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { ErrorNote, InstantText, Loading, useApi } from '../components/common.js';
import { api, seg } from '../lib/api.js';
import type { PasskeyJson } from '../lib/types.js';

const PASSKEYS = '/api/me/passkeys';

/**
 * One's own sign-in factors: the passkeys (register, list, remove). Registering or removing one
 * needs a fresh second factor (the server says FACTOR_NOT_FRESH and the re-auth dialog asks).
 */
export function SecurityPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useApi<{ passkeys: PasskeyJson[] }>(PASSKEYS);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      setNotice(await work());
      await qc.invalidateQueries({ queryKey: [PASSKEYS] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const register = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>(`${PASSKEYS}/options`, { method: 'POST', body: {} });
      const response = await startRegistration({ optionsJSON });
      await api(PASSKEYS, { method: 'POST', body: { response, name: name.trim() } });
      setName('');
      return t('security.added');
    });
  };
  const remove = (p: PasskeyJson) =>
    void act(async () => {
      await api(`${PASSKEYS}/${seg(p.id)}`, { method: 'DELETE' });
      return t('security.removed', { name: p.name || p.id });
    });

  const list = q.data?.passkeys ?? [];
  return (
    <>
      <h1>{t('security.title')}</h1>
      <p>{t('security.intro')}</p>
      <section aria-labelledby="h-passkeys">
        <h2 id="h-passkeys">{t('security.passkeys')}</h2>
        <ErrorNote error={q.error} />
        {q.isPending ? (
          <Loading />
        ) : list.length ? (
          <table className="passkeys">
            <caption className="sr-only">{t('security.passkeys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('security.name')}</th>
                <th scope="col">{t('security.created')}</th>
                <th scope="col">{t('security.lastUsed')}</th>
                <th scope="col">
                  <span className="sr-only">{t('security.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.name || t('security.unnamed')}</th>
                  <td>
                    <InstantText value={p.created_at} />
                  </td>
                  <td>{p.last_used_at ? <InstantText value={p.last_used_at} /> : t('app.none')}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      onClick={() => remove(p)}
                      aria-label={t('security.removeOne', { name: p.name || t('security.unnamed') })}
                    >
                      {t('security.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t('security.none')}</p>
        )}
        <form onSubmit={register} className="stack narrow-form">
          <label htmlFor="passkey-name">{t('security.nameLabel')}</label>
          <input id="passkey-name" name="passkey-name" maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={busy}>
            {t('security.add')}
          </button>
        </form>
        <ErrorNote error={error} />
        <p role="status" className="notice">
          {notice}
        </p>
      </section>
    </>
  );
}
