import {
  ANY_PORT,
  ANY_PROTO,
  ANY_STATE,
  anyAddress,
  expandBoxes,
  type Action,
  type Box,
  type Interval,
  type NormalizedRule,
  type ParseWarning,
  type Policy,
} from '../rule-model.js';

export interface RuleDims {
  proto?: Interval[];
  src?: Interval[];
  dst?: Interval[];
  sport?: Interval[];
  dport?: Interval[];
  state?: Interval[];
}

export interface RuleMeta {
  readonly line: number;
  readonly name: string;
  readonly text: string;
  readonly action: Action;
  readonly disabled?: boolean;
  readonly opaque?: boolean;
  readonly applications?: readonly string[] | null;
  readonly fromZone?: string | null;
  readonly toZone?: string | null;
  readonly owner?: string | null;
  readonly reviewedOn?: string | null;
  readonly comment?: string | null;
}

/** Above this many boxes, one rule's lists are not expanded (see PolicyBuilder.add). */
export const MAX_BOXES_PER_RULE = 10_000;

/** Sorted, with touching or overlapping intervals joined. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x.lo <= last.hi + 1n) out[out.length - 1] = { lo: last.lo, hi: x.hi > last.hi ? x.hi : last.hi };
    else out.push(x);
  }
  return out;
}

/** Collects the rules of one policy in order, expanding lists into one box each. */
export class PolicyBuilder {
  private readonly rules: NormalizedRule[] = [];
  private readonly warnings: ParseWarning[] = [];
  /**
   * One object per distinct interval of this policy: most rules repeat the same protocols, ports,
   * states and site prefixes, and an interval with its two bigints is about 80 bytes a copy
   * (intervals are read-only, so sharing them changes nothing else).
   */
  private readonly intervals = new Map<string, Interval>();

  constructor(
    readonly name: string,
    readonly file: string,
    readonly family: 4 | 6,
    readonly syntax: string,
  ) {}

  private intern(x: Interval): Interval {
    const key = `${x.lo}-${x.hi}`;
    const seen = this.intervals.get(key);
    if (seen) return seen;
    this.intervals.set(key, x);
    return x;
  }

  add(meta: RuleMeta, dims: RuleDims): void {
    const any = anyAddress(this.family);
    const given = {
      proto: dims.proto ?? [ANY_PROTO],
      src: dims.src ?? [any],
      dst: dims.dst ?? [any],
      sport: dims.sport ?? [ANY_PORT],
      dport: dims.dport ?? [ANY_PORT],
      state: dims.state ?? [ANY_STATE],
    };
    const product = (l: typeof given) => Object.values(l).reduce((n, x) => n * x.length, 1);
    // Each list entry is its own box, so a finding can name the part of a rule it concerns. Only
    // when that would be too many are touching entries joined first (the same traffic, exactly).
    const lists =
      product(given) <= MAX_BOXES_PER_RULE
        ? given
        : {
            proto: mergeIntervals(given.proto),
            src: mergeIntervals(given.src),
            dst: mergeIntervals(given.dst),
            sport: mergeIntervals(given.sport),
            dport: mergeIntervals(given.dport),
            state: mergeIntervals(given.state),
          };
    const count = product(lists);
    let opaque = meta.opaque ?? false;
    let approximated = false;
    let boxes: Box[];
    if (count > MAX_BOXES_PER_RULE) {
      // Two address groups of 1,500 hosts each would be 2.25 million boxes. The rule is read as
      // the range that holds them all and marked opaque: it may still be found unreachable
      // (everything it could match is matched earlier), but it never counts as covering another
      // rule and is not judged over-broad, so the approximation can only miss, never accuse.
      const hull = (l: Interval[]): Interval => ({
        lo: l.reduce((m, x) => (x.lo < m ? x.lo : m), l[0]!.lo),
        hi: l.reduce((m, x) => (x.hi > m ? x.hi : m), l[0]!.hi),
      });
      boxes = [
        { proto: hull(lists.proto), src: hull(lists.src), dst: hull(lists.dst), sport: hull(lists.sport), dport: hull(lists.dport), state: hull(lists.state) },
      ];
      opaque = true;
      approximated = true;
      this.warnings.push({
        file: this.file,
        line: meta.line,
        text: capText(meta.text.trim()),
        message: `${capText(meta.name)}: its lists multiply into ${count} address/port combinations (more than ${MAX_BOXES_PER_RULE}); analysed as one bounding range that can be found unreachable but never hides another rule; only its ports and applications are judged for breadth`,
      });
    } else boxes = expandBoxes(lists);
    boxes = boxes.map((b) => ({
      proto: this.intern(b.proto),
      src: this.intern(b.src),
      dst: this.intern(b.dst),
      sport: this.intern(b.sport),
      dport: this.intern(b.dport),
      state: this.intern(b.state),
    }));
    // Every box and every finding repeats the rule's name and text: keep a bounded part of each.
    const name = capText(meta.name);
    const text = capText(meta.text);
    const comment = meta.comment == null ? null : capText(meta.comment);
    for (const box of boxes) {
      this.rules.push({
        policy: this.name,
        index: this.rules.length,
        file: this.file,
        line: meta.line,
        name,
        text,
        action: meta.action,
        family: this.family,
        box,
        disabled: meta.disabled ?? false,
        opaque,
        ...(approximated ? { approximated } : {}),
        applications: meta.applications ?? null,
        fromZone: meta.fromZone ?? null,
        toZone: meta.toZone ?? null,
        owner: meta.owner ?? null,
        reviewedOn: meta.reviewedOn ?? null,
        comment,
      });
    }
  }

  get size(): number {
    return this.rules.length;
  }

  build(defaultAction: Action, defaultSource: Policy['defaultSource'], kind: Policy['kind'] = 'packet_filter', localEnd?: 'src' | 'dst'): Policy {
    return {
      name: this.name,
      file: this.file,
      family: this.family,
      syntax: this.syntax,
      defaultAction,
      defaultSource,
      kind,
      rules: this.rules,
      ...(localEnd ? { localEnd } : {}),
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
    };
  }
}

/** A parser fed one line at a time, so the same parser reads a text or a streamed file. */
export interface LineReader<T> {
  line(raw: string, index: number): void;
  finish(): T;
}

export function readText<T>(reader: LineReader<T>, text: string): T {
  text.split(/\r?\n/).forEach((raw, i) => reader.line(raw, i));
  return reader.finish();
}

/** The same, streamed: a configuration of any size is read line by line, never held whole. */
export async function readLines<T>(reader: LineReader<T>, lines: AsyncIterable<string>): Promise<T> {
  let i = 0;
  for await (const raw of lines) reader.line(raw, i++);
  return reader.finish();
}

/**
 * Appends `items` to `out` one by one: `out.push(...items)` passes every item as an argument and
 * overflows the stack past about 100,000 (an address group, a rule list of a large export).
 */
export function append<T>(out: T[], items: readonly T[]): void {
  for (const x of items) out.push(x);
}

/** What a rule, a warning or a finding keeps of a line or comment: a 10 MB comment is cut, and says so. */
export const MAX_KEPT_TEXT = 500;
export function capText(value: string, max = MAX_KEPT_TEXT): string {
  // A parsed XML name may arrive as a number or be missing (PAN-OS <entry> without a name): never a crash.
  const raw = value as unknown;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * Splits a config line into words, keeping "quoted strings" (with backslash escapes) and
 * 'single-quoted' ones together. A scan by hand, not a regular expression: a quoted 10 MB
 * comment made the regular expression's alternation overflow the stack.
 */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  // Whitespace as `\s` has it: ASCII by code, the rest (no-break, ideographic spaces) by the regular expression.
  const space = (c: number) => c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
  while (i < n) {
    while (i < n && space(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = line[i];
    if (c === '"' || c === "'") {
      const close = c === '"' ? findClosingDouble(line, i + 1) : line.indexOf("'", i + 1);
      if (close >= 0) {
        out.push(line.slice(i + 1, close));
        i = close + 1;
        continue;
      }
    }
    // An unquoted word, or an unclosed quote read as a word (as the regular expression did).
    const start = i;
    while (i < n && !space(line.charCodeAt(i))) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

/** The index of the `"` that closes a double-quoted string starting at `from` (backslash escapes a character), or -1. */
function findClosingDouble(line: string, from: number): number {
  for (let k = from; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 34) return k;
  }
  return -1;
}

/** A comment without its review and owner tags, as a rule's name. */
export function withoutTags(text: string): string {
  return text
    .replace(/(?:reviewed|review|檢視日?|owner|負責人)\s*[:=：]\s*\S+/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `reviewed: 2026-01-05`, `owner: 王小明` tags in remarks and comments carry the 7/(1)/b/(i) record. */
export function tagsIn(text: string): { owner: string | null; reviewedOn: string | null } {
  const reviewed = /(?:reviewed|review|檢視日?)\s*[:=：]\s*(\d{4}-\d{2}-\d{2})/i.exec(text)?.[1] ?? null;
  const owner = /(?:owner|負責人)\s*[:=：]\s*([^\s,;]+)/i.exec(text)?.[1] ?? null;
  return { owner, reviewedOn: reviewed };
}

export type Warn = (line: number, text: string, message: string) => void;
export function warner(file: string, warnings: ParseWarning[]): Warn {
  return (line, text, message) => warnings.push({ file, line, text: capText(text.trim()), message: capText(message) });
}

/** A rule that applies between zones (or interfaces): `any` means every zone. */
export interface ZonedRule {
  readonly meta: RuleMeta;
  readonly dims: RuleDims;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/**
 * Zone-based firewalls (FortiOS interfaces, PAN-OS zones) evaluate rules per zone pair: a rule
 * from one zone pair never shadows a rule of another. One ordered policy per pair.
 */
export function policiesByZonePair(
  rules: readonly ZonedRule[],
  knownZones: readonly string[],
  file: string,
  syntax: string,
  defaultFor: (from: string, to: string) => { action: Action; source: Policy['defaultSource'] },
): Policy[] {
  const zones = [...new Set([...knownZones, ...rules.flatMap((r) => [...r.from, ...r.to]).filter((z) => z !== 'any')])];
  const universe = zones.length ? zones : ['any'];
  const policies: Policy[] = [];
  for (const from of universe) {
    for (const to of universe) {
      const matching = rules.filter((r) => (r.from.includes('any') || r.from.includes(from)) && (r.to.includes('any') || r.to.includes(to)));
      if (matching.length === 0) continue;
      const name = zones.length ? `${from} → ${to}` : 'policy';
      const b = new PolicyBuilder(name, file, 4, syntax);
      for (const r of matching) b.add({ ...r.meta, fromZone: from, toZone: to }, r.dims);
      const d = defaultFor(from, to);
      policies.push(b.build(d.action, d.source));
    }
  }
  return policies;
}
