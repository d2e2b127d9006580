/** A month view: weeks of seven days (Sunday first, as Taiwanese wall calendars), with the days of other months as null. */
export function monthGrid(month: string): (string | null)[][] {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const first = new Date(Date.UTC(year, mon - 1, 1));
  const days = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  const cells: (string | null)[] = Array.from({ length: first.getUTCDay() }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${m[1]}-${m[2]}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The month before or after `month` (`2026-12` + 1 → `2027-01`). */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** First and last day of a month, for the plan's `from`/`to`. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Entries grouped by their due date, each day's list in the order given. */
export function groupByDate<T extends { due: string }>(entries: readonly T[]): Map<string, T[]> {
  const byDate = new Map<string, T[]>();
  for (const e of entries) {
    const list = byDate.get(e.due);
    if (list) list.push(e);
    else byDate.set(e.due, [e]);
  }
  return byDate;
}
