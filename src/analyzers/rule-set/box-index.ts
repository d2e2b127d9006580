/**
 * Indexes of rule boxes over one dimension (the source addresses), so that the analysis asks
 * "which rules overlap this one" or "which rules contain this one" of the few candidates that
 * can answer instead of scanning every earlier rule (quadratic: 100,000 rules took minutes).
 *
 * An interval [lo, hi] of non-negative integers is filed at its canonical block: the smallest
 * aligned block of 2^L values that holds it (a prefix is its own block; `any` is the top one).
 * An interval that overlaps [a, b] sits at some level L in a block whose key lies between
 * floor(a / 2^L) and floor(b / 2^L); one that contains [a, b] sits in the block of `a` at a level
 * at least that of [a, b]. Both questions visit at most one key range per level (33 for IPv4).
 */

// Up to 2^1024 (Infinity): every finite double, even a 128-bit address a policy mislabelled as
// IPv4 carries, reaches a level where both ends fall in one block, so levelOf always ends.
const LEVELS = 1025;
const POW2 = Array.from({ length: LEVELS }, (_, l) => 2 ** l);

/**
 * The level of the smallest aligned block holding [lo, hi]. Division by a power of two is exact
 * and floor is monotone, so for any doubles an interval holding [a, b] has a's block at its level.
 */
export function levelOf(lo: number, hi: number): number {
  // Integers below 2^32 (IPv4 addresses, ports, ranks): the bit length of the bits where they
  // differ, without a division per level (a third of the containment queries' time at 1,000,000 rules).
  if (lo >= 0 && lo < 4294967296 && hi >= 0 && hi < 4294967296 && Number.isInteger(lo) && Number.isInteger(hi)) return 32 - Math.clz32((lo ^ hi) >>> 0);
  let l = 0;
  while (Math.floor(lo / POW2[l]!) !== Math.floor(hi / POW2[l]!)) l++;
  return l;
}

/**
 * A static index of every rule's interval in one dimension, for overlap queries. Per level, the
 * rules' block keys sorted (typed arrays: about 12 bytes per rule, no object per rule).
 */
export class OverlapIndex {
  private readonly levels: { readonly keys: Float64Array; readonly ids: Int32Array }[] = [];

  /** `lo(j)`, `hi(j)`: rule j's interval in the indexed dimension. */
  constructor(count: number, lo: (j: number) => number, hi: (j: number) => number) {
    const level = new Uint16Array(count);
    const sizes = new Int32Array(LEVELS);
    for (let j = 0; j < count; j++) {
      level[j] = levelOf(lo(j), hi(j));
      sizes[level[j]!]!++;
    }
    for (let l = 0; l < LEVELS; l++) {
      if (sizes[l] === 0) continue;
      const ids = new Int32Array(sizes[l]!);
      let n = 0;
      for (let j = 0; j < count; j++) if (level[j] === l) ids[n++] = j;
      const key = (j: number) => Math.floor(lo(j) / POW2[l]!);
      // Sorted by key, then by rule (ids are ascending already and the sort is stable).
      const sorted = Int32Array.from(Array.from(ids).sort((x, y) => key(x) - key(y)));
      this.levels[l] = { keys: Float64Array.from(sorted, key), ids: sorted };
    }
  }

  /**
   * Calls `visit(j)` for every rule whose block overlaps [a, b] (a superset of the rules whose
   * interval does: the caller checks every dimension). `visit` returns true to stop early.
   */
  forEachOverlapping(a: number, b: number, visit: (j: number) => boolean | void): void {
    for (let l = 0; l < this.levels.length; l++) {
      const level = this.levels[l];
      if (!level) continue;
      const { keys, ids } = level;
      const end = bisect(keys, Math.floor(b / POW2[l]!), true);
      for (let k = bisect(keys, Math.floor(a / POW2[l]!)); k < end; k++) if (visit(ids[k]!) === true) return;
    }
  }

  /**
   * How many rules forEachOverlapping would visit, in two binary searches per level: lets the
   * caller ask the dimension in which the question is narrowest (a rule from `any` source is
   * answered by its destination, else every rule would be a candidate).
   */
  countOverlapping(a: number, b: number): number {
    let n = 0;
    for (let l = 0; l < this.levels.length; l++) {
      const level = this.levels[l];
      if (level) n += bisect(level.keys, Math.floor(b / POW2[l]!), true) - bisect(level.keys, Math.floor(a / POW2[l]!));
    }
    return n;
  }
}

/** The first index whose key is ≥ k (keys ascending); with `after`, the first whose key is > k. */
function bisect(keys: Float64Array, k: number, after = false): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k || (after && keys[mid] === k)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One number per (level, block). Beyond 2^47 two levels may share a key: a shared list only
 * adds candidates (every one is checked), and stays ascending, as rules are added in order.
 */
function blockKey(x: number, l: number): number {
  return Math.floor(x / POW2[l]!) * 2048 + l;
}

/**
 * A growing index of intervals, for containment queries: the rules added so far whose interval
 * holds [a, b]. Rules are added in ascending order, so each block's list is ascending too.
 */
export class ContainIndex {
  private readonly blocks = new Map<number, number[]>();
  private maxLevel = 0;
  /**
   * How many intervals each level holds. Real rule sets use a handful of prefix lengths: the
   * questions skip the empty levels without a map lookup (lookups of 33 levels in two dimensions
   * per rule were a quarter of a 100,000-rule analysis).
   */
  private readonly perLevel = new Int32Array(LEVELS);

  add(j: number, lo: number, hi: number): void {
    const l = levelOf(lo, hi);
    if (l > this.maxLevel) this.maxLevel = l;
    this.perLevel[l]!++;
    const key = blockKey(lo, l);
    const list = this.blocks.get(key);
    if (list) list.push(j);
    else this.blocks.set(key, [j]);
  }

  /**
   * Calls `visit(j)` for every added rule whose block holds [a, b] (a superset of those whose
   * interval does), level by level, each list ascending. `visit` returns true to stop that list.
   */
  forEachContaining(a: number, b: number, visit: (j: number) => boolean | void): void {
    for (let l = levelOf(a, b); l <= this.maxLevel; l++) {
      if (this.perLevel[l] === 0) continue;
      const list = this.blocks.get(blockKey(a, l));
      if (!list) continue;
      for (const j of list) if (visit(j) === true) break;
    }
  }

  /** Puts into `out` the block lists forEachContaining would visit, in its order; returns how many rules they hold. */
  listsContaining(a: number, b: number, out: number[][]): number {
    out.length = 0;
    let n = 0;
    for (let l = levelOf(a, b); l <= this.maxLevel; l++) {
      if (this.perLevel[l] === 0) continue;
      const list = this.blocks.get(blockKey(a, l));
      if (!list) continue;
      out.push(list);
      n += list.length;
    }
    return n;
  }

  /** How many rules forEachContaining would visit (one map lookup per level). */
  countContaining(a: number, b: number): number {
    let n = 0;
    for (let l = levelOf(a, b); l <= this.maxLevel; l++) if (this.perLevel[l] !== 0) n += this.blocks.get(blockKey(a, l))?.length ?? 0;
    return n;
  }
}

/**
 * Overlap indexes over two dimensions (source and destination addresses) of the same rules.
 * Each question goes to the dimension that yields fewer candidates: an inbound rule from `any`
 * is answered by its destination, an outbound one to `any` by its source. One dimension alone
 * made every `any` rule visit every other rule (quadratic on real rule sets).
 */
export class PairOverlapIndex {
  private readonly first: OverlapIndex;
  private readonly second: OverlapIndex;

  constructor(count: number, lo: (j: number, d: 0 | 1) => number, hi: (j: number, d: 0 | 1) => number) {
    this.first = new OverlapIndex(
      count,
      (j) => lo(j, 0),
      (j) => hi(j, 0),
    );
    this.second = new OverlapIndex(
      count,
      (j) => lo(j, 1),
      (j) => hi(j, 1),
    );
  }

  /** How many candidates forEachOverlapping would visit. */
  countOverlapping(a0: number, b0: number, a1: number, b1: number): number {
    return Math.min(this.first.countOverlapping(a0, b0), this.second.countOverlapping(a1, b1));
  }

  /** `visit(j)` for a superset of the rules overlapping [a0, b0] × [a1, b1], each once; true stops. */
  forEachOverlapping(a0: number, b0: number, a1: number, b1: number, visit: (j: number) => boolean | void): void {
    if (this.first.countOverlapping(a0, b0) <= this.second.countOverlapping(a1, b1)) this.first.forEachOverlapping(a0, b0, visit);
    else this.second.forEachOverlapping(a1, b1, visit);
  }
}

/** Containment indexes over two dimensions, asked in the one with fewer candidates (see PairOverlapIndex). */
export class PairContainIndex {
  private readonly first = new ContainIndex();
  private readonly second = new ContainIndex();

  add(j: number, lo0: number, hi0: number, lo1: number, hi1: number): void {
    this.first.add(j, lo0, hi0);
    this.second.add(j, lo1, hi1);
  }

  /** As ContainIndex.forEachContaining, in whichever dimension has fewer candidates. */
  forEachContaining(a0: number, b0: number, a1: number, b1: number, visit: (j: number) => boolean | void): void {
    // Each dimension's block lists are looked up once, counted, and the shorter set visited.
    const lists0: number[][] = [];
    const lists1: number[][] = [];
    const n0 = this.first.listsContaining(a0, b0, lists0);
    const n1 = this.second.listsContaining(a1, b1, lists1);
    for (const list of n0 <= n1 ? lists0 : lists1) for (const j of list) if (visit(j) === true) break;
  }
}
