import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, onFactorNotFresh } from '../lib/api.js';
import { ErrorNote } from './common.js';

/**
 * The fresh-factor prompt: when the server answers FACTOR_NOT_FRESH (approve, reject, sign off,
 * people), this modal asks for an authenticator code, sends it to /api/auth/reauth, and lets the
 * refused request go again. A native <dialog> keeps focus inside and returns it afterwards.
 */
export function ReauthDialog() {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const pending = useRef<((ok: boolean) => void) | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    onFactorNotFresh(
      () =>
        new Promise<boolean>((resolve) => {
          pending.current = resolve;
          setCode('');
          setError(null);
          ref.current?.showModal();
        }),
    );
    return () => onFactorNotFresh(null);
  }, []);

  const finish = (ok: boolean) => {
    ref.current?.close();
    pending.current?.(ok);
    pending.current = null;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('/api/auth/reauth', { method: 'POST', body: { code } });
      finish(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <dialog ref={ref} aria-labelledby="reauth-title" onCancel={() => finish(false)}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="reauth-title">{t('reauth.title')}</h2>
        <p>{t('reauth.intro')}</p>
        <label htmlFor="reauth-code">{t('reauth.code')}</label>
        <input
          id="reauth-code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <ErrorNote error={error} />
        <div className="actions">
          <button type="submit">{t('reauth.submit')}</button>
          <button type="button" className="secondary" onClick={() => finish(false)}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
