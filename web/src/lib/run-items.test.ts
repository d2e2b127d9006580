import { describe, expect, it } from 'vitest';
import { filterItems, itemState } from './run-items.js';
import type { RunItemJson } from './types.js';

const item = (over: Partial<RunItemJson>): RunItemJson => ({ path: '7/(1)/a/(j)', text: 't', applies: true, ...over });

describe('where a run item stands', () => {
  it('is not run with no result, awaiting approval once recorded, then approved', () => {
    expect(itemState(item({}))).toBe('not_run');
    expect(itemState(item({ result: { status: 'not_run' } }))).toBe('not_run');
    expect(itemState(item({ result: { status: 'pass' } }))).toBe('pending');
    expect(itemState(item({ result: { status: 'pass' }, approval: { state: 'approved' } }))).toBe('approved');
  });
  it('is pending again when the approval went void (the result changed), and rejected when sent back', () => {
    expect(itemState(item({ result: { status: 'fail' }, approval: { state: 'void' } }))).toBe('pending');
    expect(itemState(item({ result: { status: 'partial' }, rejection: { reason: 'x' } }))).toBe('rejected');
    expect(itemState(item({ applies: false }))).toBe('not_applicable');
  });
  it('filters by that state and keeps the server order', () => {
    const items = [item({ path: 'a' }), item({ path: 'b', result: { status: 'pass' } }), item({ path: 'c' })];
    expect(filterItems(items, 'not_run').map((i) => i.path)).toEqual(['a', 'c']);
    expect(filterItems(items, 'all')).toHaveLength(3);
  });
});
