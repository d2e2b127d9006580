import type { AnalyzerFinding, FindingLocation, FindingSeverity } from '../../core/analysis/analyzer.js';
import type { IsoDate } from '../../core/dates.js';
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
type Box = Float64Array; // [lo0, hi0, lo1, hi1, …]

/** IPv4 addresses, ports and protocols all fit a double exactly: no compression needed. */
function boxOf(r: NormalizedRule): Box {
  const b = new Float64Array(2 * D);
  DIMENSIONS.forEach((dim, d) => {
    b[2 * d] = Number(r.box[dim].lo);
    b[2 * d + 1] = Number(r.box[dim].hi);
  });
  return b;
}

/**
 * The boxes as plain numbers, so that the quadratic part of the analysis compares doubles
 * instead of bigints: exact values for IPv4, ranks of the endpoints for IPv6 (128-bit).
 */
function compress(rules: readonly NormalizedRule[]): Box[] {
  if (rules.every((r) => r.family === 4)) return rules.map(boxOf);
  const maps = DIMENSIONS.map((dim) => {
    const points = new Set<bigint>();
    for (const r of rules) {
      points.add(r.box[dim].lo);
      points.add(r.box[dim].hi + 1n);
    }
    const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new Map(sorted.map((p, i) => [p, i]));
  });
  return rules.map((r) => {
    const b = new Float64Array(2 * D);
    DIMENSIONS.forEach((dim, d) => {
      b[2 * d] = maps[d]!.get(r.box[dim].lo)!;
      b[2 * d + 1] = maps[d]!.get(r.box[dim].hi + 1n)! - 1;
    });
    return b;
  });
}

function intersects(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * D; k += 2) if (a[k]! > b[k + 1]! || b[k]! > a[k + 1]!) return false;
  return true;
}

function within(a: Box, b: Box): boolean {
  for (let k = 0; k < 2 * D; k += 2) if (a[k]! < b[k]! || a[k + 1]! > b[k + 1]!) return false;
  return true;
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
 */
function projectionsCovered(a: Box, covers: readonly Box[]): boolean {
  for (let k = 0; k < 2 * D; k += 2) {
    const spans = covers.map((c) => [Math.max(c[k]!, a[k]!), Math.min(c[k + 1]!, a[k + 1]!)] as const).sort((x, y) => x[0] - y[0]);
    let reach = a[k]! - 1;
    for (const [lo, hi] of spans) {
      if (lo > reach + 1) return false;
      if (hi > reach) reach = hi;
    }
    if (reach < a[k + 1]!) return false;
  }
  return true;
}

/** Whether the union of `covers` contains `a` exactly; null when the piece budget ran out. */
function coveredByUnion(a: Box, covers: readonly Box[], budget: number): boolean | null {
  if (!projectionsCovered(a, covers)) return false;
  let remaining: Box[] = [a];
  for (const c of covers) {
    const next: Box[] = [];
    for (const r of remaining) {
      if (intersects(r, c)) subtract(r, c, next);
      else next.push(r);
    }
    remaining = next;
    if (remaining.length === 0) return true;
    if (remaining.length > budget) return null;
  }
  return false;
}

const verb = (a: 'permit' | 'deny') => (a === 'permit' ? 'permits' : 'denies');
const loc = (r: NormalizedRule): FindingLocation => ({ file: r.file, line: r.line, rule: r.name });

interface RuleRecord {
  /** Findings about this rule from the rules before it (shadowed, redundant, unreachable, …). */
  forward: RuleFinding[];
  /** Whether earlier rules match all of its traffic (it can then make no other rule redundant). */
  covered: boolean;
  /** This rule is redundant to a later one. */
  reverse: RuleFinding | null;
  /** Findings about the rule alone (any-any, over-broad). */
  local: RuleFinding[];
}

const describe = (r: NormalizedRule) => `${r.name} (line ${r.line})`;
const distinct = (list: NormalizedRule[]) => [...new Map(list.map((r) => [r.line, r])).values()];
const overlapsBig = (a: NormalizedRule, b: NormalizedRule) => DIMENSIONS.every((d) => a.box[d].lo <= b.box[d].hi && b.box[d].lo <= a.box[d].hi);

/**
 * The analysis of one policy, kept per rule so that changing one rule re-checks only what it
 * can affect: the rule, the later rules that overlap it (before or after the change), and the
 * rules whose redundancy could depend on those.
 */
export class PolicyAnalysis {
  private rules: NormalizedRule[];
  private boxes: Box[];
  private records: RuleRecord[];

  constructor(
    readonly policy: Policy,
    readonly options: RuleAnalysisOptions,
  ) {
    this.rules = policy.rules.filter((r) => !r.disabled);
    this.boxes = compress(this.rules);
    this.records = this.rules.map(() => ({ forward: [], covered: false, reverse: null, local: [] }));
    this.full();
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
      blocking: [...new Map(blocking.map((b) => [`${b.file}:${b.line}`, loc(b)])).values()].slice(0, 20),
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
   * Judges rule i against the rules before it. With `firstConflict`, it also settles, the way
   * the full pass does in one sweep, which earlier rules this one makes redundant.
   */
  private forward(
    i: number,
    firstConflict?: Int32Array,
    redundantEarlier?: Set<number>,
    knownUnionCovered?: boolean,
  ): { findings: RuleFinding[]; covered: boolean } {
    const { rules, boxes } = this;
    const ri = rules[i]!;
    const bi = boxes[i]!;
    const out: RuleFinding[] = [];
    const earlier: number[] = [];
    // A rule with unmodelled conditions matches at most its box: it never shadows another.
    for (let j = 0; j < i; j++) {
      if (!intersects(bi, boxes[j]!)) continue;
      if (firstConflict && rules[j]!.action !== ri.action && firstConflict[j]! > i) firstConflict[j] = i;
      if (!rules[j]!.opaque) earlier.push(j);
    }
    if (earlier.length === 0) return { findings: out, covered: false };
    const single = earlier.find((j) => within(bi, boxes[j]!));
    if (single !== undefined) {
      const rj = rules[single]!;
      out.push(
        rj.action === ri.action
          ? this.finding(
              ri,
              'redundant',
              'low',
              false,
              '7/(1)/b/(h)',
              `${describe(ri)} is redundant: ${describe(rj)} already ${verb(rj.action)} all of its traffic`,
              `${describe(ri)} 為多餘規則：${describe(rj)} 已${rj.action === 'permit' ? '允許' : '拒絕'}其全部流量`,
              [rj],
            )
          : this.finding(
              ri,
              'shadowed',
              'medium',
              true,
              '7/(1)/b/(h)',
              `${describe(ri)} never matches: ${describe(rj)} ${verb(rj.action)} all of its traffic first`,
              `${describe(ri)} 永不生效：${describe(rj)} 先行${rj.action === 'permit' ? '允許' : '拒絕'}其全部流量`,
              [rj],
            ),
      );
      return { findings: out, covered: true };
    }
    // When the caller already knows the answer (see replaceRule), skip the costly exact check.
    const covered =
      knownUnionCovered ??
      coveredByUnion(
        bi,
        earlier.map((j) => boxes[j]!),
        this.options.pieceBudget,
      );
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
      const blockers = distinct(earlier.map((j) => rules[j]!));
      out.push(
        this.finding(
          ri,
          'unreachable',
          'medium',
          true,
          '7/(1)/b/(h)',
          `${describe(ri)} never matches: together, ${blockers.length} earlier rules (${blockers.slice(0, 5).map(describe).join(', ')}${blockers.length > 5 ? ', …' : ''}) match all of its traffic first`,
          `${describe(ri)} 永不生效：前面 ${blockers.length} 條規則合併後已涵蓋其全部流量`,
          earlier.map((j) => rules[j]!),
        ),
      );
      return { findings: out, covered: true };
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
          this.records[j]!.reverse = this.redundantTo(rj, ri);
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
          `${describe(ri)} generalizes ${g.slice(0, 5).map(describe).join(', ')}${g.length > 5 ? ', …' : ''}: a broader rule with the opposite action after narrower ones`,
          `${describe(ri)} 為 ${g.length} 條較窄規則之一般化規則（範圍較大且動作相反）`,
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
          `${describe(ri)} overlaps ${c.slice(0, 5).map(describe).join(', ')}${c.length > 5 ? ', …' : ''} with the opposite action: their order decides the outcome`,
          `${describe(ri)} 與 ${c.length} 條動作相反之規則部分重疊，結果取決於順序`,
          correlated,
        ),
      );
    }
    return { findings: out, covered: false };
  }

  /** Whether rule j is redundant to a later rule: the first later rule that decides it. */
  private reverseOf(j: number): RuleFinding | null {
    const { rules, boxes } = this;
    const rj = rules[j]!;
    if (rj.opaque) return null;
    for (let k = j + 1; k < rules.length; k++) {
      if (!intersects(boxes[j]!, boxes[k]!)) continue;
      const rk = rules[k]!;
      if (rk.action !== rj.action) return null; // something in between treats it differently
      if (!rk.opaque && !this.records[k]!.covered && within(boxes[j]!, boxes[k]!)) return this.redundantTo(rj, rk);
    }
    return null;
  }

  private full(): void {
    const firstConflict = new Int32Array(this.rules.length).fill(0x7fffffff);
    const redundantEarlier = new Set<number>();
    for (let i = 0; i < this.rules.length; i++) {
      const f = this.forward(i, firstConflict, redundantEarlier);
      this.records[i]!.forward = f.findings;
      this.records[i]!.covered = f.covered;
      this.records[i]!.local = this.localChecks(this.rules[i]!);
    }
  }

  /**
   * Replaces the rule at `position` (among the enabled rules) and re-checks only what the change
   * can affect. The result equals a fresh analysis of the changed policy.
   */
  replaceRule(position: number, rule: NormalizedRule): void {
    const old = this.rules[position]!;
    this.rules[position] = { ...rule, index: old.index };
    // IPv4: only the changed box moves; IPv6 ranks may shift, so they are recomputed.
    if (this.rules.every((r) => r.family === 4)) this.boxes[position] = boxOf(this.rules[position]);
    else this.boxes = compress(this.rules);
    const now = this.rules[position];
    const touches = (r: NormalizedRule) => overlapsBig(r, old) || overlapsBig(r, now);
    const coverChanged: number[] = [];
    for (let x = position; x < this.rules.length; x++) {
      if (x !== position && !touches(this.rules[x]!)) continue;
      const before = this.records[x]!.covered;
      const rx = this.rules[x]!;
      // Adding a rule cannot uncover one, removing a rule cannot cover one: where the change only
      // adds (old rule did not overlap) a covered rule stays covered, and where it only removes
      // (new rule does not overlap) an uncovered one stays uncovered. Only the wording is rebuilt.
      const oldOverlaps = !old.opaque && overlapsBig(rx, old);
      const newOverlaps = !now.opaque && overlapsBig(rx, now);
      const known = x === position ? undefined : before && !oldOverlaps ? true : !before && !newOverlaps ? false : undefined;
      const f = this.forward(x, undefined, undefined, known);
      this.records[x]!.forward = f.findings;
      this.records[x]!.covered = f.covered;
      if (before !== f.covered) coverChanged.push(x);
    }
    this.records[position]!.local = this.localChecks(now);
    for (let j = 0; j < this.rules.length; j++) {
      const affected = j === position || touches(this.rules[j]!) || coverChanged.some((k) => k > j && intersects(this.boxes[j]!, this.boxes[k]!));
      if (affected) this.records[j]!.reverse = this.reverseOf(j);
    }
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
    for (const rec of this.records) {
      out.push(...rec.forward);
      if (rec.reverse) out.push(rec.reverse);
      out.push(...rec.local);
    }
    out.push(...this.policyChecks());
    return out;
  }

  private localChecks(r: NormalizedRule): RuleFinding[] {
    const policy = this.policy;
    const options = this.options;
    const out: RuleFinding[] = [];
    const bits = (x: NormalizedRule, dim: 'src' | 'dst') => (x.family === 4 ? 32 : 128) - (x.box[dim].hi - x.box[dim].lo + 1n).toString(2).length + 1;
    const min = (x: NormalizedRule) => (x.family === 4 ? options.minPrefixV4 : options.minPrefixV6);
    const isAny = (x: NormalizedRule, dim: 'src' | 'dst') => bits(x, dim) <= 0;
    // On a host chain, "any" at the device's own end means the device itself.
    const broad = (x: NormalizedRule, dim: 'src' | 'dst') => policy.localEnd !== dim && bits(x, dim) < min(x);
    // Least privilege and allow-listing (7/(1)/b/(h)). Established-only rules admit replies.
    if (r.action !== 'permit' || r.opaque || r.box.state.lo === 1n) return out;
    const allServices = r.box.proto.lo === 0n && r.box.proto.hi === 255n;
    if (isAny(r, 'src') && isAny(r, 'dst') && (allServices || (r.box.dport.lo === 0n && r.box.dport.hi === 65535n))) {
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
    if (broad(r, 'dst')) reasons.push(`destination wider than /${min(r)}`);
    else if (broad(r, 'src') && (policy.localEnd === 'dst' ? false : bits(r, 'dst') < min(r) + 8)) reasons.push(`source wider than /${min(r)}`);
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
    return out;
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
