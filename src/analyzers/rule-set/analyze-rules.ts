import type { AnalyzerFinding, FindingLocation, FindingSeverity } from '../../core/analysis/analyzer.js';
import type { IsoDate } from '../../core/dates.js';
import { PairContainIndex, PairOverlapIndex } from './box-index.js';
import { DIMENSIONS, anyAddress, describeBox, type NormalizedRule, type Policy } from './rule-model.js';

export interface RuleAnalysisOptions {
  readonly today: IsoDate;
  /** A permit whose destination, or both ends, are broader than this prefix is over-broad. */
  readonly minPrefixV4: number;
  readonly minPrefixV6: number;
  /** A permit spanning more destination ports than this is over-broad. */
  readonly maxPortSpan: number;
  /** When the whole file was last reviewed, if the rules do not say (7/(1)/b/(i)). */
  readonly reviewedOn: IsoDate | null;
  readonly reviewMaxDays: number;
  /** Give up exact coverage of one rule after this many pieces (reported, never guessed). */
  readonly pieceBudget: number;
  /**
   * `indexed` (default) finds candidate rules through interval indexes; `scan` compares every
   * pair, the earlier engine, kept as the reference the property tests and the benchmark use.
   */
  readonly engine?: 'indexed' | 'scan';
}

export const DEFAULT_RULE_OPTIONS: Omit<RuleAnalysisOptions, 'today'> = {
  minPrefixV4: 16,
  minPrefixV6: 48,
  maxPortSpan: 1024,
  reviewedOn: null,
  reviewMaxDays: 365,
  pieceBudget: 20_000,
};

/** A finding about rules, with the syntax-independent description of the traffic it concerns. */
export interface RuleFinding extends AnalyzerFinding {
  readonly match: string | null;
  readonly policy: string;
}

const D = DIMENSIONS.length;
// The unrolled scan in PolicyAnalysis.forward reads the box by these offsets.
if (DIMENSIONS.join() !== 'proto,src,dst,sport,dport,state') throw new Error('update the unrolled scan in PolicyAnalysis.forward');
type Box = Float64Array; // [lo0, hi0, lo1, hi1, …]

/** IPv4 addresses, ports and protocols all fit a double exactly: no compression needed. */
function writeBox(r: NormalizedRule, flat: Float64Array, o: number): void {
  const b = r.box;
  flat[o] = Number(b.proto.lo);
  flat[o + 1] = Number(b.proto.hi);
  flat[o + 2] = Number(b.src.lo);
  flat[o + 3] = Number(b.src.hi);
  flat[o + 4] = Number(b.dst.lo);
  flat[o + 5] = Number(b.dst.hi);
  flat[o + 6] = Number(b.sport.lo);
  flat[o + 7] = Number(b.sport.hi);
  flat[o + 8] = Number(b.dport.lo);
  flat[o + 9] = Number(b.dport.hi);
  flat[o + 10] = Number(b.state.lo);
  flat[o + 11] = Number(b.state.hi);
}

/**
 * The boxes as plain numbers in one array (rule j at j × 2D), so that the quadratic part of the
 * analysis compares doubles instead of bigints: exact values for IPv4, ranks of the endpoints for
 * IPv6 (128-bit). One array rather than one Float64Array per rule: at 1,000,000 rules each small
 * array cost about 500 bytes beside its 96 of data.
 */
function compress(rules: readonly NormalizedRule[]): Float64Array {
  const W = 2 * D;
  const flat = new Float64Array(rules.length * W);
  if (rules.every((r) => r.family === 4)) {
    rules.forEach((r, j) => writeBox(r, flat, j * W));
    return flat;
  }
  DIMENSIONS.forEach((dim, d) => {
    const points = new Set<bigint>();
    for (const r of rules) {
      points.add(r.box[dim].lo);
      points.add(r.box[dim].hi + 1n);
    }
    const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(sorted.map((p, i) => [p, i]));
    rules.forEach((r, j) => {
      flat[j * W + 2 * d] = rank.get(r.box[dim].lo)!;
      flat[j * W + 2 * d + 1] = rank.get(r.box[dim].hi + 1n)! - 1;
    });
  });
  return flat;
}

/** Rule j's box as a view of `flat` (no copy: it changes when the row is rewritten). */
function views(flat: Float64Array): Box[] {
  const W = 2 * D;
  return Array.from({ length: flat.length / W }, (_, j) => flat.subarray(j * W, (j + 1) * W));
}

/** Columns 2–5 of each row of `flat`: the src and dst bounds. */
function addresses(flat: Float64Array): Float64Array {
  const n = flat.length / (2 * D);
  const out = new Float64Array(n * 4);
  for (let j = 0; j < n; j++) out.set(flat.subarray(j * 2 * D + 2, j * 2 * D + 6), j * 4);
  return out;
}

function intersects(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * D; k += 2) if (a[k]! > b[k + 1]! || b[k]! > a[k + 1]!) return false;
  return true;
}

function within(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * D; k += 2) if (a[k]! < b[k]! || a[k + 1]! > b[k + 1]!) return false;
  return true;
}

/** Whether box `b` misses, by source or destination, the rule whose compact addresses start at `a` of `addr`. */
function addressesApart(b: Box, addr: Float64Array, a: number): boolean {
  return b[2]! > addr[a + 1]! || addr[a]! > b[3]! || b[4]! > addr[a + 3]! || addr[a + 2]! > b[5]!;
}

/** The parts of `a` outside `b` (they intersect): at most two slabs per dimension. */
function subtract(a: Box, b: Box, out: Box[]): void {
  const cur = a.slice();
  for (let k = 0; k < 2 * D; k += 2) {
    if (cur[k]! < b[k]!) {
      const p = cur.slice();
      p[k + 1] = b[k]! - 1;
      out.push(p);
      cur[k] = b[k]!;
    }
    if (cur[k + 1]! > b[k + 1]!) {
      const p = cur.slice();
      p[k] = b[k + 1]! + 1;
      out.push(p);
      cur[k + 1] = b[k + 1]!;
    }
  }
}

/**
 * A necessary condition, in linear time: in every dimension, the covers' projections must
 * together cover `a`'s. Most rules fail it, and skip the exact (and costly) box subtraction.
 * Returns a point of `a` that no cover contains (at the first gap), or null when every
 * projection is covered.
 */
function projectionGap(a: Box, covers: readonly Box[]): Box | null {
  // First, in linear time, a dimension in which no cover reaches a's low end: a catch-all put in
  // below 20,000 rules is judged against all of them, and sorting their spans in each dimension
  // before finding that no destination starts at 0 was most of its own check.
  for (let k = 0; k < 2 * D; k += 2) {
    let reached = false;
    for (const c of covers) {
      if (c[k]! <= a[k]!) {
        reached = true;
        break;
      }
    }
    if (!reached) return pointAt(a, k, a[k]!);
  }
  for (let k = 0; k < 2 * D; k += 2) {
    const spans = covers.map((c) => [Math.max(c[k]!, a[k]!), Math.min(c[k + 1]!, a[k + 1]!)] as const).sort((x, y) => x[0] - y[0]);
    let reach = a[k]! - 1;
    for (const [lo, hi] of spans) {
      if (lo > reach + 1) return pointAt(a, k, reach + 1);
      if (hi > reach) reach = hi;
    }
    if (reach < a[k + 1]!) return pointAt(a, k, reach + 1);
  }
  return null;
}

/** A point of `a` (its low corner) with coordinate `v` in the dimension at `k`, as a one-point box. */
function pointAt(a: Box, k: number, v: number): Box {
  const p = new Float64Array(2 * D);
  for (let m = 0; m < 2 * D; m += 2) p[m] = p[m + 1] = a[m]!;
  p[k] = p[k + 1] = v;
  return p;
}

/**
 * Whether the union of `covers` contains `a` exactly: true; null when the piece budget ran out;
 * otherwise a witness, a point of `a` that no cover contains. The witness lets a later re-check
 * prove a rule still reachable in constant time (see PolicyAnalysis.replaceRule).
 *
 * Depth first: the cover sharing most of a piece takes it, the parts of the piece outside that
 * cover (at most two slabs per dimension) are pieces of their own, each with only the covers
 * that still meet it. Subtracting every cover from every piece instead multiplied pieces that
 * most covers never touch (a rule among a thousand overlapping ones ran out of budget).
 */
export function coveredByUnion(a: Box, covers: readonly Box[], budget: number): true | null | Box {
  // Only covers that meet `a` count: a disjoint one has no projection on it (an empty span would
  // read as a gap beyond `a`'s end).
  const live = covers.filter((c) => intersects(c, a));
  const gap = projectionGap(a, live);
  if (gap) return gap;
  // An explicit stack: a piece can be cut by thousands of covers in turn, deeper than the call stack.
  const stack: { piece: Box; live: readonly Box[] }[] = [{ piece: a, live }];
  for (let pieces = 1; stack.length > 0; pieces++) {
    if (pieces > budget) return null;
    const { piece, live } = stack.pop()!;
    let best: Box | null = null;
    let bestVolume = -Infinity;
    let whole = false;
    for (const c of live) {
      if (within(piece, c)) {
        whole = true;
        break;
      }
      const v = overlapLog2(piece, c);
      if (v > bestVolume) {
        bestVolume = v;
        best = c;
      }
    }
    if (whole) continue;
    if (best === null) return pointAt(piece, 0, piece[0]!);
    const rest: Box[] = [];
    subtract(piece, best, rest);
    for (let k = rest.length - 1; k >= 0; k--) {
      const p = rest[k]!;
      stack.push({ piece: p, live: live.filter((c) => c !== best && intersects(c, p)) });
    }
  }
  return true;
}

/** log2 of the volume a cover shares with `a` (log, so that 128-bit IPv6 spans do not overflow). */
function overlapLog2(a: Box, c: Box): number {
  let v = 0;
  for (let k = 0; k < 2 * D; k += 2) v += Math.log2(Math.min(a[k + 1]!, c[k + 1]!) - Math.max(a[k]!, c[k]!) + 1);
  return v;
}

const KNOWN_COVERED: CoverHint = Object.freeze({ known: true });
const NO_RULES: readonly number[] = Object.freeze([]);
/** How many rules an edit takes the first cover from before it asks (and builds) the containment index. */
const HOLDER_INDEX_AFTER = 256;
/** firstHolder without an index: the caller looks for itself. */
const UNKNOWN = -2;

/** Whether the low corner of `a` lies in `b`. */
function cornerWithin(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * D; k += 2) if (a[k]! < b[k]! || a[k]! > b[k + 1]!) return false;
  return true;
}

/** No later rule is known to decide whether a rule is redundant to a later one. */
const UNDECIDED = 0x7fffffff;

/** Two ascending lists of rule positions merged, each position once. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let k = 0;
  while (i < a.length || k < b.length) {
    const x = k >= b.length || (i < a.length && a[i]! <= b[k]!) ? a[i++]! : b[k++]!;
    if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

/** How many later rules reverseOf reads one by one before it asks the index. */
const NEAR_SCAN = 512;

const verb = (a: 'permit' | 'deny') => (a === 'permit' ? 'permits' : 'denies');
const loc = (r: NormalizedRule): FindingLocation => ({ file: r.file, line: r.line, rule: r.name });

/** What the caller of a re-check knows about a rule's coverage: the answer, or which cover was replaced. */
type CoverHint =
  | { readonly known: true }
  | { readonly known: false; readonly witness: Witness }
  | { readonly removed: Box; readonly added: Box | null; readonly position: number };

function intersection(a: Box, b: Box): Box {
  const r = a.slice();
  for (let k = 0; k < 2 * D; k += 2) {
    r[k] = Math.max(a[k]!, b[k]!);
    r[k + 1] = Math.min(a[k + 1]!, b[k + 1]!);
  }
  return r;
}

/**
 * How earlier rules cover one box: one earlier rule holds it all (redundant when it acts alike,
 * shadowed when not), or only the union of several does (unreachable; `by` is every earlier
 * rule that overlaps it, which together hold it).
 */
interface Cover {
  readonly kind: 'redundant' | 'shadowed' | 'unreachable';
  readonly by: readonly number[];
}

/**
 * A point of a rule that no earlier rule matches; `corner`, the low corner of its own box (when no
 * earlier rule overlaps it), is kept as a word rather than one small array per rule.
 */
type Witness = Box | 'corner' | null;

/** Shared by the records with no findings of a kind (most of them): no empty array per rule. */
const NONE: readonly RuleFinding[] = Object.freeze([]);

interface RuleRecord {
  /** Findings about this rule from the rules before it (generalization, correlation, undecided). */
  forward: readonly RuleFinding[];
  /** Which earlier rules match all of its traffic: reported per rule line in findings(). */
  cover: Cover | null;
  /** Whether earlier rules match all of its traffic (it can then make no other rule redundant). */
  covered: boolean;
  /** When not covered: a point of the rule no earlier rule matches (null when undecided or unknown). */
  witness: Witness;
  /**
   * The later rule this one is redundant to, or -1. A position, not the finding: the finding is
   * worded when findings() is read (a catch-all put in makes every earlier rule that acts alike
   * redundant to it, and wording each at the edit was a fifth of the edit's time). An edit of that
   * later rule re-decides this one, so the position always names the rule that decided.
   */
  reverseTo: number;
  /** Findings about the rule alone (any-any, over-broad). */
  local: readonly RuleFinding[];
}

/**
 * What one edit changed, kept so that a later edit which puts back the rule this one replaced
 * can restore the analysis as it stood instead of re-checking (see replaceRule). Per rule whose
 * record the edit rewrote, the record's fields and its decider as they were, in parallel arrays
 * (no object per record: a catch-all edit rewrites most of them).
 */
interface EditFrame {
  readonly position: number;
  /** The rule the edit replaced (the object itself) and the rule it put in. */
  readonly before: NormalizedRule;
  readonly after: NormalizedRule;
  readonly lastReachable: number;
  readonly ids: number[];
  readonly forward: (readonly RuleFinding[])[];
  readonly cover: (Cover | null)[];
  readonly covered: boolean[];
  readonly witness: Witness[];
  readonly reverseTo: number[];
  readonly local: (readonly RuleFinding[])[];
  readonly deciders: number[];
  readonly exacts: number[];
}

/** How many later edits an undo re-applies at most (each an ordinary re-check). */
const REDO_LIMIT = 16;
/** The history keeps at most this many saved records per rule of the policy, dropping the oldest edits first. */
const HISTORY_RECORDS_PER_RULE = 2;

/** Whether two rules are the same in everything the analysis reads (the position aside). */
function sameRule(a: NormalizedRule, b: NormalizedRule): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof NormalizedRule)[]);
  for (const k of keys) {
    if (k === 'index') continue;
    if (k === 'box') {
      if (!DIMENSIONS.every((d) => a.box[d].lo === b.box[d].lo && a.box[d].hi === b.box[d].hi)) return false;
    } else if (k === 'applications') {
      const [x, y] = [a.applications, b.applications];
      if (x !== y && (x === null || y === null || x.length !== y.length || x.some((v, i) => v !== y[i]))) return false;
    } else if (a[k] !== b[k]) return false;
  }
  return true;
}

/** The first `n` blocking rules, one per file and line (expanded rules share a line). */
function firstDistinctLocations(list: readonly NormalizedRule[], n: number): FindingLocation[] {
  const seen = new Set<string>();
  const out: FindingLocation[] = [];
  for (const b of list) {
    if (out.length === n) break;
    const key = `${b.file}:${b.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(loc(b));
  }
  return out;
}

const describe = (r: NormalizedRule) => `${r.name} (line ${r.line})`;
/** The first `n` rules with distinct lines (expanded rules share one), and how many distinct lines there are. */
function distinct(list: readonly NormalizedRule[], n = 5): { head: NormalizedRule[]; count: number } {
  const lines = new Set<number>();
  const head: NormalizedRule[] = [];
  for (const r of list) {
    if (lines.has(r.line)) continue;
    lines.add(r.line);
    if (head.length < n) head.push(r);
  }
  return { head, count: lines.size };
}
const overlapsBig = (a: NormalizedRule, b: NormalizedRule) => DIMENSIONS.every((d) => a.box[d].lo <= b.box[d].hi && b.box[d].lo <= a.box[d].hi);

/**
 * The analysis of one policy, kept per rule so that changing one rule re-checks only what it
 * can affect: the rule, the later rules that overlap it (before or after the change), and the
 * rules whose redundancy could depend on those.
 */
export class PolicyAnalysis {
  private rules: NormalizedRule[];
  private boxes: Box[];
  /** The same boxes in one array (rule j at j × 2D), for the scans over all earlier rules. */
  private flat: Float64Array;
  /** Source and destination bounds only (4 per rule), the scan's first and most selective test. */
  private addr: Float64Array;
  /** Rule j has conditions the model cannot express (it never covers another rule). */
  private opaque: Uint8Array;
  private records: RuleRecord[];
  /**
   * The rules by source and destination addresses (indexed engine), as built; `moved` holds the
   * positions replaced since, whose entries are stale and which every query visits directly instead.
   */
  private byAddress: PairOverlapIndex | null = null;
  private readonly moved = new Set<number>();
  /**
   * Per rule j, the later rule that decides whether j is redundant to a later one (see reverseOf),
   * or a later rule at or after it (a conflict the index met first); UNDECIDED when none is
   * known. An edit re-decides j only where it changed a rule at or before that one.
   */
  private readonly decider: Int32Array;
  /**
   * 1 where `decider` is exactly the first deciding rule, or UNDECIDED because none decides. 0
   * where it is only a bound: then whatever decides j first acts otherwise (j is not redundant),
   * and no rule before that one holds j alike.
   */
  private readonly exact: Uint8Array;
  private readonly singleCovers = new Map<number, Cover>();
  /** All rules by containment (see firstHolder); null until first asked, and after the ranks change. */
  private holders: PairContainIndex | null = null;
  /** The last rule that can make an earlier one redundant (not opaque, not covered); -1 if none. */
  private lastReachable = -1;
  /**
   * How many rules are not IPv4, kept up to date by replaceRule: asking every rule at each edit
   * was the largest part of an edit's time at 100,000 rules (rules of many shapes, slow to read).
   */
  private nonIpv4: number;
  /**
   * The last edits, oldest first, each with what it changed (IPv4 only: an IPv6 edit moves the
   * ranks every saved box and witness is in, and clears it).
   */
  private readonly history: EditFrame[] = [];
  /** The edit being made, whose frame saves each record before its first change; null outside an edit. */
  private frame: EditFrame | null = null;
  /** Per rule, the serial of the last edit that saved its record (one save per rule and edit). */
  private savedIn: Int32Array;
  private edits = 0;

  constructor(
    readonly policy: Policy,
    readonly options: RuleAnalysisOptions,
  ) {
    this.rules = policy.rules.filter((r) => !r.disabled);
    this.nonIpv4 = this.rules.reduce((n, r) => (r.family === 4 ? n : n + 1), 0);
    this.flat = compress(this.rules);
    this.boxes = views(this.flat);
    this.addr = addresses(this.flat);
    this.opaque = Uint8Array.from(this.rules, (r) => (r.opaque ? 1 : 0));
    this.records = this.rules.map(() => ({ forward: NONE, cover: null, covered: false, witness: null, reverseTo: -1, local: NONE }));
    this.decider = new Int32Array(this.rules.length).fill(UNDECIDED);
    this.exact = new Uint8Array(this.rules.length);
    this.savedIn = new Int32Array(this.rules.length);
    this.full();
    this.lastReachable = this.rules.length - 1;
    this.findLastReachable();
  }

  get scope(): number {
    return this.rules.length;
  }

  private finding(
    r: NormalizedRule | null,
    kind: string,
    severity: FindingSeverity,
    failing: boolean,
    clause: string,
    detail: string,
    detailZh: string,
    blocking: NormalizedRule[] = [],
  ): RuleFinding {
    return {
      kind,
      severity,
      failing,
      clause,
      detail,
      detailZh,
      policy: this.policy.name,
      file: r?.file ?? this.policy.file,
      line: r?.line ?? null,
      rule: r?.name ?? this.policy.name,
      match: r ? `${r.action} ${describeBox(r.box, r.family)}` : null,
      // Expanded rules share a line: name each blocking line once.
      blocking: firstDistinctLocations(blocking, 20),
    };
  }

  private redundantTo(rj: NormalizedRule, ri: NormalizedRule): RuleFinding {
    return this.finding(
      rj,
      'redundant',
      'low',
      false,
      '7/(1)/b/(h)',
      `${describe(rj)} is redundant: the later ${describe(ri)} ${verb(ri.action)} the same traffic and nothing in between differs`,
      `${describe(rj)} 為多餘規則：其後之 ${describe(ri)} 對相同流量處置相同`,
      [ri],
    );
  }

  /**
   * Judges rule i against the rules before it, found by scanning them all. With `firstConflict`,
   * it also settles, the way the scanning pass does in one sweep, which earlier rules this one
   * makes redundant.
   */
  private forward(
    i: number,
    firstConflict?: Int32Array,
    redundantEarlier?: Set<number>,
    hint?: CoverHint,
  ): { findings: readonly RuleFinding[]; covered: boolean; witness: Witness; cover: Cover | null } {
    const earlier = this.scanEarlier(i, firstConflict);
    const bi = this.boxes[i]!;
    return this.judge(
      i,
      earlier.find((j) => within(bi, this.boxes[j]!)),
      earlier,
      hint,
      firstConflict,
      redundantEarlier,
    );
  }

  /** The earlier rules that overlap rule i and can cover (not opaque), ascending, by scanning every earlier rule. */
  private scanEarlier(i: number, firstConflict?: Int32Array): number[] {
    const { rules, flat, addr, opaque } = this;
    const ri = rules[i]!;
    const earlier: number[] = [];
    const W = 2 * D;
    // Unrolled, addresses first (from their own compact array): they reject most pairs, where
    // protocol and state rarely do.
    const [p0, p1, s0, s1, d0, d1, sp0, sp1, dp0, dp1, st0, st1] = this.boxes[i]! as unknown as number[];
    for (let j = 0, a = 0, o = 0; j < i; j++, a += 4, o += W) {
      if (s0! > addr[a + 1]! || addr[a]! > s1! || d0! > addr[a + 3]! || addr[a + 2]! > d1!) continue;
      if (dp0! > flat[o + 9]! || flat[o + 8]! > dp1!) continue;
      if (p0! > flat[o + 1]! || flat[o]! > p1!) continue;
      if (sp0! > flat[o + 7]! || flat[o + 6]! > sp1!) continue;
      if (st0! > flat[o + 11]! || flat[o + 10]! > st1!) continue;
      if (firstConflict && rules[j]!.action !== ri.action && firstConflict[j]! > i) firstConflict[j] = i;
      // A rule with unmodelled conditions matches at most its box: it never shadows another.
      if (!opaque[j]) earlier.push(j);
    }
    return earlier;
  }

  /**
   * Judges rule i given the first earlier rule that holds all of it (`single`), else the earlier
   * rules that overlap it and can cover (ascending; asked for only when no single rule covers).
   */
  private judge(
    i: number,
    single: number | undefined,
    earlierOrLater: readonly number[] | (() => readonly number[]),
    hint?: CoverHint,
    firstConflict?: Int32Array,
    redundantEarlier?: Set<number>,
  ): { findings: readonly RuleFinding[]; covered: boolean; witness: Witness; cover: Cover | null } {
    const { rules, boxes } = this;
    const ri = rules[i]!;
    const bi = boxes[i]!;
    const out: RuleFinding[] = [];
    if (single !== undefined) {
      // Named per rule line in findings(): a line expanded into several boxes may be covered by
      // a different earlier rule in each, and only all of them together make the line dead.
      return { findings: NONE, covered: true, witness: null, cover: this.singleCover(single, rules[single]!.action === ri.action ? 'redundant' : 'shadowed') };
    }
    const earlier = typeof earlierOrLater === 'function' ? earlierOrLater() : earlierOrLater;
    if (earlier.length === 0) return { findings: NONE, covered: false, witness: 'corner', cover: null };
    // When the caller knows the answer or what changed (see replaceRule), it spares the full exact check.
    const answer =
      hint === undefined
        ? coveredByUnion(
            bi,
            earlier.map((j) => boxes[j]!),
            this.options.pieceBudget,
          )
        : 'known' in hint
          ? hint.known
          : this.coveredAfterRemoval(bi, earlier, hint);
    const covered = answer === true || answer === null ? answer : false;
    const witness = answer instanceof Float64Array ? answer : answer === false && hint && 'witness' in hint ? hint.witness : null;
    if (covered === null) {
      out.push(
        this.finding(
          ri,
          'coverage_undecided',
          'info',
          false,
          '7/(1)/b/(h)',
          `${describe(ri)}: exact coverage not decided within the analysis budget`,
          `${describe(ri)}：未能在分析上限內判定是否被涵蓋`,
        ),
      );
    } else if (covered) {
      // Every earlier rule that overlaps it: their union holds all of its traffic.
      return { findings: out.length ? out : NONE, covered: true, witness: null, cover: { kind: 'unreachable', by: earlier } };
    }
    const general: NormalizedRule[] = [];
    const correlated: NormalizedRule[] = [];
    for (const j of earlier) {
      const rj = rules[j]!;
      if (rj.action === ri.action) {
        // Redundancy the other way: an earlier rule wholly inside this one, same action, and no
        // rule in between that treats part of its traffic differently. An opaque rule matches
        // at most its box: it cannot make another rule redundant.
        if (firstConflict && redundantEarlier && !ri.opaque && within(boxes[j]!, bi) && !redundantEarlier.has(j) && firstConflict[j]! > i) {
          redundantEarlier.add(j);
          this.decider[j] = i;
          this.exact[j] = 1;
          this.records[j]!.reverseTo = i;
        }
        continue;
      }
      if (within(boxes[j]!, bi)) general.push(rj);
      else correlated.push(rj);
    }
    if (general.length) {
      const g = distinct(general);
      out.push(
        this.finding(
          ri,
          'generalization',
          'info',
          false,
          '7/(1)/b/(h)',
          `${describe(ri)} generalizes ${g.head.map(describe).join(', ')}${g.count > 5 ? ', …' : ''}: a broader rule with the opposite action after narrower ones`,
          `${describe(ri)} 為 ${g.count} 條較窄規則之一般化規則（範圍較大且動作相反）`,
          general,
        ),
      );
    }
    if (correlated.length) {
      const c = distinct(correlated);
      out.push(
        this.finding(
          ri,
          'correlation',
          'info',
          false,
          '7/(1)/b/(h)',
          `${describe(ri)} overlaps ${c.head.map(describe).join(', ')}${c.count > 5 ? ', …' : ''} with the opposite action: their order decides the outcome`,
          `${describe(ri)} 與 ${c.count} 條動作相反之規則部分重疊，結果取決於順序`,
          correlated,
        ),
      );
    }
    return { findings: out.length ? out : NONE, covered: false, witness, cover: null };
  }

  /** One shared record per covering rule and kind (a catch-all covers tens of thousands of rules). */
  private singleCover(j: number, kind: 'redundant' | 'shadowed'): Cover {
    const key = 2 * j + (kind === 'redundant' ? 1 : 0);
    let c = this.singleCovers.get(key);
    if (!c) this.singleCovers.set(key, (c = Object.freeze({ kind, by: Object.freeze([j]) })));
    return c;
  }

  /**
   * Rule x was covered by the union of its earlier rules, one of which (`removed`, at `position`)
   * has been replaced by `added`. Every point of x outside `removed` is still covered by the
   * others, so x stays covered exactly when the part of x inside `removed`, less `added`, is
   * covered by the other earlier rules: a much smaller box against far fewer covers.
   */
  private coveredAfterRemoval(bx: Box, earlier: readonly number[], hint: Extract<CoverHint, { removed: Box }>): true | null | Box {
    let pieces: Box[] = [intersection(bx, hint.removed)];
    if (hint.added) {
      const next: Box[] = [];
      for (const p of pieces) {
        if (intersects(p, hint.added)) subtract(p, hint.added, next);
        else next.push(p);
      }
      pieces = next;
    }
    const others = earlier.filter((j) => j !== hint.position).map((j) => this.boxes[j]!);
    for (const p of pieces) {
      const r = coveredByUnion(
        p,
        others.filter((c) => intersects(c, p)),
        this.options.pieceBudget,
      );
      if (r !== true) return r;
    }
    return true;
  }

  /**
   * Sets whether rule j is redundant to a later rule: the first later rule that decides it. Also
   * keeps which rule decided (see `decider`).
   */
  private reverseOf(j: number, limit = this.rules.length): void {
    const { rules, boxes, addr } = this;
    const rj = rules[j]!;
    this.save(j);
    this.decider[j] = UNDECIDED;
    this.exact[j] = 0;
    this.records[j]!.reverseTo = -1;
    // Only a reachable rule that can cover makes j redundant: after the last one, none does (a
    // catch-all edit covers every later rule at once, and this spares each a walk).
    if (rj.opaque || j >= this.lastReachable) return;
    // From here the walk finds the first deciding rule, or that none decides.
    this.exact[j] = 1;
    const bj = boxes[j]!;
    // The first later rule that overlaps j decides (differs: not redundant; alike and holds it:
    // redundant to it). A broad rule meets one within a few rules, a narrow one may meet none:
    // so the next rules first, by their compact addresses, then the index for the rest (a scan
    // of every later rule made one re-check cost a pass over the policy, and collecting every
    // later rule that overlaps a broad one cost as much).
    // Collecting and sorting the candidates costs more than reading the compact addresses of
    // every later rule when the candidates are many: then it reads them all. The next rules are
    // read first in any case, before the index is asked how many candidates it has: when an edit
    // changes the coverage of tens of thousands of rules (a catch-all widened), most of them meet
    // their deciding rule there, and counting was a fifth of the edit's time.
    // Rules from `limit` on are never read: the caller knows that the one before it decides.
    const n = limit;
    let k = j + 1;
    for (let a = 4 * k, end = Math.min(n, j + 1 + NEAR_SCAN); k < end; k++, a += 4) {
      if (addressesApart(bj, addr, a)) continue;
      if (this.decideReverse(j, rj, bj, k)) return;
    }
    if (k >= n) return;
    if (this.readsRows(bj, n - j)) {
      for (let a = 4 * k; k < n; k++, a += 4) {
        if (addressesApart(bj, addr, a)) continue;
        if (this.decideReverse(j, rj, bj, k)) return;
      }
      return;
    }
    const near = k;
    for (const m of this.overlapping(bj, () => true, near, n) ?? []) if (this.decideReverse(j, rj, bj, m)) return;
  }

  /** Whether later rule k decides rule j's reverse redundancy (see reverseOf); if so, records it. */
  private decideReverse(j: number, rj: NormalizedRule, bj: Box, k: number): boolean {
    const { rules, boxes } = this;
    if (!intersects(bj, boxes[k]!)) return false;
    const rk = rules[k]!;
    if (rk.action !== rj.action) {
      this.decider[j] = k; // something in between treats it differently
      return true;
    }
    if (!rk.opaque && !this.records[k]!.covered && within(bj, boxes[k]!)) {
      this.decider[j] = k;
      this.records[j]!.reverseTo = k;
      return true;
    }
    return false;
  }

  private full(): void {
    if (this.options.engine === 'scan') return this.fullByScan();
    const { rules, boxes, flat, opaque, records } = this;
    const n = rules.length;
    const W = 2 * D;
    // Addresses are the most selective dimensions of real rule sets (and of ClassBench): source
    // and destination, each question asked of the narrower.
    const byAddress = this.buildIndex();
    this.byAddress = byAddress;
    const overlaps = (j: number, k: number) => {
      for (let o = j * W, q = k * W, m = 0; m < W; m += 2) if (flat[o + m]! > flat[q + m + 1]! || flat[q + m]! > flat[o + m + 1]!) return false;
      return true;
    };
    // The first earlier rule that holds all of a rule is never itself held by an earlier one (that
    // one would come first): only rules no single earlier rule covers are candidates.
    const covers = new PairContainIndex();
    for (let i = 0; i < n; i++) {
      const bi = boxes[i]!;
      let single = -1;
      covers.forEachContaining(bi[2]!, bi[3]!, bi[4]!, bi[5]!, (j) => {
        if (single >= 0 && j >= single) return true;
        if (within(bi, boxes[j]!)) {
          single = j;
          return true;
        }
      });
      const f = this.judge(i, single >= 0 ? single : undefined, () => {
        const earlier: number[] = [];
        byAddress.forEachOverlapping(bi[2]!, bi[3]!, bi[4]!, bi[5]!, (j) => {
          if (j < i && !opaque[j] && overlaps(i, j)) earlier.push(j);
        });
        return earlier.sort((x, y) => x - y);
      });
      if (single < 0 && !opaque[i]) covers.add(i, bi[2]!, bi[3]!, bi[4]!, bi[5]!);
      records[i]!.forward = f.findings;
      records[i]!.cover = f.cover;
      records[i]!.covered = f.covered;
      records[i]!.witness = f.witness;
      records[i]!.local = this.localChecks(rules[i]!);
    }
    // Redundancy the other way: rule j is redundant to the first later rule k that acts alike,
    // holds all of j, can cover (not opaque) and is reachable itself, when no rule in between
    // treats part of j's traffic differently.
    const reachable = new PairContainIndex();
    for (let k = 0; k < n; k++) if (!opaque[k] && !records[k]!.covered) reachable.add(k, boxes[k]![2]!, boxes[k]![3]!, boxes[k]![4]!, boxes[k]![5]!);
    for (let j = 0; j < n; j++) {
      if (opaque[j]) continue;
      const rj = rules[j]!;
      const bj = boxes[j]!;
      let later = -1;
      reachable.forEachContaining(bj[2]!, bj[3]!, bj[4]!, bj[5]!, (k) => {
        if (k <= j) return;
        if (later >= 0 && k >= later) return true;
        if (rules[k]!.action === rj.action && within(bj, boxes[k]!)) {
          later = k;
          return true;
        }
      });
      if (later < 0) continue;
      let conflict = -1;
      byAddress.forEachOverlapping(bj[2]!, bj[3]!, bj[4]!, bj[5]!, (m) => {
        if (m > j && m < later && rules[m]!.action !== rj.action && overlaps(j, m)) conflict = m;
        return conflict >= 0;
      });
      // A conflicting rule found first by the index need not be the first in order: it bounds the
      // deciding rule from above, which is all a re-check asks of it.
      this.decider[j] = conflict >= 0 ? conflict : later;
      this.exact[j] = conflict >= 0 ? 0 : 1;
      records[j]!.reverseTo = conflict >= 0 ? -1 : later;
    }
  }

  /**
   * The rules whose box overlaps `a` or `b`, and `also`, ascending; null without an index. When
   * either box is broad (a catch-all) it reads every row once instead of merging two long lists.
   */
  private overlappingEither(a: Box, b: Box, also: number): number[] | null {
    if (!this.byAddress) return null;
    const n = this.rules.length;
    if (this.readsRows(a, n) || this.readsRows(b, n)) {
      const out: number[] = [];
      for (let x = 0; x < n; x++) {
        const bx = this.boxes[x]!;
        if (x === also || intersects(bx, a) || intersects(bx, b)) out.push(x);
      }
      return out;
    }
    return mergeAscending(
      mergeAscending(
        this.overlapping(a, () => true)!,
        this.overlapping(b, () => true)!,
      ),
      [also],
    );
  }

  /**
   * The first rule in [from, x) that can cover and holds all of rule x's box `bx`; -1 if none;
   * UNKNOWN without an address index. The containment index is built at the first question
   * (an analysis that is never edited never pays for it), over the boxes as they were then:
   * the positions replaced since are read directly.
   */
  private firstHolder(x: number, bx: Box, from: number): number {
    if (!this.byAddress) return UNKNOWN;
    const { boxes, moved, opaque } = this;
    if (!this.holders) {
      this.holders = new PairContainIndex();
      for (let j = 0; j < boxes.length; j++) this.holders.add(j, boxes[j]![2]!, boxes[j]![3]!, boxes[j]![4]!, boxes[j]![5]!);
    }
    let best = -1;
    // Each block list is ascending: past x, or past the best so far, the rest of it cannot be first.
    this.holders.forEachContaining(bx[2]!, bx[3]!, bx[4]!, bx[5]!, (j) => {
      if (j >= x || (best >= 0 && j >= best)) return true;
      if (j < from || opaque[j] || moved.has(j)) return;
      if (within(bx, boxes[j]!)) {
        best = j;
        return true;
      }
    });
    for (const j of moved) if (j >= from && j < x && (best < 0 || j < best) && !opaque[j] && within(bx, boxes[j]!)) best = j;
    return best;
  }

  /** The rules by source and destination addresses (see byAddress). */
  private buildIndex(): PairOverlapIndex {
    const { flat } = this;
    const W = 2 * D;
    return new PairOverlapIndex(
      this.rules.length,
      (j, d) => flat[j * W + 2 + 2 * d]!,
      (j, d) => flat[j * W + 3 + 2 * d]!,
    );
  }

  /**
   * Whether to read `span` rows in order rather than ask the address index for the rules that
   * overlap `box`: without an index, or when it would hand over a sixteenth of them or more (a
   * catch-all), where collecting, de-duplicating and sorting its candidates costs more.
   */
  private readsRows(box: Box, span: number): boolean {
    const index = this.byAddress;
    return !index || index.countOverlapping(box[2]!, box[3]!, box[4]!, box[5]!) * 16 >= span;
  }

  /** Moves lastReachable down to the last rule that is reachable and can cover. */
  private findLastReachable(): void {
    let k = this.lastReachable;
    while (k >= 0 && (this.opaque[k] || this.records[k]!.covered)) k--;
    this.lastReachable = k;
  }

  /**
   * The rules whose box overlaps `box`, ascending, found through the address indexes (and the
   * replaced positions, whose index entries are stale); null without an index (IPv6 after a
   * replacement moved the ranks, or the scanning engine).
   */
  private overlapping(box: Box, keep: (j: number) => boolean, from = 0, to = this.rules.length): number[] | null {
    const index = this.byAddress;
    if (!index) return null;
    const { boxes, moved, flat } = this;
    const out: number[] = [];
    // Most candidates fail the test: it reads the flat rows with the box's bounds in locals
    // (an edit asks for 10,000–140,000 candidates; a Float64Array per candidate was half its time).
    const [p0, p1, s0, s1, d0, d1, a0, a1, b0, b1, t0, t1] = box as unknown as number[];
    const W = 2 * D;
    /** True when the row at offset `o` of the flat boxes misses the box in some dimension. */
    const misses = (o: number): boolean =>
      flat[o + 2]! > s1! ||
      s0! > flat[o + 3]! ||
      flat[o + 4]! > d1! ||
      d0! > flat[o + 5]! ||
      flat[o]! > p1! ||
      p0! > flat[o + 1]! ||
      flat[o + 8]! > b1! ||
      b0! > flat[o + 9]! ||
      flat[o + 6]! > a1! ||
      a0! > flat[o + 7]! ||
      flat[o + 10]! > t1! ||
      t0! > flat[o + 11]!;
    if (this.readsRows(box, to - from)) {
      for (let j = from, o = from * W; j < to; j++, o += W) {
        if (!misses(o) && keep(j)) out.push(j);
      }
      return out;
    }
    index.forEachOverlapping(s0!, s1!, d0!, d1!, (j) => {
      if (j < from || j >= to) return;
      if (!misses(j * W) && !moved.has(j) && keep(j)) out.push(j);
    });
    for (const j of moved) if (j >= from && j < to && keep(j) && intersects(box, boxes[j]!)) out.push(j);
    return out.sort((x, y) => x - y);
  }

  /** The earlier engine: every rule against every earlier rule. The reference for the indexed one. */
  private fullByScan(): void {
    const firstConflict = new Int32Array(this.rules.length).fill(0x7fffffff);
    const redundantEarlier = new Set<number>();
    for (let i = 0; i < this.rules.length; i++) {
      const f = this.forward(i, firstConflict, redundantEarlier);
      this.records[i]!.forward = f.findings;
      this.records[i]!.cover = f.cover;
      this.records[i]!.covered = f.covered;
      this.records[i]!.witness = f.witness;
      this.records[i]!.local = this.localChecks(this.rules[i]!);
    }
  }

  /**
   * Replaces the rule at `position` (among the enabled rules) and re-checks only what the change
   * can affect. The result equals a fresh analysis of the changed policy.
   */
  replaceRule(position: number, rule: NormalizedRule): void {
    // Putting back the rule that a recent edit replaced (a catch-all tried and taken out again)
    // restores the analysis from before that edit and re-applies the edits made since: taking a
    // catch-all out otherwise judges again every later rule it covered (seconds at 100,000 rules).
    for (let k = this.history.length - 1; k >= 0 && k >= this.history.length - 1 - REDO_LIMIT; k--) {
      const f = this.history[k]!;
      if (f.position !== position) continue;
      if (sameRule(f.before, rule)) return this.undo(k);
      break;
    }
    const old = this.rules[position]!;
    this.frame = {
      position,
      before: old,
      after: rule,
      lastReachable: this.lastReachable,
      ids: [],
      forward: [],
      cover: [],
      covered: [],
      witness: [],
      reverseTo: [],
      local: [],
      deciders: [],
      exacts: [],
    };
    this.edits++;
    try {
      this.recheck(position, rule, old);
      // Null when the edit moved the IPv6 ranks (see recheck).
      if (this.frame) this.remember(this.frame);
    } catch (e) {
      // A half-made edit cannot be undone by its frame, nor the earlier ones after it.
      this.history.length = 0;
      throw e;
    } finally {
      this.frame = null;
    }
  }

  /** Saves rule x's record and decider in the edit's frame before the edit first changes them. */
  private save(x: number): void {
    const frame = this.frame;
    if (!frame || this.savedIn[x] === this.edits) return;
    this.savedIn[x] = this.edits;
    frame.ids.push(x);
    const r = this.records[x]!;
    frame.forward.push(r.forward);
    frame.cover.push(r.cover);
    frame.covered.push(r.covered);
    frame.witness.push(r.witness);
    frame.reverseTo.push(r.reverseTo);
    frame.local.push(r.local);
    frame.deciders.push(this.decider[x]!);
    frame.exacts.push(this.exact[x]!);
  }

  /** Keeps the edit's frame, dropping the oldest while the history holds too many records. */
  private remember(frame: EditFrame): void {
    const h = this.history;
    h.push(frame);
    let total = h.reduce((n, f) => n + f.ids.length, 0);
    while (h.length > REDO_LIMIT + 1 || (h.length > 1 && total > HISTORY_RECORDS_PER_RULE * this.rules.length)) total -= h.shift()!.ids.length;
  }

  /**
   * Undoes history[k] (the edit that replaced what is now put back) and every edit after it,
   * newest first, then re-applies those later edits in their order.
   */
  private undo(k: number): void {
    const later = this.history.splice(k + 1);
    const frame = this.history.pop()!;
    for (const f of [...later].reverse()) this.restore(f);
    this.restore(frame);
    for (const f of later) this.replaceRule(f.position, f.after);
  }

  /** The analysis as it stood before the frame's edit. */
  private restore(f: EditFrame): void {
    const p = f.position;
    this.rules[p] = f.before;
    writeBox(f.before, this.flat, p * 2 * D);
    this.addr.set(this.boxes[p]!.subarray(2, 6), p * 4);
    this.opaque[p] = f.before.opaque ? 1 : 0;
    f.ids.forEach((x, i) => {
      const r = this.records[x]!;
      r.forward = f.forward[i]!;
      r.cover = f.cover[i]!;
      r.covered = f.covered[i]!;
      r.witness = f.witness[i]!;
      r.reverseTo = f.reverseTo[i]!;
      r.local = f.local[i]!;
      this.decider[x] = f.deciders[i]!;
      this.exact[x] = f.exacts[i]!;
    });
    this.lastReachable = f.lastReachable;
  }

  /** The re-check of replaceRule: what the change at `position` can affect. */
  private recheck(position: number, rule: NormalizedRule, old: NormalizedRule): void {
    this.rules[position] = { ...rule, index: old.index };
    // IPv4: only the changed box moves; IPv6 ranks may shift, so they are recomputed.
    // A copy: the row is rewritten below.
    const oldBox = this.boxes[position]!.slice();
    const wasIpv4 = this.nonIpv4 === 0;
    this.nonIpv4 += (rule.family === 4 ? 0 : 1) - (old.family === 4 ? 0 : 1);
    // Only when the boxes were exact already: after the last IPv6 rule goes, the others are still
    // ranks, so they are recomputed (one exact box among ranks compared wrongly; a property test
    // found it).
    const ipv4 = wasIpv4 && this.nonIpv4 === 0;
    if (ipv4) {
      writeBox(this.rules[position], this.flat, position * 2 * D);
      this.addr.set(this.boxes[position]!.subarray(2, 6), position * 4);
      this.moved.add(position);
    } else {
      // Saved records hold witnesses in the old ranks: the history cannot be restored.
      this.history.length = 0;
      this.frame = null;
      this.flat = compress(this.rules);
      this.boxes = views(this.flat);
      this.addr = addresses(this.flat);
      // Witnesses are points in the old ranks: forget them rather than trust moved coordinates.
      for (const r of this.records) r.witness = null;
      // So are the index's keys: rebuilt in the new ranks (scanning instead made every later query
      // of this analysis read all rules).
      if (this.byAddress) {
        this.byAddress = this.buildIndex();
        this.moved.clear();
        this.holders = null;
      }
    }
    const now = this.rules[position];
    this.opaque[position] = now.opaque ? 1 : 0;
    const nowBox = this.boxes[position]!;
    // IPv4 boxes are exact, so the doubles decide; IPv6 ranks moved, so the bigints do.
    const touchesAt = (x: number) =>
      ipv4 ? intersects(this.boxes[x]!, oldBox) || intersects(this.boxes[x]!, nowBox) : overlapsBig(this.rules[x]!, old) || overlapsBig(this.rules[x]!, now);
    // The rules the change can affect: those overlapping the old or the new box. The old box is in
    // the old ranks after an IPv6 change: then the bigints decide.
    const touched =
      (ipv4 && this.overlappingEither(oldBox, nowBox, position)) || Array.from(this.rules, (_, x) => x).filter((x) => x === position || touchesAt(x));
    const becameCovered: number[] = [];
    const becameUncovered: number[] = [];
    let uncovered = 0;
    for (const x of touched) {
      if (x < position) continue;
      const before = this.records[x]!.covered;
      const rx = this.rules[x]!;
      const bx = this.boxes[x]!;
      // Adding a rule cannot uncover one, removing a rule cannot cover one: where the change only
      // adds (old rule did not overlap) a covered rule stays covered, and where it only removes
      // (new rule does not overlap) an uncovered one stays uncovered. Only the wording is rebuilt.
      const oldOverlaps = !old.opaque && (ipv4 ? intersects(bx, oldBox) : overlapsBig(rx, old));
      const newOverlaps = !now.opaque && (ipv4 ? intersects(bx, nowBox) : overlapsBig(rx, now));
      // The first earlier rule that holds all of x stays first unless it was the replaced one,
      // or the new rule holds x and comes before it: then no scan of earlier rules is needed.
      const cover = this.records[x]!.cover;
      const kept = x !== position && cover !== null && cover.kind !== 'unreachable' ? cover.by[0]! : -1;
      const heldByNew = x > position && !now.opaque && within(bx, nowBox);
      // No rule before the position held all of x when none is kept, and the new rule does: it is
      // the first. These paths, which a catch-all edit takes for every later rule, make no
      // closure, hint or result object per rule.
      const single = kept >= 0 && kept !== position ? (position < kept && heldByNew ? position : kept) : heldByNew ? position : -1;
      this.save(x);
      if (single >= 0) {
        const rec = this.records[x]!;
        rec.forward = NONE;
        rec.cover = this.singleCover(single, this.rules[single]!.action === rx.action ? 'redundant' : 'shadowed');
        rec.covered = true;
        rec.witness = null;
        if (!before) becameCovered.push(x);
        continue;
      }
      let f: ReturnType<PolicyAnalysis['judge']>;
      {
        // A reachable rule keeps a witness, a point no earlier rule matched: if the new rule does
        // not contain it, the rule stays reachable, whatever else changed before it.
        const witness = this.records[x]!.witness;
        // The old box is in the previous ranks when they were recomputed (IPv6, or the last IPv6
        // rule replaced): not comparable with the new boxes, so a covered rule then gets the full check.
        const hint: CoverHint | undefined =
          x === position
            ? undefined
            : before && !oldOverlaps
              ? KNOWN_COVERED
              : !before && (!newOverlaps || (witness !== null && !(witness === 'corner' ? cornerWithin(bx, nowBox) : within(witness, nowBox))))
                ? { known: false, witness }
                : before && ipv4
                  ? { removed: oldBox, added: now.opaque ? null : nowBox, position }
                  : undefined;
        // The first earlier rule that holds x: none if none did and the new rule does not; for the
        // new rule, found among the earlier rules that overlap it (needed anyway if none holds it);
        // after the replaced rule if that was it, asked of the containment index when many are (a
        // catch-all taken out; building it for an ordinary edit cost more than the edit),
        // rather than found in the list of every earlier rule that overlaps x (for the broad rules
        // of a catch-all set that list is most of the policy, for each of them).
        const holder =
          x === position
            ? UNKNOWN
            : kept !== position
              ? -1
              : this.holders || ++uncovered > HOLDER_INDEX_AFTER
                ? this.firstHolder(x, bx, position + 1)
                : UNKNOWN;
        if (holder >= 0) f = this.judge(x, holder, NO_RULES);
        else {
          const list = this.overlapping(bx, (j) => !this.opaque[j], 0, x) ?? this.scanEarlier(x);
          f = this.judge(x, holder === UNKNOWN ? list.find((j) => within(bx, this.boxes[j]!)) : undefined, list, hint);
        }
      }
      this.records[x]!.forward = f.findings;
      this.records[x]!.cover = f.cover;
      this.records[x]!.covered = f.covered;
      this.records[x]!.witness = f.witness;
      if (before !== f.covered) (f.covered ? becameCovered : becameUncovered).push(x);
    }
    this.records[position]!.local = this.localChecks(now);
    const reachable = (k: number) => !this.opaque[k] && !this.records[k]!.covered;
    for (const k of [...becameUncovered, position]) if (k > this.lastReachable && reachable(k)) this.lastReachable = k;
    this.findLastReachable();
    // Whether rule j is redundant to a later rule depends only on the rules after it, up to the one
    // that decides it (decider): the rules before the change that overlap it, where the change
    // comes at or before that one; where the deciding rule, one that held j, is now covered; and
    // where a rule that holds j alike and comes before its deciding one is now reachable.
    const { decider, rules, boxes } = this;
    const affected = new Set<number>([position]);
    for (const j of touched) if (j < position && decider[j]! >= position) affected.add(j);
    if (becameCovered.length > 0) {
      const mark = new Uint8Array(rules.length);
      for (const k of becameCovered) mark[k] = 1;
      for (let j = 0; j < rules.length; j++) if (decider[j] !== UNDECIDED && mark[decider[j]!] && this.records[j]!.reverseTo >= 0) affected.add(j);
    }
    for (const k of becameUncovered) {
      if (this.opaque[k]) continue;
      const bk = boxes[k]!;
      const holds = (j: number) => decider[j]! > k && rules[j]!.action === rules[k]!.action && within(boxes[j]!, bk);
      const list = this.overlapping(bk, holds, 0, k);
      if (list) for (const j of list) affected.add(j);
      else for (let j = 0; j < k; j++) if (holds(j)) affected.add(j);
    }
    // Where the new rule overlaps j and acts otherwise, or holds it alike and is reachable, it
    // decides j if nothing before it does: the rules after it are not read (a deny-all put in a
    // fifth of the way down re-decides the 20,000 rules above it).
    const decides = (j: number) =>
      j < position && intersects(boxes[j]!, nowBox) && (now.action !== rules[j]!.action || (!now.opaque && reachable(position) && within(boxes[j]!, nowBox)));
    for (const j of affected) {
      if (!decides(j)) this.reverseOf(j);
      else if (decider[j]! >= position && !rules[j]!.opaque) {
        this.save(j);
        if (this.exact[j]) {
          // Nothing before the position decided j, and the new rule does.
          decider[j] = position;
          this.records[j]!.reverseTo = now.action === rules[j]!.action ? position : -1;
        } else if (now.action !== rules[j]!.action) {
          // Whatever decides j first is a rule that acts otherwise (see `exact`): the new one, or
          // one before it. Either way j is not redundant, and the new rule bounds the first.
          decider[j] = position;
        } else {
          // The new rule holds j alike: j is redundant to it unless a rule in between acts
          // otherwise (no rule in between holds j alike, see `exact`). Any such rule bounds the first.
          const c = this.conflictBetween(j, position);
          decider[j] = c >= 0 ? c : position;
          this.exact[j] = c >= 0 ? 0 : 1;
          this.records[j]!.reverseTo = c >= 0 ? -1 : position;
        }
      } else this.reverseOf(j, position + 1);
    }
  }

  /**
   * A rule between j and `to` (both excluded) that overlaps rule j and acts otherwise, or -1:
   * any such rule, the first the index meets (the edit of a catch-all asks this of each of the
   * thousands of rules above it, where reading the next 512 rules of each was most of the edit).
   */
  private conflictBetween(j: number, to: number): number {
    const { rules, boxes, addr, moved } = this;
    const bj = boxes[j]!;
    const action = rules[j]!.action;
    const conflicts = (k: number) => rules[k]!.action !== action && intersects(bj, boxes[k]!);
    const index = this.byAddress;
    if (!index || this.readsRows(bj, to - j)) {
      for (let k = j + 1, a = 4 * k; k < to; k++, a += 4) {
        if (addressesApart(bj, addr, a)) continue;
        if (conflicts(k)) return k;
      }
      return -1;
    }
    let found = -1;
    // Index entries of replaced positions are stale: those are asked directly.
    index.forEachOverlapping(bj[2]!, bj[3]!, bj[4]!, bj[5]!, (k) => {
      if (k > j && k < to && !moved.has(k) && conflicts(k)) found = k;
      return found >= 0;
    });
    if (found < 0) for (const k of moved) if (k > j && k < to && conflicts(k)) return k;
    return found;
  }

  /** The current rules, in order (with a replaced rule in its place). */
  currentRules(): readonly NormalizedRule[] {
    return this.rules;
  }

  findings(): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const r of this.policy.rules.filter((x) => x.disabled)) {
      out.push(
        this.finding(
          r,
          'disabled',
          'info',
          false,
          '7/(1)/b/(h)',
          `rule ${r.name} is disabled and excluded from the analysis`,
          `規則 ${r.name} 已停用，不列入分析`,
        ),
      );
    }
    const covers = this.coverFindings();
    this.records.forEach((rec, i) => {
      const c = covers.get(i);
      if (c) out.push(c);
      for (const f of rec.forward) out.push(f);
      if (rec.reverseTo >= 0) out.push(this.redundantTo(this.rules[i]!, this.rules[rec.reverseTo]!));
      for (const f of rec.local) out.push(f);
    });
    // One review finding per rule can be hundreds of thousands: appended one by one, never spread.
    for (const f of this.policyChecks()) out.push(f);
    return out;
  }

  /**
   * One finding per rule line whose traffic earlier rules match first, placed at the line's first
   * box. A line expanded into several boxes (object groups, multiport, address lists) is dead
   * only when every box is covered, possibly each by another rule: the finding then names every
   * rule line of the cover together, and counts once. When only some boxes are covered, it says
   * which part.
   */
  private coverFindings(): Map<number, RuleFinding> {
    const { rules, records } = this;
    // The boxes of each line that has a covered box, by file and line (no key string per rule,
    // and no list for the lines with none: a million of each at 1,000,000 rules).
    const byFile = new Map<string, Map<number, number[]>>();
    rules.forEach((r, i) => {
      if (records[i]!.cover === null) return;
      let lines = byFile.get(r.file);
      if (!lines) byFile.set(r.file, (lines = new Map<number, number[]>()));
      if (!lines.has(r.line)) lines.set(r.line, []);
    });
    rules.forEach((r, i) => byFile.get(r.file)?.get(r.line)?.push(i));
    const out = new Map<number, RuleFinding>();
    for (const boxes of [...byFile.values()].flatMap((lines) => [...lines.values()])) {
      const covered = boxes.filter((i) => records[i]!.cover !== null);
      if (covered.length === 0) continue;
      const ri = rules[boxes[0]!]!;
      const by = [...new Set(covered.flatMap((i) => records[i]!.cover!.by))].sort((a, b) => a - b).map((j) => rules[j]!);
      const lines = distinct(by, 5);
      const kinds = new Set(covered.map((i) => records[i]!.cover!.kind));
      const rj = lines.head[0]!;
      // One covering line acts alike or not; several lines are unreachable unless each box was
      // already matched alike by a single earlier rule.
      const kind =
        lines.count === 1 ? (rj.action === ri.action ? 'redundant' : 'shadowed') : kinds.size === 1 && kinds.has('redundant') ? 'redundant' : 'unreachable';
      const whole = covered.length === boxes.length;
      const subject = whole ? describe(ri) : `part of ${describe(ri)} (${covered.length} of ${boxes.length} address/port combinations)`;
      const subjectZh = whole ? describe(ri) : `${describe(ri)} 之部分流量（${boxes.length} 組位址／埠中之 ${covered.length} 組）`;
      const act = rj.action === 'permit' ? '允許' : '拒絕';
      const many = lines.count > 1;
      const list = `${lines.head.map((r) => r.line).join(', ')}${lines.count > 5 ? `, … (${lines.count} lines)` : ''}`;
      const listZh = `${lines.head.map((r) => r.line).join('、')}${lines.count > 5 ? `…（共 ${lines.count} 行）` : ''}`;
      const coverEn = `lines ${list.replace(/, (\d+)$/, ' and $1')} together (${lines.head.map((r) => r.name).join(', ')}${lines.count > 5 ? ', …' : ''})`;
      const coverZh = `第 ${listZh} 行合併`;
      const [detail, detailZh] =
        kind === 'redundant'
          ? many
            ? [`${subject} is redundant: ${coverEn} already ${rj.action} all of its traffic`, `${subjectZh} 為多餘規則：${coverZh}已${act}其全部流量`]
            : [
                `${subject} is redundant: ${describe(rj)} already ${verb(rj.action)} all of its traffic`,
                `${subjectZh} 為多餘規則：${describe(rj)} 已${act}其全部流量`,
              ]
          : kind === 'shadowed'
            ? [
                `${subject} never matches: ${describe(rj)} ${verb(rj.action)} all of its traffic first`,
                `${subjectZh} 永不生效：${describe(rj)} 先行${act}其全部流量`,
              ]
            : [`${subject} never matches: ${coverEn} match all of its traffic first`, `${subjectZh} 永不生效：${coverZh}已涵蓋其全部流量`];
      const severity = kind === 'redundant' ? 'low' : 'medium';
      const f = this.finding(ri, kind, severity, kind !== 'redundant', '7/(1)/b/(h)', detail, detailZh, by);
      const parts = covered.map((i) => `${rules[i]!.action} ${describeBox(rules[i]!.box, rules[i]!.family)}`);
      out.set(
        boxes[0]!,
        parts.length > 1 ? { ...f, match: `${parts.slice(0, 5).join('; ')}${parts.length > 5 ? `; … (${parts.length})` : ''}` } : { ...f, match: parts[0]! },
      );
    }
    return out;
  }

  private localChecks(r: NormalizedRule): readonly RuleFinding[] {
    const policy = this.policy;
    const options = this.options;
    const out: RuleFinding[] = [];
    const bits = (x: NormalizedRule, dim: 'src' | 'dst') => (x.family === 4 ? 32 : 128) - (x.box[dim].hi - x.box[dim].lo + 1n).toString(2).length + 1;
    const min = (x: NormalizedRule) => (x.family === 4 ? options.minPrefixV4 : options.minPrefixV6);
    const isAny = (x: NormalizedRule, dim: 'src' | 'dst') => bits(x, dim) <= 0;
    // On a host chain, "any" at the device's own end means the device itself.
    const broad = (x: NormalizedRule, dim: 'src' | 'dst') => policy.localEnd !== dim && bits(x, dim) < min(x);
    // Least privilege and allow-listing (7/(1)/b/(h)). Established-only rules admit replies.
    // An approximated rule's addresses are a bounding range, not what it permits: only its exact
    // dimensions (protocol, ports, applications) are judged.
    if (r.action !== 'permit' || (r.opaque && !r.approximated) || r.box.state.lo === 1n) return NONE;
    const exactAddresses = !r.approximated;
    const allServices = r.box.proto.lo === 0n && r.box.proto.hi === 255n;
    if (exactAddresses && isAny(r, 'src') && isAny(r, 'dst') && (allServices || (r.box.dport.lo === 0n && r.box.dport.hi === 65535n))) {
      out.push(
        this.finding(
          r,
          'any_any',
          'high',
          true,
          '7/(1)/b/(h)',
          `${describe(r)} permits any source to any destination${allServices ? ' on any service' : ''}: against least privilege and allow-listing`,
          `${describe(r)} 允許任意來源至任意目的${allServices ? '之任意服務' : ''}，違反最小授權及正面表列`,
        ),
      );
      return out;
    }
    const reasons: string[] = [];
    if (exactAddresses && broad(r, 'dst')) reasons.push(`destination wider than /${min(r)}`);
    else if (exactAddresses && broad(r, 'src') && (policy.localEnd === 'dst' ? false : bits(r, 'dst') < min(r) + 8))
      reasons.push(`source wider than /${min(r)}`);
    const span = r.box.dport.hi - r.box.dport.lo + 1n;
    const portful = r.box.proto.lo === r.box.proto.hi && (r.box.proto.lo === 6n || r.box.proto.lo === 17n);
    if (portful && span > BigInt(options.maxPortSpan)) reasons.push(`${span} destination ports`);
    if (r.applications?.some((a) => a.toLowerCase() === 'any')) reasons.push('application any');
    if (reasons.length) {
      out.push(
        this.finding(
          r,
          'over_broad',
          'medium',
          true,
          '7/(1)/b/(h)',
          `${describe(r)} permits more than it needs to (${reasons.join('; ')})`,
          `${describe(r)} 允許範圍過大（${reasons.join('；')}），不符最小授權`,
        ),
      );
    }
    return out.length ? out : NONE;
  }

  private policyChecks(): RuleFinding[] {
    const { policy, options, rules } = this;
    const out: RuleFinding[] = [];
    const isAll = (x: NormalizedRule) =>
      x.box.src.lo === 0n && x.box.src.hi === anyAddress(x.family).hi && x.box.dst.lo === 0n && x.box.dst.hi === anyAddress(x.family).hi;
    const last = rules[rules.length - 1];
    const endsInDenyAll = last !== undefined && !last.opaque && last.action === 'deny' && isAll(last) && last.box.proto.lo === 0n && last.box.proto.hi === 255n;
    if (policy.defaultAction === 'permit' && !endsInDenyAll) {
      const how =
        policy.defaultSource === 'chain_policy'
          ? 'its chain policy is ACCEPT'
          : policy.defaultSource === 'explicit'
            ? 'it does not end in an explicit deny-all rule'
            : 'it permits by default';
      out.push(
        this.finding(
          null,
          'no_default_deny',
          'high',
          true,
          '7/(1)/b/(h)',
          `${policy.name} lets through what no rule matches (${how}): not an allow-list`,
          `${policy.name} 未明列之流量未被拒絕（${policy.defaultSource === 'explicit' ? '未以「全部拒絕」規則結尾' : '預設允許'}），不符正面表列原則`,
        ),
      );
    }
    // Yearly review of external-facing rules (7/(1)/b/(i)).
    const d = new Date(`${options.today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - options.reviewMaxDays);
    const limit = d.toISOString().slice(0, 10);
    if (rules.length === 0) {
      // An empty rule list has nothing to review.
    } else if (rules.every((r) => r.reviewedOn === null) && options.reviewedOn === null) {
      out.push(
        this.finding(
          null,
          'review_date_missing',
          'medium',
          true,
          '7/(1)/b/(i)',
          `${policy.name}: no review date for its rules (give one per rule, or --reviewed-on for the file)`,
          `${policy.name}：規則未載明檢視日期（每條規則或以 --reviewed-on 標示整份設定）`,
        ),
      );
    } else {
      for (const r of rules) {
        const reviewed = r.reviewedOn ?? options.reviewedOn;
        if (reviewed === null)
          out.push(this.finding(r, 'review_date_missing', 'medium', true, '7/(1)/b/(i)', `${describe(r)} has no review date`, `${describe(r)} 未載明檢視日期`));
        else if (reviewed < limit)
          out.push(
            this.finding(
              r,
              'review_overdue',
              'medium',
              true,
              '7/(1)/b/(i)',
              `${describe(r)} was last reviewed ${reviewed}, more than ${options.reviewMaxDays} days ago`,
              `${describe(r)} 最近檢視日 ${reviewed}，已逾 ${options.reviewMaxDays} 日`,
            ),
          );
      }
    }
    if (policy.syntax === 'csv') {
      for (const r of rules.filter((x) => !x.owner))
        out.push(this.finding(r, 'owner_missing', 'low', false, '7/(1)/b/(h)', `${describe(r)} has no owner`, `${describe(r)} 未載明負責人`));
    }
    return out;
  }
}

/**
 * Analyzes one policy: anomalies between rules (Al-Shaer & Hamed: shadowing, redundancy both
 * ways, generalization, correlation), exact unreachability where a rule is covered by the union
 * of several earlier rules, over-broad permits, a missing default deny, and review dates.
 */
export function analyzePolicy(policy: Policy, options: RuleAnalysisOptions): { findings: RuleFinding[]; scope: number } {
  if (policy.kind === 'route_filter') {
    const note: RuleFinding = {
      kind: 'route_filter',
      severity: 'info',
      failing: false,
      clause: '7/(1)/b/(h)',
      detail: `${policy.name} filters routes (used by a route-map), not packets; not judged as a packet filter`,
      detailZh: `${policy.name} 為路由過濾（route-map 使用），非封包過濾，不列入判斷`,
      policy: policy.name,
      file: policy.file,
      line: null,
      rule: policy.name,
      match: null,
      blocking: [],
    };
    return { findings: [note], scope: 0 };
  }
  const analysis = new PolicyAnalysis(policy, options);
  return { findings: analysis.findings(), scope: analysis.scope };
}
