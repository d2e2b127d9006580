import type { AnalyzerFinding, FindingLocation, FindingSeverity } from '../../core/analysis/analyzer.js';
import type { IsoDate } from '../../core/dates.js';
import { DIMENSIONS, describeBox, type NormalizedRule, type Policy } from './rule-model.js';

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
type Box = Int32Array; // [lo0, hi0, lo1, hi1, …] in compressed coordinates

/**
 * Maps every dimension's endpoints to small integers, so that the quadratic part of the analysis
 * compares plain numbers instead of 128-bit addresses.
 */
function compress(rules: readonly NormalizedRule[]): Box[] {
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
    const b = new Int32Array(2 * D);
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

/**
 * Analyzes one policy: anomalies between rules (Al-Shaer & Hamed: shadowing, redundancy both
 * ways, generalization, correlation), exact unreachability where a rule is covered by the union
 * of several earlier rules, over-broad permits, a missing default deny, and review dates.
 */
export function analyzePolicy(policy: Policy, options: RuleAnalysisOptions): { findings: RuleFinding[]; scope: number } {
  const findings: RuleFinding[] = [];
  const add = (
    r: NormalizedRule | null,
    kind: string,
    severity: FindingSeverity,
    failing: boolean,
    clause: string,
    detail: string,
    detailZh: string,
    blocking: NormalizedRule[] = [],
  ) =>
    findings.push({
      kind,
      severity,
      failing,
      clause,
      detail,
      detailZh,
      policy: policy.name,
      file: r?.file ?? policy.file,
      line: r?.line ?? null,
      rule: r?.name ?? policy.name,
      match: r ? `${r.action} ${describeBox(r.box, r.family)}` : null,
      // Expanded rules share a line: name each blocking line once.
      blocking: [...new Map(blocking.map((b) => [`${b.file}:${b.line}`, loc(b)])).values()].slice(0, 20),
    });

  if (policy.kind === 'route_filter') {
    add(
      null,
      'route_filter',
      'info',
      false,
      '7/(1)/b/(h)',
      `${policy.name} filters routes (used by a route-map), not packets; not judged as a packet filter`,
      `${policy.name} 為路由過濾（route-map 使用），非封包過濾，不列入判斷`,
    );
    return { findings, scope: 0 };
  }
  for (const r of policy.rules.filter((x) => x.disabled)) {
    add(r, 'disabled', 'info', false, '7/(1)/b/(h)', `rule ${r.name} is disabled and excluded from the analysis`, `規則 ${r.name} 已停用，不列入分析`);
  }
  const rules = policy.rules.filter((r) => !r.disabled);
  const boxes = compress(rules);
  const describe = (r: NormalizedRule) => `${r.name} (line ${r.line})`;
  const distinct = (list: NormalizedRule[]) => [...new Map(list.map((r) => [r.line, r])).values()];
  const redundantEarlier = new Set<number>();
  // For each rule, the first later rule with the other action that overlaps it: a rule is
  // redundant to a later one only if nothing in between treats part of its traffic differently.
  const firstConflict = new Int32Array(rules.length).fill(0x7fffffff);

  for (let i = 0; i < rules.length; i++) {
    const ri = rules[i]!;
    const bi = boxes[i]!;
    const earlier: number[] = [];
    // A rule with unmodelled conditions matches at most its box: it never shadows another.
    for (let j = 0; j < i; j++) {
      if (!intersects(bi, boxes[j]!)) continue;
      if (rules[j]!.action !== ri.action && firstConflict[j]! > i) firstConflict[j] = i;
      if (!rules[j]!.opaque) earlier.push(j);
    }
    if (earlier.length === 0) continue;
    const single = earlier.find((j) => within(bi, boxes[j]!));
    if (single !== undefined) {
      const rj = rules[single]!;
      if (rj.action === ri.action) {
        add(
          ri,
          'redundant',
          'low',
          false,
          '7/(1)/b/(h)',
          `${describe(ri)} is redundant: ${describe(rj)} already ${verb(rj.action)} all of its traffic`,
          `${describe(ri)} 為多餘規則：${describe(rj)} 已${rj.action === 'permit' ? '允許' : '拒絕'}其全部流量`,
          [rj],
        );
      } else {
        add(
          ri,
          'shadowed',
          'medium',
          true,
          '7/(1)/b/(h)',
          `${describe(ri)} never matches: ${describe(rj)} ${verb(rj.action)} all of its traffic first`,
          `${describe(ri)} 永不生效：${describe(rj)} 先行${rj.action === 'permit' ? '允許' : '拒絕'}其全部流量`,
          [rj],
        );
      }
      continue;
    }
    const covered = coveredByUnion(
      bi,
      earlier.map((j) => boxes[j]!),
      options.pieceBudget,
    );
    if (covered === null) {
      add(
        ri,
        'coverage_undecided',
        'info',
        false,
        '7/(1)/b/(h)',
        `${describe(ri)}: exact coverage not decided within the analysis budget`,
        `${describe(ri)}：未能在分析上限內判定是否被涵蓋`,
      );
    } else if (covered) {
      const blockers = earlier.map((j) => rules[j]!);
      add(
        ri,
        'unreachable',
        'medium',
        true,
        '7/(1)/b/(h)',
        `${describe(ri)} never matches: together, ${distinct(blockers).length} earlier rules (${distinct(blockers).slice(0, 5).map(describe).join(', ')}${distinct(blockers).length > 5 ? ', …' : ''}) match all of its traffic first`,
        `${describe(ri)} 永不生效：前面 ${distinct(blockers).length} 條規則合併後已涵蓋其全部流量`,
        blockers,
      );
      continue;
    }
    const general: NormalizedRule[] = [];
    const correlated: NormalizedRule[] = [];
    for (const j of earlier) {
      const rj = rules[j]!;
      if (rj.action === ri.action) {
        // Redundancy the other way: an earlier rule wholly inside this one, same action, and no
        // rule in between that treats part of its traffic differently.
        // An opaque rule matches at most its box: it cannot make another rule redundant.
        if (!ri.opaque && within(boxes[j]!, bi) && !redundantEarlier.has(j)) {
          if (firstConflict[j]! > i) {
            redundantEarlier.add(j);
            add(
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
        }
        continue;
      }
      if (within(boxes[j]!, bi)) general.push(rj);
      else correlated.push(rj);
    }
    if (general.length) {
      add(
        ri,
        'generalization',
        'info',
        false,
        '7/(1)/b/(h)',
        `${describe(ri)} generalizes ${distinct(general).slice(0, 5).map(describe).join(', ')}${distinct(general).length > 5 ? ', …' : ''}: a broader rule with the opposite action after narrower ones`,
        `${describe(ri)} 為 ${distinct(general).length} 條較窄規則之一般化規則（範圍較大且動作相反）`,
        general,
      );
    }
    if (correlated.length) {
      add(
        ri,
        'correlation',
        'info',
        false,
        '7/(1)/b/(h)',
        `${describe(ri)} overlaps ${distinct(correlated).slice(0, 5).map(describe).join(', ')}${distinct(correlated).length > 5 ? ', …' : ''} with the opposite action: their order decides the outcome`,
        `${describe(ri)} 與 ${distinct(correlated).length} 條動作相反之規則部分重疊，結果取決於順序`,
        correlated,
      );
    }
  }

  // Least privilege and allow-listing (7/(1)/b/(h)).
  const bits = (r: NormalizedRule, dim: 'src' | 'dst') => (r.family === 4 ? 32 : 128) - (r.box[dim].hi - r.box[dim].lo + 1n).toString(2).length + 1;
  const min = (r: NormalizedRule) => (r.family === 4 ? options.minPrefixV4 : options.minPrefixV6);
  const isAny = (r: NormalizedRule, dim: 'src' | 'dst') => bits(r, dim) <= 0;
  // On a host chain, "any" at the device's own end means the device itself.
  const broad = (r: NormalizedRule, dim: 'src' | 'dst') => policy.localEnd !== dim && bits(r, dim) < min(r);
  for (const r of rules) {
    // Established-only rules admit replies to connections made from the other side.
    if (r.action !== 'permit' || r.opaque || r.box.state.lo === 1n) continue;
    const allServices = r.box.proto.lo === 0n && r.box.proto.hi === 255n;
    if (isAny(r, 'src') && isAny(r, 'dst') && (allServices || (r.box.dport.lo === 0n && r.box.dport.hi === 65535n))) {
      add(
        r,
        'any_any',
        'high',
        true,
        '7/(1)/b/(h)',
        `${describe(r)} permits any source to any destination${allServices ? ' on any service' : ''}: against least privilege and allow-listing`,
        `${describe(r)} 允許任意來源至任意目的${allServices ? '之任意服務' : ''}，違反最小授權及正面表列`,
      );
      continue;
    }
    const reasons: string[] = [];
    if (broad(r, 'dst')) reasons.push(`destination wider than /${min(r)}`);
    else if (broad(r, 'src') && (policy.localEnd === 'dst' ? false : bits(r, 'dst') < min(r) + 8)) reasons.push(`source wider than /${min(r)}`);
    const span = r.box.dport.hi - r.box.dport.lo + 1n;
    const portful = r.box.proto.lo === r.box.proto.hi && (r.box.proto.lo === 6n || r.box.proto.lo === 17n);
    if (portful && span > BigInt(options.maxPortSpan)) reasons.push(`${span} destination ports`);
    if (r.applications?.some((a) => a.toLowerCase() === 'any')) reasons.push('application any');
    if (reasons.length) {
      add(
        r,
        'over_broad',
        'medium',
        true,
        '7/(1)/b/(h)',
        `${describe(r)} permits more than it needs to (${reasons.join('; ')})`,
        `${describe(r)} 允許範圍過大（${reasons.join('；')}），不符最小授權`,
      );
    }
  }
  const last = rules[rules.length - 1];
  const endsInDenyAll =
    last !== undefined &&
    !last.opaque &&
    last.action === 'deny' &&
    isAny(last, 'src') &&
    isAny(last, 'dst') &&
    last.box.proto.lo === 0n &&
    last.box.proto.hi === 255n;
  if (policy.defaultAction === 'permit' && !endsInDenyAll) {
    const how =
      policy.defaultSource === 'chain_policy'
        ? 'its chain policy is ACCEPT'
        : policy.defaultSource === 'explicit'
          ? 'it does not end in an explicit deny-all rule'
          : 'it permits by default';
    add(
      null,
      'no_default_deny',
      'high',
      true,
      '7/(1)/b/(h)',
      `${policy.name} lets through what no rule matches (${how}): not an allow-list`,
      `${policy.name} 未明列之流量未被拒絕（${policy.defaultSource === 'explicit' ? '未以「全部拒絕」規則結尾' : '預設允許'}），不符正面表列原則`,
    );
  }

  // Yearly review of external-facing rules (7/(1)/b/(i)).
  const limit = (() => {
    const d = new Date(`${options.today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - options.reviewMaxDays);
    return d.toISOString().slice(0, 10);
  })();
  const withDates = rules.filter((r) => r.reviewedOn !== null);
  if (withDates.length === 0 && options.reviewedOn === null) {
    add(
      null,
      'review_date_missing',
      'medium',
      true,
      '7/(1)/b/(i)',
      `${policy.name}: no review date for its rules (give one per rule, or --reviewed-on for the file)`,
      `${policy.name}：規則未載明檢視日期（每條規則或以 --reviewed-on 標示整份設定）`,
    );
  } else {
    for (const r of rules) {
      const reviewed = r.reviewedOn ?? options.reviewedOn;
      if (reviewed === null) add(r, 'review_date_missing', 'medium', true, '7/(1)/b/(i)', `${describe(r)} has no review date`, `${describe(r)} 未載明檢視日期`);
      else if (reviewed < limit)
        add(
          r,
          'review_overdue',
          'medium',
          true,
          '7/(1)/b/(i)',
          `${describe(r)} was last reviewed ${reviewed}, more than ${options.reviewMaxDays} days ago`,
          `${describe(r)} 最近檢視日 ${reviewed}，已逾 ${options.reviewMaxDays} 日`,
        );
    }
  }
  if (policy.syntax === 'csv') {
    for (const r of rules.filter((x) => !x.owner))
      add(r, 'owner_missing', 'low', false, '7/(1)/b/(h)', `${describe(r)} has no owner`, `${describe(r)} 未載明負責人`);
  }
  return { findings, scope: rules.length };
}
