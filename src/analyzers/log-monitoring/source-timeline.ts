export interface Endpoint {
  readonly time: number;
  readonly file: string;
  readonly line: number;
}

export interface Gap {
  readonly from: Endpoint;
  readonly to: Endpoint;
}

/**
 * One source's events as far as silence is concerned (8/(4)/d): its first and last event and
 * every gap longer than the threshold. Exact for unordered input in memory bounded by the number
 * of long gaps, not of events: an event after the last or before the first opens a gap; one
 * inside a long gap splits it (into parts that may both still be long); one inside a short gap
 * changes nothing, since its parts are shorter still.
 */
export class SourceTimeline {
  first: Endpoint;
  // The last event as plain fields: it changes on nearly every line, so no object per line.
  lastTime: number;
  lastFile: string;
  lastLine: number;
  gaps: Gap[] = [];
  constructor(
    time: number,
    file: string,
    line: number,
    readonly threshold: number,
  ) {
    this.first = { time, file, line };
    this.lastTime = time;
    this.lastFile = file;
    this.lastLine = line;
  }
  get last(): Endpoint {
    return { time: this.lastTime, file: this.lastFile, line: this.lastLine };
  }
  add(time: number, file: string, line: number): void {
    if (time >= this.lastTime) {
      if (time - this.lastTime > this.threshold) this.gaps.push({ from: this.last, to: { time, file, line } });
      this.lastTime = time;
      this.lastFile = file;
      this.lastLine = line;
    } else if (time < this.first.time) {
      const at = { time, file, line };
      if (this.first.time - time > this.threshold) this.gaps.push({ from: at, to: this.first });
      this.first = at;
    } else if (this.gaps.length) {
      const i = this.gaps.findIndex((g) => g.from.time < time && time < g.to.time);
      if (i < 0) return;
      const g = this.gaps[i]!;
      const at = { time, file, line };
      const parts = [
        { from: g.from, to: at },
        { from: at, to: g.to },
      ].filter((p) => p.to.time - p.from.time > this.threshold);
      this.gaps.splice(i, 1, ...parts);
    }
  }
}

/** An open interval with no event of one part inside; null ends are unbounded. */
interface Free {
  readonly lo: Endpoint | null;
  readonly hi: Endpoint | null;
}

/** Where a timeline has no event long enough to matter: before its first, its long gaps, after its last; in time order. */
function freeIntervals(t: SourceTimeline): Free[] {
  const gaps = [...t.gaps].sort((a, b) => a.from.time - b.from.time);
  return [{ lo: null, hi: t.first }, ...gaps.map((g) => ({ lo: g.from, hi: g.to })), { lo: t.last, hi: null }];
}

/**
 * The timeline of the events of `a` followed by those of `b` (a file scanned in byte ranges:
 * `a` is the earlier range), exactly as if `add` had seen them all in that order. A long gap of
 * the union has no event of either part inside, so it is the overlap of a free interval of `a`
 * and one of `b`; an overlap that lies within a short gap of either is short itself, so only
 * long gaps and the open ends need to be kept. Ties in time go as the sequential scan has them:
 * the later event ends a run (last, a gap's start), the earlier one begins it (first, a gap's end).
 */
export function mergeTimelines(a: SourceTimeline, b: SourceTimeline): SourceTimeline {
  const later = (x: Endpoint | null, y: Endpoint | null) => (x === null ? y : y === null ? x : y.time >= x.time ? y : x);
  const earlier = (x: Endpoint | null, y: Endpoint | null) => (x === null ? y : y === null ? x : x.time <= y.time ? x : y);
  const first = earlier(a.first, b.first)!;
  const last = later(a.last, b.last)!;
  const out = new SourceTimeline(first.time, first.file, first.line, a.threshold);
  out.first = first;
  out.lastTime = last.time;
  out.lastFile = last.file;
  out.lastLine = last.line;
  const fa = freeIntervals(a);
  const fb = freeIntervals(b);
  // Two sorted lists of disjoint intervals: walk them together, keeping each overlap that is long.
  let i = 0;
  let j = 0;
  while (i < fa.length && j < fb.length) {
    const x = fa[i]!;
    const y = fb[j]!;
    const lo = later(x.lo, y.lo);
    const hi = earlier(x.hi, y.hi);
    if (lo !== null && hi !== null && hi.time - lo.time > a.threshold) out.gaps.push({ from: lo, to: hi });
    // Move past whichever interval ends first (an unbounded end never does).
    if (x.hi === null) j++;
    else if (y.hi === null) i++;
    else if (x.hi.time < y.hi.time) i++;
    else j++;
  }
  return out;
}

/** A timeline as plain data (as it arrives from a worker thread: fields, no methods). */
export type TimelineData = Pick<SourceTimeline, 'first' | 'lastTime' | 'lastFile' | 'lastLine' | 'gaps' | 'threshold'>;

/**
 * The same timeline with every line number moved by `by`: a range's lines renumbered in its file.
 * Takes plain data too, so it also rebuilds a timeline sent from a worker thread.
 */
export function shiftTimeline(t: TimelineData, by: number): SourceTimeline {
  const at = (e: Endpoint): Endpoint => ({ ...e, line: e.line + by });
  const out = new SourceTimeline(t.first.time, t.first.file, t.first.line + by, t.threshold);
  out.lastTime = t.lastTime;
  out.lastFile = t.lastFile;
  out.lastLine = t.lastLine + by;
  out.gaps = t.gaps.map((g) => ({ from: at(g.from), to: at(g.to) }));
  return out;
}
