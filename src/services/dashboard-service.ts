import { sql } from 'kysely';
import type { CatalogChange } from '../core/catalog/diff-versions.js';
import { diffVersions } from '../core/catalog/diff-versions.js';
import type { IsoDate } from '../core/dates.js';
import { countsAs, effectiveStatus, type ResultSource, type ResultStatus } from '../core/inspection/item-result.js';
import { parsePeriod } from '../core/plan/periods.js';
import type { FirmsTable } from '../storage/schema.js';
import { catalogVersions } from './catalog-view-service.js';
import type { InspectionService } from './inspection-service.js';

export type Tally = Record<'compliant' | 'non_compliant' | 'undetermined' | 'excluded' | 'total', number>;

export interface Dashboard {
  readonly firm: FirmsTable;
  readonly latestPeriod: string | null;
  readonly byPoint: readonly ({ readonly point: string } & Tally)[];
  readonly byCode: readonly ({ readonly code: string } & Tally)[];
  readonly trend: readonly ({ readonly period: string; readonly revision: number; readonly signed: boolean; readonly rate: number | null } & Tally)[];
  readonly overdue: readonly { readonly path: string; readonly period: string; readonly due: IsoDate; readonly status: string }[];
  readonly findingsByAge: readonly { readonly bucket: string; readonly count: number }[];
  readonly catalogChange: {
    readonly from: string;
    readonly to: string;
    readonly counts: Readonly<Record<CatalogChange['kind'], number>>;
    readonly changes: readonly CatalogChange[];
  } | null;
}

const empty = (): Tally => ({ compliant: 0, non_compliant: 0, undetermined: 0, excluded: 0, total: 0 });

/** Overdue items listed at most; the count of the rest is what the trend shows. */
const OVERDUE_LIMIT = 100;

/** Age buckets of open findings, in days since they opened. */
const AGE_BUCKETS: readonly { readonly bucket: string; readonly max: number }[] = [
  { bucket: '0-30', max: 30 },
  { bucket: '31-90', max: 90 },
  { bucket: '91-180', max: 180 },
  { bucket: '181+', max: Infinity },
];

/** Whole days from the day of an instant to `today` (0 for today or later). */
export function ageInDays(instant: string, today: IsoDate): number {
  return Math.max(0, Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${instant.slice(0, 10)}T00:00:00Z`)) / 86_400_000));
}

/** The catalog change of the last two versions in force: the same for every firm, computed once per pair. */
const changes = new Map<string, Dashboard['catalogChange']>();

/**
 * The catalog change as of one audit head, per store: the same for every firm, and listing the
 * versions (shipped files and imports) cost a computed dashboard over half its time. An import is
 * an audited write, so a new head is the only way the answer can change.
 */
const catalogChangeAt = new WeakMap<InspectionService, { head: string; value: Promise<Dashboard['catalogChange']> }>();

function catalogChangeAtHead(s: InspectionService, head: string): Promise<Dashboard['catalogChange']> {
  const known = catalogChangeAt.get(s);
  if (known?.head === head) return known.value;
  const value = lastCatalogChange(s);
  catalogChangeAt.set(s, { head, value });
  value.catch(() => {
    if (catalogChangeAt.get(s)?.value === value) catalogChangeAt.delete(s); // a failed read is not kept
  });
  return value;
}

async function lastCatalogChange(s: InspectionService): Promise<Dashboard['catalogChange']> {
  // The mechanism's versions in order (an imported OSCAL catalog is another framework, not a version of it).
  const dated = (await catalogVersions(s.catalog)).filter((v) => v.version.source.kind !== 'oscal_catalog');
  const to = dated[dated.length - 1]?.version;
  const from = dated[dated.length - 2]?.version;
  if (!to || !from) return null;
  const key = `${from.hash}>${to.hash}`;
  if (!changes.has(key)) {
    const diff = diffVersions(from, to);
    const counts = { added: 0, modified: 0, renumbered: 0, renumbered_and_modified: 0, removed: 0 };
    for (const c of diff.changes) counts[c.kind]++;
    changes.set(key, { from: from.id, to: to.id, counts, changes: diff.changes });
  }
  return changes.get(key)!;
}

/**
 * A dashboard as computed at one audit head on one day. The catalog change is part of it: an
 * imported version is an audited write (catalog.import), so it moves the head like any other.
 */
type Computed = Omit<Dashboard, 'firm'>;

/** Firms whose dashboard is kept, per store; the least recently read goes first. */
const CACHED_FIRMS = 1000;

/**
 * Each store's computed dashboards by firm, with the audit head and the day they were computed at.
 * Every write that changes what a dashboard shows (results, runs, sign-offs, revisions, findings,
 * the firm) is an audited write, which moves the head in the same transaction: a dashboard is
 * reused only while the head it was computed at is still the head, and only on the same day (an
 * attestation expires by the day). The head is content-addressed, so a restored or rewritten
 * store never matches an older head by accident. Another process writing the same store (the
 * CLI) moves the same head.
 */
const computed = new WeakMap<InspectionService, Map<string, { head: string; today: IsoDate; value: Computed }>>();

/**
 * What the dashboard shows for one firm: compliance of the latest period by point and by CC code,
 * the trend across periods (latest revision of each), items of ended periods still without a
 * result, open findings by age, and what the last catalog version changed. Statuses count as they
 * count today (an expired attestation is not run). `firm` is the row the caller already holds
 * (the API's access check read it) or a reference to resolve.
 */
export async function firmDashboard(s: InspectionService, firmRef: FirmsTable | string): Promise<Dashboard> {
  const firm = typeof firmRef === 'string' ? await s.firm(firmRef) : firmRef;
  const today = s.clock.today();
  // Read before the data: anything the queries below see is at least as new as this head.
  const { hash: head } = await s.auditHead();
  let byFirm = computed.get(s);
  if (!byFirm) computed.set(s, (byFirm = new Map<string, { head: string; today: IsoDate; value: Computed }>()));
  const known = byFirm.get(firm.id);
  byFirm.delete(firm.id);
  const value = known && known.head === head && known.today === today ? known.value : await compute(s, firm.id, today, head);
  byFirm.set(firm.id, { head, today, value });
  if (byFirm.size > CACHED_FIRMS) byFirm.delete(byFirm.keys().next().value!);
  return { firm, ...value };
}

/**
 * The dashboard from four queries whatever the number of runs and items: the firm's runs with
 * their revision and sign-off; counts of the results of periods whose rows nobody needs one by one
 * (grouped by what decides how they count today); the rows of the latest period and of ended,
 * unsigned periods (by point and code, and the overdue list); open findings counted by the day
 * they opened.
 */
async function compute(s: InspectionService, firmId: string, today: IsoDate, head: string): Promise<Computed> {
  const runs = await s.db
    .selectFrom('inspection_runs')
    .leftJoin('run_revisions', 'run_revisions.id', 'inspection_runs.id')
    .leftJoin('run_signoffs', 'run_signoffs.run_id', 'inspection_runs.id')
    .select(['inspection_runs.id', 'inspection_runs.period', 'run_revisions.revision', 'run_signoffs.run_id as signed'])
    .where('inspection_runs.firm_id', '=', firmId)
    .execute();
  // The latest revision of each period is the one that counts.
  const current = new Map<string, { id: string; revision: number }>();
  const signed = new Set<string>();
  for (const r of runs) {
    const revision = r.revision === null ? 1 : Number(r.revision);
    if ((current.get(r.period)?.revision ?? 0) < revision) current.set(r.period, { id: r.id, revision });
    if (r.signed !== null) signed.add(r.id);
  }
  const periodOf = new Map([...current].map(([period, r]) => [r.id, period]));
  const endOf = new Map([...current.keys()].map((p) => [p, parsePeriod(p).end]));
  const periods = [...current.keys()].sort((a, b) => endOf.get(a)!.localeCompare(endOf.get(b)!) || a.localeCompare(b));
  const latestPeriod = periods[periods.length - 1] ?? null;
  // Rows needed one by one: the latest period's (by point and code) and those that can be overdue.
  const oneByOne = [...current].filter(([p, r]) => p === latestPeriod || (endOf.get(p)! < today && !signed.has(r.id))).map(([, r]) => r.id);
  const counted = [...current.values()].map((r) => r.id).filter((id) => !oneByOne.includes(id));
  const rows = oneByOne.length
    ? await s.db.selectFrom('item_results').select(['run_id', 'path', 'code', 'status', 'source', 'expires_on']).where('run_id', 'in', oneByOne).execute()
    : [];
  const groups = counted.length
    ? await s.db
        .selectFrom('item_results')
        .select((eb) => ['run_id', 'status', 'source', 'expires_on', eb.fn.countAll().as('n')])
        .where('run_id', 'in', counted)
        .groupBy(['run_id', 'status', 'source', 'expires_on'])
        .execute()
    : [];

  const trend = new Map(periods.map((p) => [p, empty()]));
  const byPoint = new Map<string, Tally>();
  const byCode = new Map<string, Tally>();
  const overdue: { path: string; period: string; due: IsoDate; status: string }[] = [];
  const add = (m: Map<string, Tally>, key: string, kind: keyof Tally) => {
    const t = m.get(key) ?? empty();
    t[kind]++;
    t.total++;
    m.set(key, t);
  };
  const statusOf = (r: { status: string; source: string; expires_on: string | null }) =>
    effectiveStatus({ status: r.status as ResultStatus, source: r.source as ResultSource, expiresOn: r.expires_on }, today);
  for (const g of groups) {
    const t = trend.get(periodOf.get(g.run_id)!)!;
    const n = Number(g.n);
    t[countsAs(statusOf(g))] += n;
    t.total += n;
  }
  for (const r of rows) {
    const period = periodOf.get(r.run_id)!;
    const status = statusOf(r);
    const kind = countsAs(status);
    const t = trend.get(period)!;
    t[kind]++;
    t.total++;
    if (period === latestPeriod) {
      add(byPoint, r.path.split('/')[0]!, kind);
      add(byCode, r.code ?? '—', kind);
    }
    const due = endOf.get(period)!;
    if (kind === 'undetermined' && due < today && !signed.has(r.run_id)) overdue.push({ path: r.path, period, due, status });
  }

  // Ages count in whole days, so findings opened the same day age alike: counted per day in SQL.
  // (The day written out, not bound: PostgreSQL groups by an expression only if it is the selected one, parameters included.)
  const day = sql<string>`substr(opened_at, 1, 10)`;
  const findings = await s.db
    .selectFrom('findings')
    .select((eb) => [day.as('day'), eb.fn.countAll().as('n')])
    .where('firm_id', '=', firmId)
    .where('status', '!=', 'verified_closed')
    .groupBy(day)
    .execute();
  const ages = AGE_BUCKETS.map((b) => ({ bucket: b.bucket, count: 0 }));
  for (const f of findings) ages[AGE_BUCKETS.findIndex((b) => ageInDays(f.day, today) <= b.max)]!.count += Number(f.n);

  const byKey = <K extends string>(m: Map<string, Tally>, name: K) =>
    [...m].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([key, t]) => ({ [name]: key, ...t }) as { [P in K]: string } & Tally);
  return {
    latestPeriod,
    byPoint: byKey(byPoint, 'point'),
    byCode: byKey(byCode, 'code'),
    trend: periods.map((p) => {
      const t = trend.get(p)!;
      const counted = t.total - t.excluded;
      return { period: p, revision: current.get(p)!.revision, signed: signed.has(current.get(p)!.id), rate: counted ? t.compliant / counted : null, ...t };
    }),
    overdue: overdue.sort((a, b) => a.due.localeCompare(b.due) || a.path.localeCompare(b.path, 'en', { numeric: true })).slice(0, OVERDUE_LIMIT),
    findingsByAge: ages,
    catalogChange: await catalogChangeAtHead(s, head),
  };
}
