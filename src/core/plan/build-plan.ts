import type { ApplicabilityResult } from '../applicability/evaluate-applicability.js';
import type { CatalogNode, Frequency } from '../catalog/catalog-node.js';
import type { CatalogVersion } from '../catalog/catalog-version.js';
import type { IsoDate } from '../dates.js';
import { nextPeriod, parsePeriod, periodContaining, periodsOverlapping, type Period } from './periods.js';

/** A check recorded as done: item path (in the plan's version), period, date. */
export interface Completion {
  readonly path: string;
  readonly period: string;
  readonly completedOn: IsoDate;
}

export type PlanStatus = 'done' | 'overdue' | 'due' | 'upcoming';

export interface PlanEntry {
  readonly path: string;
  readonly code: string | null;
  readonly title: string;
  readonly frequency: Frequency;
  readonly period: Period;
  /** The last day of the period: the check must be done by then. */
  readonly due: IsoDate;
  readonly status: PlanStatus;
  readonly completedOn: IsoDate | null;
  readonly advisory: boolean;
}

export interface NextDue {
  readonly path: string;
  readonly period: Period;
  readonly due: IsoDate;
  /** The last period recorded as done, from which the next one was derived. */
  readonly after: string | null;
}

export interface Plan {
  readonly version: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly today: IsoDate;
  readonly entries: readonly PlanEntry[];
  /** Per item: the first period after its last recorded completion. */
  readonly next: readonly NextDue[];
}

/** A short label for calendars and tables: the title, else the start of the text, else the path. */
export function labelOf(n: CatalogNode): string {
  const text = (n.title ?? n.text ?? n.titleEn ?? '').replace(/[。；]$/, '');
  if (text === '') return n.status === 'elided' ? '（略）' : n.path;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * The checks are the applicable items that have nothing under them (headings are checked through
 * their items), each at its frequency, from the later of the version's and the item's effective
 * date. "Today" is an input, so that the same inputs always give the same plan.
 */
export function buildPlan(
  version: CatalogVersion,
  applicability: ApplicabilityResult,
  input: { from: IsoDate; to: IsoDate; today: IsoDate; completions: readonly Completion[] },
): Plan {
  const hasChildren = new Set(version.nodes.map((n) => n.parentPath).filter((p): p is string => p !== null));
  const decision = new Map(applicability.decisions.map((d) => [d.path, d]));
  const done = new Map(input.completions.map((c) => [`${c.path}|${c.period}`, c.completedOn]));
  const entries: PlanEntry[] = [];
  const next: NextDue[] = [];

  for (const node of version.nodes) {
    const d = decision.get(node.path);
    if (!d?.applies || hasChildren.has(node.path) || node.frequency === null) continue;
    const frequency = node.frequency;
    const effective =
      [version.effectiveDate, node.effectiveDate]
        .filter((x): x is string => x !== null)
        .sort()
        .pop() ?? null;
    for (const period of periodsOverlapping(input.from, input.to, frequency)) {
      if (effective && period.end < effective) continue;
      const completedOn = done.get(`${node.path}|${period.id}`) ?? null;
      const status: PlanStatus = completedOn ? 'done' : period.end < input.today ? 'overdue' : period.start <= input.today ? 'due' : 'upcoming';
      entries.push({ path: node.path, code: node.code, title: labelOf(node), frequency, period, due: period.end, status, completedOn, advisory: d.advisory });
    }
    const last = input.completions
      .filter((c) => c.path === node.path)
      .map((c) => c.period)
      .sort()
      .pop();
    const first = effective && effective > input.today ? effective : input.today;
    const p = last ? nextPeriod(periodContaining(parsePeriod(last).start, frequency)) : periodContaining(first, frequency);
    next.push({ path: node.path, period: p, due: p.end, after: last ?? null });
  }
  entries.sort((a, b) => a.due.localeCompare(b.due) || a.path.localeCompare(b.path));
  return { version: version.id, from: input.from, to: input.to, today: input.today, entries, next };
}
