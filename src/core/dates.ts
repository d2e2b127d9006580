import { CoreError } from './errors.js';

/** Offset between the Gregorian year and the 民國 (ROC) year: 2023 = 民國 112 年. */
export const ROC_YEAR_OFFSET = 1911;

/** A calendar date without a time zone, `YYYY-MM-DD`. Inspections are dated, not timed. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// 112年8月15日, 民國112年8月15日, 112 年 8 月 15 日, 111年1月底 (end of month), 112/08/15, 112.8.15
const ROC_CJK = /^(?:民國\s*)?(\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底))$/;
const ROC_NUMERIC = /^(?:民國\s*)?(\d{2,3})[/.-](\d{1,2})[/.-](\d{1,2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toIso(year: number, month: number, day: number, input: string): IsoDate {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new CoreError('DATE_INVALID', `Not a calendar date: ${input}`, { input });
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Reads an ISO date (`2023-08-15`) and checks that the day exists. */
export function parseIsoDate(input: string): IsoDate {
  const m = ISO_DATE.exec(input.trim());
  if (!m) throw new CoreError('DATE_INVALID', `Not a date (expected YYYY-MM-DD): ${input}`, { input });
  return toIso(Number(m[1]), Number(m[2]), Number(m[3]), input);
}

/**
 * Reads a 民國 date as printed in regulations and letters.
 * @example parseRocDate('112年8月15日') // '2023-08-15'
 * @example parseRocDate('111年1月底')   // '2022-01-31' (月底 = last day of the month)
 */
export function parseRocDate(input: string): IsoDate {
  const text = input.trim();
  const cjk = ROC_CJK.exec(text);
  if (cjk) {
    const year = Number(cjk[1]) + ROC_YEAR_OFFSET;
    const month = Number(cjk[2]);
    if (month < 1 || month > 12) throw new CoreError('DATE_INVALID', `Not a calendar date: ${input}`, { input });
    const day = cjk[4] ? daysInMonth(year, month) : Number(cjk[3]);
    return toIso(year, month, day, input);
  }
  const numeric = ROC_NUMERIC.exec(text);
  if (numeric) return toIso(Number(numeric[1]) + ROC_YEAR_OFFSET, Number(numeric[2]), Number(numeric[3]), input);
  throw new CoreError('DATE_INVALID', `Not a ROC date (expected e.g. 112年8月15日): ${input}`, { input });
}

/** Accepts either calendar: what a person types into a form or a spreadsheet cell. */
export function parseAnyDate(input: string): IsoDate {
  return ISO_DATE.test(input.trim()) ? parseIsoDate(input) : parseRocDate(input);
}

/** @example formatRocDate('2023-08-15') // '112年8月15日' */
export function formatRocDate(date: IsoDate): string {
  const iso = parseIsoDate(date);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const roc = y - ROC_YEAR_OFFSET;
  if (roc < 1) throw new CoreError('DATE_INVALID', `Date before the ROC calendar: ${date}`, { input: date });
  return `${roc}年${m}月${d}日`;
}

/** Both forms, zh-TW first, the way dates are shown everywhere: `2023-08-15（民國112年8月15日）`. */
export function formatDualDate(date: IsoDate, lang: 'zh-TW' | 'en' = 'zh-TW'): string {
  const roc = formatRocDate(date);
  return lang === 'zh-TW' ? `民國${roc}（${date}）` : `${date} (ROC ${roc})`;
}

/** Compact form for tables: `2026-11-30 (115/11/30)`. */
export function formatDualDateShort(date: IsoDate): string {
  const iso = parseIsoDate(date);
  const [y, m, d] = iso.split('-') as [string, string, string];
  return `${iso} (${Number(y) - ROC_YEAR_OFFSET}/${m}/${d})`;
}

/** The calendar day `days` after `date` (negative: before); pure arithmetic, no clock. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A stored instant (ISO 8601 with zone, e.g. `2026-11-27T02:00:00.000Z`) as Taipei wall time:
 * `2026-11-27 10:00 (UTC+8)`. Taiwan keeps UTC+8 all year, so no time-zone data is needed.
 * Anything that is not such an instant is returned unchanged.
 */
export function formatTaipeiInstant(instant: string): string {
  const ms = Date.parse(instant);
  if (!/T\d\d:\d\d/.test(instant) || Number.isNaN(ms)) return instant;
  const t = new Date(ms + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)} (UTC+8)`;
}
