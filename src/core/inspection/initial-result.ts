import type { ApplicabilityDecision } from '../applicability/evaluate-applicability.js';
import type { CatalogNode } from '../catalog/catalog-node.js';
import type { Period } from '../plan/periods.js';
import type { ResultContent } from './item-result.js';

/** The items a run of `period` holds: the leaves of the catalog whose check frequency is the period's. */
export function itemsOfPeriod(nodes: readonly CatalogNode[], period: Period): CatalogNode[] {
  const parents = new Set(nodes.map((n) => n.parentPath).filter((p): p is string => p !== null));
  return nodes.filter((n) => !parents.has(n.path) && n.frequency === period.frequency);
}

/** True when the item is not yet in force at any day of the period (its effective date is after the period ends). */
export function isNotYetInForce(item: Pick<CatalogNode, 'effectiveDate'>, period: Pick<Period, 'end'>): boolean {
  return item.effectiveDate !== null && item.effectiveDate > period.end;
}

/**
 * An item's first result when a run starts: `not_run` where it applies, `not_applicable` with
 * the reason where it does not. An item whose effective date falls after the period is not
 * applicable to that period even when the profile says it applies (the 2023 amendment's items
 * bind from their effective date, not from the day they were published).
 */
export function initialResult(
  runId: string,
  item: Pick<CatalogNode, 'path' | 'effectiveDate'>,
  decision: ApplicabilityDecision,
  period: Period,
): ResultContent {
  const notYet = isNotYetInForce(item, period);
  const applies = decision.applies && !notYet;
  return {
    runId,
    path: item.path,
    status: applies ? 'not_run' : 'not_applicable',
    justification: applies
      ? null
      : notYet
        ? `尚未生效（${item.effectiveDate}）/ not in force until ${item.effectiveDate}`
        : `${decision.reasonZh} / ${decision.reason}`,
    source: 'system',
    evidence: [],
    expiresOn: null,
  };
}
