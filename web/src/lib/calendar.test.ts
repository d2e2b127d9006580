import { describe, expect, it } from 'vitest';
import { groupByDate, monthGrid, monthRange, shiftMonth } from './calendar.js';

describe('the month view', () => {
  it('lays November 2026 out in Sunday-first weeks: the 1st is a Sunday, the 30th a Monday', () => {
    const weeks = monthGrid('2026-11');
    expect(weeks).toHaveLength(5);
    expect(weeks[0]![0]).toBe('2026-11-01');
    expect(weeks[4]).toEqual(['2026-11-29', '2026-11-30', null, null, null, null, null]);
  });
  it('pads the days before the 1st: February 2027 starts on a Monday and has 28 days', () => {
    const weeks = monthGrid('2027-02');
    expect(weeks[0]![0]).toBeNull();
    expect(weeks[0]![1]).toBe('2027-02-01');
    expect(weeks.flat().filter(Boolean)).toHaveLength(28);
  });
  it('moves across year ends and gives a month its first and last day', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
  it('groups plan entries by due date in the order given', () => {
    const g = groupByDate([
      { due: '2026-11-30', path: 'a' },
      { due: '2026-11-05', path: 'b' },
      { due: '2026-11-30', path: 'c' },
    ]);
    expect(g.get('2026-11-30')!.map((e) => e.path)).toEqual(['a', 'c']);
    expect(g.get('2026-11-05')!.map((e) => e.path)).toEqual(['b']);
  });
});
