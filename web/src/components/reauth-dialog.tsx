import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api, onFactorNotFresh } from '../lib/api.js';
import type { PasskeyJson } from '../lib/types.js';
import { ErrorNote } from './common.js';

/**
 * The fresh-factor prompt: when the server answers FACTOR_NOT_FRESH (approve, reject, sign off,
 * people, passkey changes), this modal asks for an authenticator code or, for someone who has
 * registered one, a passkey; either goes to /api/auth/reauth, and the refused request goes again.
 * (The server's re-auth takes TOTP and passkeys only: a recovery code is for signing in when the
 * authenticator is lost, and spending one on an approval would leave fewer for that.)
 * A native <dialog> keeps focus inside and returns it afterwards.
 */
export function ReauthDialog() {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const pending = useRef<((ok: boolean) => void) | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [passkeys, setPasskeys] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    onFactorNotFresh(
      () =>
        new Promise<boolean>((resolve) => {
          pending.current = resolve;
          setCode('');
          setError(null);
          setPasskeys(0);
          ref.current?.showModal();
          // The passkey button only for someone who has one (listing needs no fresh factor).
          void api<{ passkeys: PasskeyJson[] }>('/api/me/passkeys')
            .then((r) => setPasskeys(r.passkeys.length))
            .catch(() => setPasskeys(0));
        }),
    );
    return () => onFactorNotFresh(null);
  }, []);

  const finish = (ok: boolean) => {
    ref.current?.close();
    pending.current?.(ok);
    pending.current = null;
  };
  const prove = async (body: { code: string } | { response: unknown }) => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/reauth', { method: 'POST', body });
      finish(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void prove({ code: code.trim() });
  };
  const passkey = () =>
    void (async () => {
      try {
        const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>('/api/auth/webauthn/options', { method: 'POST', body: {} });
        const response = await startAuthentication({ optionsJSON });
        await prove({ response });
      } catch (err) {
        setError(err);
      }
    })();

  return (
    <dialog ref={ref} aria-labelledby="reauth-title" onCancel={() => finish(false)}>
      <form onSubmit={submit}>
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
          <button type="submit" disabled={busy}>
            {t('reauth.submit')}
          </button>
          {passkeys > 0 ? (
            <button type="button" className="secondary" onClick={passkey} disabled={busy}>
              {t('reauth.passkey')}
            </button>
          ) : null}
          <button type="button" className="secondary" onClick={() => finish(false)}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
