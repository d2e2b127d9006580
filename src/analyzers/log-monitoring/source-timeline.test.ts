import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeTimelines, SourceTimeline, type Gap } from './source-timeline.js';

const H = 3600_000;
const THRESHOLD = 24 * H;
type Ev = readonly [time: number, line: number];

/** The timeline a single sequential scan builds from events in this order. */
function scan(events: readonly Ev[], file = 'a.jsonl'): SourceTimeline | null {
  let t: SourceTimeline | null = null;
  for (const [time, line] of events) {
    if (t) t.add(time, file, line);
    else t = new SourceTimeline(time, file, line, THRESHOLD);
  }
  return t;
}

/** Ranges scanned apart and merged in file order, as the parallel path does. */
function scanInRanges(events: readonly Ev[], cuts: readonly number[]): SourceTimeline | null {
  const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, events.length)), events.length])].sort((a, b) => a - b);
  let out: SourceTimeline | null = null;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const part = scan(events.slice(bounds[k], bounds[k + 1]));
    if (part) out = out ? mergeTimelines(out, part) : part;
  }
  return out;
}

const view = (t: SourceTimeline | null) =>
  t && {
    first: t.first,
    last: t.last,
    gaps: [...t.gaps].sort((a: Gap, b: Gap) => a.from.time - b.from.time),
  };

// Times in hours over two months, so some gaps are long and some short.
const hourly = fc.integer({ min: 0, max: 24 * 60 }).map((h) => h * H);
const cuts = fc.array(fc.nat({ max: 60 }), { maxLength: 3 });

describe('silence timelines scanned in ranges and merged', () => {
  it('equal the sequential scan for unordered events with distinct times, whatever the split points', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hourly, { maxLength: 50 }), cuts, (times, at) => {
        const events = times.map((time, i): Ev => [time, i + 1]);
        expect(view(scanInRanges(events, at))).toEqual(view(scan(events)));
      }),
      { numRuns: 2000 },
    );
  });

  it('equal the sequential scan for time-ordered events with ties (the usual log), endpoints included', () => {
    fc.assert(
      fc.property(fc.array(hourly, { maxLength: 50 }), cuts, (times, at) => {
        const events = [...times].sort((a, b) => a - b).map((time, i): Ev => [time, i + 1]);
        expect(view(scanInRanges(events, at))).toEqual(view(scan(events)));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a silence that spans a range border: the last event of one range and the first of the next', () => {
    const a = scan([
      [0, 1],
      [1 * H, 2],
    ])!;
    const b = scan([
      [30 * H, 3],
      [31 * H, 4],
    ])!;
    const m = mergeTimelines(a, b);
    expect(m.gaps).toEqual([{ from: { time: 1 * H, file: 'a.jsonl', line: 2 }, to: { time: 30 * H, file: 'a.jsonl', line: 3 } }]);
    expect([m.first.line, m.last.line]).toEqual([1, 4]);
  });

  it('closes a long gap of one range with an event of the other', () => {
    // Range 1 is silent from hour 0 to 40; range 2 logs at hour 20: two short gaps remain.
    const a = scan([
      [0, 1],
      [40 * H, 2],
    ])!;
    expect(a.gaps).toHaveLength(1);
    const m = mergeTimelines(a, scan([[20 * H, 3]])!);
    expect(m.gaps).toEqual([]);
  });
});
