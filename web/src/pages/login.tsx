import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { ErrorNote, useApi } from '../components/common.js';
import { Switches } from '../components/layout.js';
import { api } from '../lib/api.js';
import type { LoginStage } from '../lib/types.js';
import { useSession } from '../session.js';

/** The frame of the pages before sign-in: one heading, the switches, a main landmark. */
export function PublicFrame({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <header className="banner">
        <span className="brand">{t('app.name')}</span>
        <Switches />
      </header>
      <main id="main" className="narrow">
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}

/** Password first, then a second factor: authenticator code, recovery code or passkey (7/(1)/c/(c)). */
export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  useSession(); // fetches the CSRF token the sign-in POSTs carry
  const setup = useApi<{ needs_admin: boolean }>('/api/setup', { retry: false });
  const [stage, setStage] = useState<'password' | 'totp' | 'recovery'>('password');
  const [methods, setMethods] = useState<string[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const signedIn = async () => {
    await qc.invalidateQueries({ queryKey: ['session'] });
    await navigate({ to: '/' });
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<LoginStage>('/api/auth/login', { method: 'POST', body: { username, password } });
      if (r.stage === 'enrol_totp') await navigate({ to: '/enrol' });
      else if (r.stage === 'signed_in') await signedIn();
      else {
        setMethods(r.methods);
        setStage('totp');
      }
    });
  };
  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api<LoginStage>(stage === 'recovery' ? '/api/auth/recovery' : '/api/auth/totp', { method: 'POST', body: { code: code.trim() } });
      await signedIn();
    });
  };
  const passkey = () =>
    void run(async () => {
      const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>('/api/auth/webauthn/options', { method: 'POST', body: {} });
      const response = await startAuthentication({ optionsJSON });
      await api('/api/auth/webauthn/verify', { method: 'POST', body: { response } });
      await signedIn();
    });

  return (
    <PublicFrame title={stage === 'password' ? t('login.title') : t('login.second')}>
      {stage === 'password' ? (
        <form onSubmit={submitPassword} className="stack">
          <label htmlFor="username">{t('login.username')}</label>
          <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          <label htmlFor="password">{t('login.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorNote error={error} />
          <button type="submit" disabled={busy}>
            {t('login.submit')}
          </button>
          {setup.data?.needs_admin ? <Link to="/setup">{t('login.firstRun')}</Link> : null}
        </form>
      ) : (
        <form onSubmit={submitCode} className="stack">
          <label htmlFor="code">{stage === 'recovery' ? t('login.recovery') : t('login.totp')}</label>
          <input
            id="code"
            name="code"
            autoComplete="one-time-code"
            inputMode={stage === 'recovery' ? 'text' : 'numeric'}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <ErrorNote error={error} />
          <button type="submit" disabled={busy}>
            {t('login.verify')}
          </button>
          <button type="button" className="link" onClick={() => setStage(stage === 'recovery' ? 'totp' : 'recovery')}>
            {stage === 'recovery' ? t('login.useTotp') : t('login.useRecovery')}
          </button>
          {methods.includes('webauthn') ? (
            <button type="button" className="secondary" onClick={passkey} disabled={busy}>
              {t('login.passkey')}
            </button>
          ) : null}
        </form>
      )}
    </PublicFrame>
  );
}

/** First run: the setup token `ccheck serve` printed creates the first administrator (no default credentials). */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useSession();
  const { token } = useSearch({ from: '/setup' });
  const [form, setForm] = useState({ setup_token: token ?? '', username: '', display_name: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api('/api/setup/admin', { method: 'POST', body: form });
      await navigate({ to: '/login' });
    } catch (err) {
      setError(err);
    }
  };
  const field = (name: keyof typeof form, label: string, type = 'text', autoComplete = 'off') => (
    <>
      <label htmlFor={`setup-${name}`}>{label}</label>
      <input
        id={`setup-${name}`}
        type={type}
        autoComplete={autoComplete}
        required
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </>
  );
  return (
    <PublicFrame title={t('setup.title')}>
      <form onSubmit={(e) => void submit(e)} className="stack">
        {field('setup_token', t('setup.token'))}
        {field('username', t('login.username'), 'text', 'username')}
        {field('display_name', t('setup.displayName'), 'text', 'name')}
        {field('password', t('login.password'), 'password', 'new-password')}
        <ErrorNote error={error} />
        <button type="submit">{t('setup.submit')}</button>
      </form>
    </PublicFrame>
  );
}

/** TOTP enrolment: QR code, the key for typing, confirmation, then the recovery codes shown once. */
export function EnrolPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  useSession();
  const enrol = useApi<{ otpauth_url: string; qr_svg: string }>('/api/me/totp/enrol', {
    queryFn: () => api('/api/me/totp/enrol', { method: 'POST', body: {} }),
    staleTime: Infinity,
    retry: false,
  });
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const secret = enrol.data ? (new URL(enrol.data.otpauth_url).searchParams.get('secret') ?? '') : '';
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ recovery_codes: string[] }>('/api/me/totp/confirm', { method: 'POST', body: { code: code.trim() } });
      setCodes(r.recovery_codes);
    } catch (err) {
      setError(err);
    }
  };
  if (codes)
    return (
      <PublicFrame title={t('enrol.codesTitle')}>
        <p>{t('enrol.codesIntro')}</p>
        <ul className="codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => void qc.invalidateQueries({ queryKey: ['session'] }).then(() => navigate({ to: '/' }))}>
          {t('enrol.continue')}
        </button>
      </PublicFrame>
    );
  return (
    <PublicFrame title={t('enrol.title')}>
      <p>{t('enrol.intro')}</p>
      <ErrorNote error={enrol.error} />
      {enrol.data ? (
        <>
          <img className="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrol.data.qr_svg)}`} alt="TOTP QR code" width={200} height={200} />
          <p>
            {t('enrol.secret')} <code className="secret">{secret}</code>
          </p>
        </>
      ) : null}
      <form onSubmit={(e) => void confirm(e)} className="stack">
        <label htmlFor="enrol-code">{t('login.totp')}</label>
        <input id="enrol-code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
        <ErrorNote error={error} />
        <button type="submit">{t('enrol.confirm')}</button>
      </form>
    </PublicFrame>
  );
}
