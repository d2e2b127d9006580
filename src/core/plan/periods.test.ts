import { describe, expect, it } from 'vitest';
import { nextPeriod, parsePeriod, periodContaining, periodsOverlapping } from './periods.js';

describe('inspection periods', () => {
  it('knows months, halves and years, leap days included', () => {
    expect(periodContaining('2024-02-10', 'monthly')).toEqual({ id: '2024-02', frequency: 'monthly', start: '2024-02-01', end: '2024-02-29' });
    expect(periodContaining('2026-07-01', 'semiannual')).toEqual({ id: '2026-H2', frequency: 'semiannual', start: '2026-07-01', end: '2026-12-31' });
    expect(periodContaining('2026-06-30', 'semiannual').id).toBe('2026-H1');
    expect(periodContaining('2026-06-30', 'annual')).toEqual({ id: '2026', frequency: 'annual', start: '2026-01-01', end: '2026-12-31' });
  });

  it('derives the next cycle across year ends', () => {
    expect(nextPeriod(parsePeriod('2026-12')).id).toBe('2027-01');
    expect(nextPeriod(parsePeriod('2026-H2')).id).toBe('2027-H1');
    expect(nextPeriod(parsePeriod('2026-H1')).id).toBe('2026-H2');
    expect(nextPeriod(parsePeriod('2026')).id).toBe('2027');
  });

  it('lists the periods overlapping a range, and refuses a backwards range', () => {
    expect(periodsOverlapping('2026-11-15', '2027-02-01', 'monthly').map((p) => p.id)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(periodsOverlapping('2026-05-01', '2027-01-01', 'semiannual').map((p) => p.id)).toEqual(['2026-H1', '2026-H2', '2027-H1']);
    expect(() => periodsOverlapping('2027-01-01', '2026-01-01', 'annual')).toThrow(/starts .* after it ends/);
    expect(() => parsePeriod('2026-13')).toThrow(/Not a period/);
    expect(() => parsePeriod('2026-Q1')).toThrow(/Not a period/);
  });
});
