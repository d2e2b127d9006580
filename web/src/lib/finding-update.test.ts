import { describe, expect, it } from 'vitest';
import { findingUpdate } from './finding-update.js';

describe('what saving a finding sends', () => {
  const open = { owner: null, due_on: null, status: 'open' };

  it('sends no null for an owner or due date left empty (the server refuses null)', () => {
    expect(findingUpdate(open, { owner: '', due: '', status: 'in_progress' })).toEqual({ status: 'in_progress' });
    expect(findingUpdate(open, { owner: '  ', due: '', status: 'open' })).toEqual({});
  });

  it('sends only what changed', () => {
    const owned = { owner: '王小明', due_on: '2026-12-31', status: 'open' };
    expect(findingUpdate(owned, { owner: '王小明', due: '2026-12-31', status: 'open' })).toEqual({});
    expect(findingUpdate(owned, { owner: '李四', due: '2026-12-31', status: 'open' })).toEqual({ owner: '李四' });
    expect(findingUpdate(open, { owner: ' 王小明 ', due: '2027-01-15', status: 'open' })).toEqual({ owner: '王小明', due_on: '2027-01-15' });
  });
});
