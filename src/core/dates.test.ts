import { describe, expect, it } from 'vitest';
import { formatDualDate, formatDualDateShort, formatRocDate, formatTaipeiInstant, parseAnyDate, parseIsoDate, parseRocDate } from './dates.js';
import { CoreError } from './errors.js';

describe('民國 ⇄ Gregorian dates', () => {
  it('reads ROC dates as printed in rules and letters', () => {
    expect(parseRocDate('112年8月15日')).toBe('2023-08-15');
    expect(parseRocDate('民國112年8月15日')).toBe('2023-08-15');
    expect(parseRocDate('112 年 8 月 15 日')).toBe('2023-08-15');
    expect(parseRocDate('112/08/15')).toBe('2023-08-15');
    expect(parseRocDate('111年1月底')).toBe('2022-01-31');
    expect(parseRocDate('113年2月底')).toBe('2024-02-29'); // leap year
  });

  it('writes both ways round', () => {
    expect(formatRocDate('2023-08-15')).toBe('112年8月15日');
    expect(parseRocDate(formatRocDate('2024-02-29'))).toBe('2024-02-29');
    expect(formatDualDate('2023-08-23')).toBe('民國112年8月23日（2023-08-23）');
    expect(formatDualDate('2023-08-23', 'en')).toBe('2023-08-23 (ROC 112年8月23日)');
    expect(formatDualDateShort('2026-11-30')).toBe('2026-11-30 (115/11/30)');
    expect(parseAnyDate('2023-08-23')).toBe('2023-08-23');
    expect(parseAnyDate('112年8月23日')).toBe('2023-08-23');
  });

  it('refuses dates that do not exist', () => {
    for (const bad of ['112年2月30日', '112年13月1日', 'yesterday', '2023-02-29', '2023-8-1']) {
      expect(() => parseAnyDate(bad), bad).toThrow(CoreError);
    }
    expect(() => parseIsoDate('2023-13-01')).toThrow(/Not a calendar date/);
    expect(() => formatRocDate('1900-01-01')).toThrow(/before the ROC calendar/);
  });

  it('shows stored instants in Taipei time (UTC+8 all year), across midnight and with offsets', () => {
    expect(formatTaipeiInstant('2026-11-27T02:00:00.000Z')).toBe('2026-11-27 10:00 (UTC+8)');
    expect(formatTaipeiInstant('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30 (UTC+8)');
    expect(formatTaipeiInstant('2026-11-27T09:15:00+08:00')).toBe('2026-11-27 09:15 (UTC+8)');
    expect(formatTaipeiInstant('2026-11-27')).toBe('2026-11-27'); // a date is not an instant
  });
});
