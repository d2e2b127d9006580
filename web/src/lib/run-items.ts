import type { RunItemJson } from './types.js';

/**
 * Where an item stands, in one word: not_run (nothing recorded), sent back (rejected), approved,
 * or its result's status while it awaits approval.
 */
export function itemState(item: RunItemJson): string {
  if (!item.applies) return 'not_applicable';
  const status = item.result?.status ?? 'not_run';
  if (status === 'not_run') return 'not_run';
  if (item.approval?.state === 'approved') return 'approved';
  if (item.rejection) return 'rejected';
  return 'pending';
}

export type ItemFilter = 'all' | 'not_run' | 'pending' | 'rejected' | 'approved';
export const ITEM_FILTERS: readonly ItemFilter[] = ['not_run', 'pending', 'rejected', 'approved'];

/** The items the filter asks for, in catalog order (the server's order). */
export function filterItems(items: readonly RunItemJson[], filter: ItemFilter): RunItemJson[] {
  return filter === 'all' ? [...items] : items.filter((i) => itemState(i) === filter);
}
