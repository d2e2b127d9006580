/**
 * Dates as a Taiwanese compliance team reads them: 民國 (ROC era, year − 1911) by default, with a
 * Gregorian switch. The API sends ISO dates (`2026-11-30`), months (`2026-11`) and UTC instants;
 * instants are shown in Asia/Taipei, where the firms and the exchange are.
 */
export type CalendarStyle = 'roc' | 'gregorian';

const ROC_OFFSET = 1911;
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-30` → `115/11/30` (民國) or `2026-11-30`; a month `2026-11` → `115/11`. Anything else is returned as given. */
export function formatDate(iso: string | null | undefined, style: CalendarStyle): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (style === 'gregorian') return iso;
  const year = Number(y) - ROC_OFFSET;
  // Before 民國元年 there is no ROC year; show the Gregorian date rather than a wrong one.
  if (year < 1) return iso;
  return d ? `${year}/${mo}/${d}` : `${year}/${mo}`;
}

/** The calendar date and time of an instant in Asia/Taipei (UTC+8, no daylight saving since 1979). */
export function taipeiParts(instant: string): { date: string; time: string } | null {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return null;
  const local = new Date(t + 8 * 3600_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  return { date, time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}` };
}

/** An instant as `115/11/30 14:05` (Asia/Taipei). */
export function formatInstant(instant: string | null | undefined, style: CalendarStyle): string {
  if (!instant) return '';
  const p = taipeiParts(instant);
  return p ? `${formatDate(p.date, style)} ${p.time}` : instant;
}

/** Days from `today` to `due` (both ISO dates): negative when overdue. */
export function daysBetween(today: string, due: string): number {
  return Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Today's date in Asia/Taipei. */
export function taipeiToday(now: Date = new Date()): string {
  return taipeiParts(now.toISOString())!.date;
}

/** An ISO date `days` later (or earlier when negative). */
export function shiftDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
