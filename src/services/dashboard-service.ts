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
 * What the dashboard shows for one firm, from a few queries over all its runs: compliance of the
 * latest period by point and by CC code, the trend across periods (latest revision of each),
 * items of ended periods still without a result, open findings by age, and what the last
 * catalog version changed. Statuses count as they count today (an expired attestation is not run).
 */
export async function firmDashboard(s: InspectionService, firmRef: string): Promise<Dashboard> {
  const firm = await s.firm(firmRef);
  const today = s.clock.today();
  const runs = await s.db.selectFrom('inspection_runs').select(['id', 'period']).where('firm_id', '=', firm.id).execute();
  const revisions = await s.db.selectFrom('run_revisions').select(['id', 'revision']).where('firm_id', '=', firm.id).execute();
  const revisionOf = new Map(revisions.map((r) => [r.id, Number(r.revision)]));
  // The latest revision of each period is the one that counts.
  const current = new Map<string, { id: string; revision: number }>();
  for (const r of runs) {
    const revision = revisionOf.get(r.id) ?? 1;
    if ((current.get(r.period)?.revision ?? 0) < revision) current.set(r.period, { id: r.id, revision });
  }
  const periodOf = new Map([...current].map(([period, r]) => [r.id, period]));
  const ids = [...periodOf.keys()];
  const rows = ids.length
    ? await s.db.selectFrom('item_results').select(['run_id', 'path', 'code', 'status', 'source', 'expires_on']).where('run_id', 'in', ids).execute()
    : [];
  const signed = new Set(ids.length ? (await s.db.selectFrom('run_signoffs').select('run_id').where('run_id', 'in', ids).execute()).map((r) => r.run_id) : []);
  const endOf = new Map([...current.keys()].map((p) => [p, parsePeriod(p).end]));
  const periods = [...current.keys()].sort((a, b) => endOf.get(a)!.localeCompare(endOf.get(b)!) || a.localeCompare(b));
  const latestPeriod = periods[periods.length - 1] ?? null;

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
  for (const r of rows) {
    const period = periodOf.get(r.run_id)!;
    const status = effectiveStatus({ status: r.status as ResultStatus, source: r.source as ResultSource, expiresOn: r.expires_on }, today);
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

  const findings = await s.db.selectFrom('findings').select(['opened_at']).where('firm_id', '=', firm.id).where('status', '!=', 'verified_closed').execute();
  const ages = AGE_BUCKETS.map((b) => ({ bucket: b.bucket, count: 0 }));
  for (const f of findings) ages[AGE_BUCKETS.findIndex((b) => ageInDays(f.opened_at, today) <= b.max)]!.count++;

  const byKey = <K extends string>(m: Map<string, Tally>, name: K) =>
    [...m].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([key, t]) => ({ [name]: key, ...t }) as { [P in K]: string } & Tally);
  return {
    firm,
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
    catalogChange: await lastCatalogChange(s),
  };
}
