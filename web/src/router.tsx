import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { Home, Layout } from './components/layout.js';
import { AnalysisPage } from './pages/analysis.js';
import { AuditPage } from './pages/audit.js';
import { CalendarPage } from './pages/calendar.js';
import { CatalogPage } from './pages/catalog.js';
import { DashboardPage } from './pages/dashboard.js';
import { FindingsPage } from './pages/findings.js';
import { EnrolPage, LoginPage, SetupPage } from './pages/login.js';
import { PeoplePage } from './pages/people.js';
import { ProfilePage } from './pages/profile.js';
import { RunPage } from './pages/run.js';
import { RetentionPage } from './pages/retention.js';
import { RunsPage } from './pages/runs.js';
import { SecurityPage } from './pages/security.js';
import { VerifyPage } from './pages/verify.js';

// Code-based routes (no generator step): the public pages, then everything inside the signed-in frame.
const root = createRootRoute({ component: Outlet });
const login = createRoute({ getParentRoute: () => root, path: '/login', component: LoginPage });
const setup = createRoute({
  getParentRoute: () => root,
  path: '/setup',
  component: SetupPage,
  // `ccheck serve` prints /setup?token=… once on a store without accounts.
  validateSearch: (search: Record<string, unknown>): { token?: string } => (typeof search.token === 'string' ? { token: search.token } : {}),
});
const enrol = createRoute({ getParentRoute: () => root, path: '/enrol', component: EnrolPage });
const app = createRoute({ getParentRoute: () => root, id: 'app', component: Layout });
const home = createRoute({ getParentRoute: () => app, path: '/', component: Home });
const dashboard = createRoute({ getParentRoute: () => app, path: '/firms/$firm/dashboard', component: DashboardPage });
const calendar = createRoute({ getParentRoute: () => app, path: '/firms/$firm/calendar', component: CalendarPage });
const runs = createRoute({ getParentRoute: () => app, path: '/firms/$firm/runs', component: RunsPage });
const run = createRoute({ getParentRoute: () => app, path: '/firms/$firm/runs/$period', component: RunPage });
const findings = createRoute({ getParentRoute: () => app, path: '/firms/$firm/findings', component: FindingsPage });
const profile = createRoute({ getParentRoute: () => app, path: '/firms/$firm/profile', component: ProfilePage });
const analysis = createRoute({
  getParentRoute: () => app,
  path: '/firms/$firm/analysis',
  component: AnalysisPage,
  validateSearch: (search: Record<string, unknown>): { period?: string } => (typeof search.period === 'string' ? { period: search.period } : {}),
});
const retention = createRoute({ getParentRoute: () => app, path: '/firms/$firm/retention', component: RetentionPage });
const security = createRoute({ getParentRoute: () => app, path: '/me/security', component: SecurityPage });
const catalog = createRoute({ getParentRoute: () => app, path: '/catalog', component: CatalogPage });
const verify = createRoute({ getParentRoute: () => app, path: '/verify', component: VerifyPage });
const people = createRoute({ getParentRoute: () => app, path: '/people', component: PeoplePage });
const audit = createRoute({
  getParentRoute: () => app,
  path: '/audit',
  component: AuditPage,
  validateSearch: (search: Record<string, unknown>): { firm?: string } => (typeof search.firm === 'string' ? { firm: search.firm } : {}),
});

const routeTree = root.addChildren([
  login,
  setup,
  enrol,
  app.addChildren([home, dashboard, calendar, runs, run, findings, profile, analysis, retention, security, catalog, verify, people, audit]),
]);

export const router = createRouter({ routeTree });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
