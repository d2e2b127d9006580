/**
 * The longest time between two runs of a backup schedule, in minutes: what a backup can lose at
 * worst, to compare with the RPO (7/(2)/c/(f)). Simple forms (每日, daily, 每小時, every 4 hours,
 * 每 15 分鐘, weekly, monthly, continuous) and five-field cron expressions (`0 2 * * *`, `@daily`).
 */
export type ScheduleResult =
  { readonly ok: true; readonly gapMinutes: number; readonly cron: boolean } | { readonly ok: false; readonly en: string; readonly zh: string };

const SIMPLE: readonly [RegExp, number][] = [
  // Replication as it happens: the recovery point is the last write.
  [/^(continuous|real-?time|synchronous|cdp|即時|持續|同步|連續)$/, 0],
  [/^(hourly|每小時|每時)$/, 60],
  [/^(daily|nightly|每日|每天|每晚|日)$/, 1440],
  [/^(weekly|每週|每周|每星期|週)$/, 10080],
  // The longest month: a monthly run can be 31 days after the last.
  [/^(monthly|每月|月)$/, 31 * 1440],
];

const EVERY_UNITS: readonly [RegExp, number][] = [
  [/^(minutes?|mins?|m|分鐘|分)$/, 1],
  [/^(hours?|hrs?|h|小時|個小時|時)$/, 60],
  [/^(days?|d|天|日)$/, 1440],
  [/^(weeks?|w|週|周|星期)$/, 10080],
];

export function scheduleGap(text: string): ScheduleResult {
  const s = text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [re, gap] of SIMPLE) if (re.test(s)) return { ok: true, gapMinutes: gap, cron: false };
  const every = /^(?:every|每隔|每) ?(\d+) ?(\S+?)(?: 一次| once)?$/.exec(s);
  if (every) {
    const unit = EVERY_UNITS.find(([re]) => re.test(every[2]!));
    const n = Number(every[1]);
    if (unit && n > 0) return { ok: true, gapMinutes: n * unit[1], cron: false };
  }
  const macro: Record<string, string> = {
    '@hourly': '0 * * * *',
    '@daily': '0 0 * * *',
    '@midnight': '0 0 * * *',
    '@weekly': '0 0 * * 0',
    '@monthly': '0 0 1 * *',
  };
  const fields = (macro[s] ?? s).split(' ');
  if (fields.length === 5 && fields.every((f) => /^[\d*,/\-a-z]+$/.test(f))) return cronGap(fields);
  return {
    ok: false,
    en: `schedule "${text}" is not understood (use 每日/daily, 每小時/hourly, every N hours/minutes, weekly, monthly, continuous, or a cron expression such as "0 2 * * *")`,
    zh: `排程「${text}」無法辨識（請用 每日、每小時、每 N 小時／分鐘、每週、每月、即時，或 cron 運算式如「0 2 * * *」）`,
  };
}

const NAMES: Record<number, readonly string[]> = {
  3: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  4: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};
const RANGES: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** The values one cron field allows, or null when it is malformed. */
function cronField(field: string, i: number): Set<number> | null {
  const [lo, hi] = RANGES[i]!;
  const names = NAMES[i];
  const value = (v: string): number | null => {
    const byName = names?.indexOf(v) ?? -1;
    if (byName >= 0) return i === 3 ? byName + 1 : byName;
    if (!/^\d+$/.test(v)) return null;
    const n = Number(v);
    return n >= lo && n <= hi ? n : null;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return null;
    let from = lo;
    let to = hi;
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-');
      const x = value(a!);
      const y = b === undefined ? (m[2] === undefined ? x : hi) : value(b);
      if (x === null || y === null || y < x) return null;
      from = x;
      to = y;
    }
    for (let v = from; v <= to; v += step) out.add(i === 4 && v === 7 ? 0 : v);
  }
  return out;
}

/**
 * The longest gap between runs over four years (every weekday on every date, a leap day
 * included), so `0 2 * * 1` gives a week and `0 3 1 * *` the 31 days after a long month.
 */
function cronGap(fields: readonly string[]): ScheduleResult {
  const sets = fields.map(cronField);
  const bad = sets.findIndex((x) => x === null);
  if (bad >= 0) {
    const name = ['minute', 'hour', 'day of month', 'month', 'day of week'][bad]!;
    const nameZh = ['分', '時', '日', '月', '星期'][bad]!;
    return {
      ok: false,
      en: `cron "${fields.join(' ')}": the ${name} field "${fields[bad]}" is not valid`,
      zh: `cron「${fields.join(' ')}」的${nameZh}欄位「${fields[bad]}」不正確`,
    };
  }
  const [minutes, hours, doms, months, dows] = sets as Set<number>[];
  const times = [...hours!].flatMap((h) => [...minutes!].map((m) => h * 60 + m)).sort((a, b) => a - b);
  // Cron's rule: when both day fields are restricted, a day matching either runs the job.
  const domAny = fields[2] === '*';
  const dowAny = fields[4] === '*';
  let gap = 0;
  for (let k = 1; k < times.length; k++) gap = Math.max(gap, times[k]! - times[k - 1]!);
  let previous: number | null = null;
  let runDays = 0;
  const base = Date.UTC(2024, 0, 1);
  for (let day = 0; day < 4 * 366; day++) {
    const d = new Date(base + day * 86_400_000);
    if (!months!.has(d.getUTCMonth() + 1)) continue;
    const domOk = doms!.has(d.getUTCDate());
    const dowOk = dows!.has(d.getUTCDay());
    const runs = domAny && dowAny ? true : domAny ? dowOk : dowAny ? domOk : domOk || dowOk;
    if (!runs) continue;
    if (previous !== null) gap = Math.max(gap, (day - previous) * 1440 + times[0]! - times[times.length - 1]!);
    previous = day;
    runDays++;
  }
  if (previous === null) return { ok: false, en: `cron "${fields.join(' ')}" never runs`, zh: `cron「${fields.join(' ')}」永不執行` };
  // Once in four years (29 February): at least that long between runs.
  if (runDays === 1) gap = 4 * 366 * 1440;
  return { ok: true, gapMinutes: gap, cron: true };
}
