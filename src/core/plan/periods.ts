import type { Frequency } from '../catalog/catalog-node.js';
import { parseIsoDate, type IsoDate } from '../dates.js';
import { CoreError } from '../errors.js';

/** 查核期間: `2026-11` (monthly), `2026-H2` (semi-annual), `2026` (annual). */
export interface Period {
  readonly id: string;
  readonly frequency: Frequency;
  readonly start: IsoDate;
  readonly end: IsoDate;
}

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function make(frequency: Frequency, year: number, index: number): Period {
  if (frequency === 'monthly')
    return { id: `${year}-${String(index).padStart(2, '0')}`, frequency, start: iso(year, index, 1), end: iso(year, index, lastDay(year, index)) };
  if (frequency === 'semiannual') {
    const m0 = index === 1 ? 1 : 7;
    return { id: `${year}-H${index}`, frequency, start: iso(year, m0, 1), end: iso(year, m0 + 5, lastDay(year, m0 + 5)) };
  }
  return { id: String(year), frequency, start: iso(year, 1, 1), end: iso(year, 12, 31) };
}

/** The period of the given cadence that contains the date. */
export function periodContaining(date: IsoDate, frequency: Frequency): Period {
  const [y, m] = parseIsoDate(date).split('-').map(Number) as [number, number];
  if (frequency === 'monthly') return make(frequency, y, m);
  if (frequency === 'semiannual') return make(frequency, y, m <= 6 ? 1 : 2);
  return make(frequency, y, 1);
}

/** The cycle after this one, derived from the cadence, never copied from the last plan. */
export function nextPeriod(p: Period): Period {
  const [y, m] = p.start.split('-').map(Number) as [number, number];
  if (p.frequency === 'monthly') return m === 12 ? make('monthly', y + 1, 1) : make('monthly', y, m + 1);
  if (p.frequency === 'semiannual') return m === 1 ? make('semiannual', y, 2) : make('semiannual', y + 1, 1);
  return make('annual', y + 1, 1);
}

/** Reads a period id back: `2026-11`, `2026-H2`, `2026`. */
export function parsePeriod(id: string): Period {
  const t = id.trim().toUpperCase();
  let m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return make('monthly', Number(m[1]), Number(m[2]));
  m = /^(\d{4})-H([12])$/.exec(t);
  if (m) return make('semiannual', Number(m[1]), Number(m[2]));
  m = /^(\d{4})$/.exec(t);
  if (m) return make('annual', Number(m[1]), 1);
  throw new CoreError('DATE_INVALID', `Not a period (expected 2026-11, 2026-H2 or 2026): ${id}`, { input: id });
}

/** Every period of the cadence that overlaps [from, to]. */
export function periodsOverlapping(from: IsoDate, to: IsoDate, frequency: Frequency): Period[] {
  if (from > to) throw new CoreError('PLAN_INVALID_RANGE', `the range starts (${from}) after it ends (${to})`, { from, to });
  const out: Period[] = [];
  for (let p = periodContaining(from, frequency); p.start <= to; p = nextPeriod(p)) out.push(p);
  return out;
}
