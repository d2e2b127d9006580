import { Link, Navigate, Outlet, useNavigate, useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.js';
import type { FirmJson } from '../lib/types.js';
import { usePrefs } from '../prefs.js';
import { hasRole, useSession } from '../session.js';
import { ErrorNote, Loading, listOf, useApi } from './common.js';
import { ReauthDialog } from './reauth-dialog.js';

/** The roles whose table holds audit.read (src/core/people/roles.ts); the server decides, the menu only hides a sure refusal. */
const AUDIT_ROLES = ['admin', 'supervisor', 'ciso', 'auditor', 'examiner'];

/** Language and date switches, on every page (signed in or not). */
export function Switches() {
  const { t } = useTranslation();
  const { lang, setLang, calendar, setCalendar } = usePrefs();
  return (
    <div className="switches">
      <button
        type="button"
        className="link"
        lang={lang === 'en' ? 'zh-Hant-TW' : 'en'}
        title={t('app.langLabel')}
        onClick={() => setLang(lang === 'en' ? 'zh-TW' : 'en')}
      >
        {t('app.lang')}
      </button>
      <label>
        {t('app.calendar')}{' '}
        <select value={calendar} onChange={(e) => setCalendar(e.target.value === 'gregorian' ? 'gregorian' : 'roc')}>
          <option value="roc">{t('app.roc')}</option>
          <option value="gregorian">{t('app.gregorian')}</option>
        </select>
      </label>
    </div>
  );
}

/** The signed-in frame: skip link, banner, navigation, main. Signed-out readers go to the sign-in page. */
export function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  const params = useParams({ strict: false });
  const firms = useApi<unknown>(session.data ? '/api/firms' : null);
  const navigate = useNavigate();
  const qc = useQueryClient();
  if (session.isPending) return <Loading />;
  if (session.error) return <ErrorNote error={session.error} />;
  if (!session.data) return <Navigate to="/login" />;
  const firmList = listOf<FirmJson>(firms.data, 'firms');
  const firm = params.firm ?? firmList[0]?.licence ?? firmList[0]?.id;
  const isAdmin = hasRole(session.data, 'admin');
  const firmId = firmList.find((f) => f.licence === firm || f.id === firm)?.id;
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    qc.clear();
    await navigate({ to: '/login' });
  };
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="banner">
        <span className="brand">{t('app.name')}</span>
        {firmList.length > 0 ? (
          <label className="firm-picker">
            {t('app.firm')}{' '}
            <select value={firm ?? ''} onChange={(e) => void navigate({ to: '/firms/$firm/dashboard', params: { firm: e.target.value } })}>
              {firmList.map((f) => (
                <option key={f.id} value={f.licence ?? f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Switches />
        <span className="who">{t('app.signedInAs', { name: session.data.account.display_name })}</span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav aria-label={t('app.nav')} className="nav">
        <ul>
          {firm ? (
            <>
              <li>
                <Link to="/firms/$firm/dashboard" params={{ firm }}>
                  {t('nav.dashboard')}
                </Link>
              </li>
              <li>
                <Link to="/firms/$firm/calendar" params={{ firm }}>
                  {t('nav.calendar')}
                </Link>
              </li>
              <li>
                <Link to="/firms/$firm/runs" params={{ firm }}>
                  {t('nav.runs')}
                </Link>
              </li>
              <li>
                <Link to="/firms/$firm/analysis" params={{ firm }}>
                  {t('nav.analysis')}
                </Link>
              </li>
              <li>
                <Link to="/firms/$firm/findings" params={{ firm }}>
                  {t('nav.findings')}
                </Link>
              </li>
              <li>
                <Link to="/firms/$firm/profile" params={{ firm }}>
                  {t('nav.profile')}
                </Link>
              </li>
              {isAdmin ? (
                <li>
                  <Link to="/firms/$firm/retention" params={{ firm }}>
                    {t('nav.retention')}
                  </Link>
                </li>
              ) : null}
            </>
          ) : null}
          <li>
            <Link to="/catalog">{t('nav.catalog')}</Link>
          </li>
          <li>
            <Link to="/verify">{t('nav.verify')}</Link>
          </li>
          <li>
            <Link to="/me/security">{t('nav.security')}</Link>
          </li>
          {isAdmin ? (
            <li>
              <Link to="/people">{t('nav.people')}</Link>
            </li>
          ) : null}
          {AUDIT_ROLES.some((r) => hasRole(session.data, r)) ? (
            <li>
              <Link to="/audit" search={firmId ? { firm: firmId } : {}}>
                {t('nav.audit')}
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorNote error={firms.error} />
        <Outlet />
      </main>
      <ReauthDialog />
    </>
  );
}

/** `/`: the first firm's dashboard, or the catalog for someone with no firm (an administrator on a fresh store). */
export function Home() {
  const firms = useApi<unknown>('/api/firms');
  if (firms.isPending) return <Loading />;
  const first = listOf<FirmJson>(firms.data, 'firms')[0];
  if (first) return <Navigate to="/firms/$firm/dashboard" params={{ firm: first.licence ?? first.id }} />;
  return <Navigate to="/catalog" />;
}
