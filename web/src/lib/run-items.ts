import type { RunItemJson } from './types.js';

/** Where an item stands, in one word: open (nothing recorded), its result's status, then approved/rejected once reviewed. */
export function itemState(item: RunItemJson): string {
  if (!item.applies) return 'not_applicable';
  const status = item.result?.status ?? 'open';
  if (status === 'open') return 'open';
  if (item.approval?.state === 'approved') return 'approved';
  if (item.approval?.state === 'rejected') return 'rejected';
  return status === 'non_compliant' ? 'non_compliant' : 'pending';
}

export type ItemFilter = 'all' | 'open' | 'pending' | 'non_compliant' | 'approved';

/** The items the filter asks for, in catalog order (the server's order). */
export function filterItems(items: readonly RunItemJson[], filter: ItemFilter): RunItemJson[] {
  return filter === 'all' ? [...items] : items.filter((i) => itemState(i) === filter);
}
