import { describe, expect, it } from 'vitest';
import { daysBetween, formatDate, formatInstant, shiftDays, taipeiToday } from './dates.js';

describe('dates in 民國 and Gregorian', () => {
  it('writes a date as ROC year/month/day, the year less 1911', () => {
    expect(formatDate('2026-11-30', 'roc')).toBe('115/11/30');
    expect(formatDate('1912-01-01', 'roc')).toBe('1/01/01');
    expect(formatDate('2026-11-30', 'gregorian')).toBe('2026-11-30');
  });
  it('writes a month (an inspection period) as ROC year/month', () => {
    expect(formatDate('2026-11', 'roc')).toBe('115/11');
    expect(formatDate('2026-11', 'gregorian')).toBe('2026-11');
  });
  it('keeps what is not an ISO date, and a date before 民國元年, as given rather than inventing a year', () => {
    expect(formatDate('1911-12-31', 'roc')).toBe('1911-12-31');
    expect(formatDate('next week', 'roc')).toBe('next week');
    expect(formatDate(null, 'roc')).toBe('');
  });
  it('shows an instant in Asia/Taipei: 16:30 UTC on 30 November is 00:30 on 1 December', () => {
    expect(formatInstant('2026-11-30T16:30:00Z', 'roc')).toBe('115/12/01 00:30');
    expect(formatInstant('2026-11-30T16:30:00.000Z', 'gregorian')).toBe('2026-12-01 00:30');
    expect(taipeiToday(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });
  it('counts days to a due date, negative when overdue', () => {
    expect(daysBetween('2026-11-30', '2026-12-02')).toBe(2);
    expect(daysBetween('2026-11-30', '2026-11-01')).toBe(-29);
  });
  it('moves a date by days across a leap day', () => {
    expect(shiftDays('2027-12-01', 365)).toBe('2028-11-30');
    expect(shiftDays('2026-12-01', -1)).toBe('2026-11-30');
  });
});
