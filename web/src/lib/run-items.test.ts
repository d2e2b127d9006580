import { describe, expect, it } from 'vitest';
import { filterItems, itemState } from './run-items.js';
import type { RunItemJson } from './types.js';

const item = (over: Partial<RunItemJson>): RunItemJson => ({ path: '7/(1)/a/(j)', text: 't', applies: true, ...over });

describe('where a run item stands', () => {
  it('is open with no result, awaiting approval once recorded, then approved or rejected', () => {
    expect(itemState(item({}))).toBe('open');
    expect(itemState(item({ result: { status: 'compliant' } }))).toBe('pending');
    expect(itemState(item({ result: { status: 'compliant' }, approval: { state: 'approved' } }))).toBe('approved');
    expect(itemState(item({ result: { status: 'partial' }, approval: { state: 'rejected' } }))).toBe('rejected');
  });
  it('shows a non-compliant result as such until it is approved, and an item that does not apply as not applicable', () => {
    expect(itemState(item({ result: { status: 'non_compliant' } }))).toBe('non_compliant');
    expect(itemState(item({ applies: false }))).toBe('not_applicable');
  });
  it('filters by that state and keeps the server order', () => {
    const items = [item({ path: 'a' }), item({ path: 'b', result: { status: 'compliant' } }), item({ path: 'c' })];
    expect(filterItems(items, 'open').map((i) => i.path)).toEqual(['a', 'c']);
    expect(filterItems(items, 'all')).toHaveLength(3);
  });
});
