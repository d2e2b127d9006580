// Rule sets for `npm run bench` (issue 13 item 7), generated from fixed seeds so every run
// measures the same rules, and the rule-set rows of the table: analysis beside the scanning
// engine and the naive pairwise reference, and the re-check after one edit.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyzePolicy, DEFAULT_RULE_OPTIONS, PolicyAnalysis } from '../src/analyzers/rule-set/analyze-rules.js';
import { parseIptablesSave } from '../src/analyzers/rule-set/parsers/iptables.js';
import { ANY_PORT, ANY_PROTO, ANY_STATE, anyAddress, type NormalizedRule, type Policy } from '../src/analyzers/rule-set/rule-model.js';
import type { BenchRow } from './report-bench.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Destination ports: none (any) below `any`, a well-known service below `service`, else the
 * ephemeral range or a random range up to `width` ports.
 */
function portPicker(rnd: () => number, any: number, service: number, width: number): () => string | null {
  return () => {
    const r = rnd();
    if (r < any) return null;
    if (r < service) {
      const list = [22, 25, 53, 80, 110, 123, 143, 443, 445, 993, 1433, 1521, 3306, 3389, 8080, 8443];
      return String(list[Math.floor(rnd() * list.length)]);
    }
    if (r < 0.75) return '1024:65535';
    const lo = Math.floor(rnd() * 60000);
    return `${lo}:${lo + Math.floor(rnd() * width)}`;
  };
}

/**
 * An iptables-save text of `n` ClassBench-style rules (six /8s, their /16s, /24s and hosts) plus
 * a final DROP policy. 0.2% of its rules permit everything: the first at rule 686 of seed 42, so
 * nearly every later rule is dead, covered by that one rule (an easy set for exact coverage).
 */
export function generateRuleSet(n: number, seed = 42): string {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  // A prefix tree like real address plans: a few /8s, their /16s, /24s and hosts.
  const tops = Array.from({ length: 6 }, () => Math.floor(rnd() * 223) + 1);
  const prefix = (): string => {
    const r = rnd();
    const a = pick(tops);
    if (r < 0.1) return 'any';
    if (r < 0.2) return `${a}.0.0.0/8`;
    const b = Math.floor(rnd() * 32);
    if (r < 0.45) return `${a}.${b}.0.0/16`;
    const c = Math.floor(rnd() * 64);
    if (r < 0.8) return `${a}.${b}.${c}.0/24`;
    return `${a}.${b}.${c}.${Math.floor(rnd() * 256)}/32`;
  };
  const ports = portPicker(rnd, 0.25, 0.6, 2000);
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i < n; i++) {
    const proto = pick(['tcp', 'tcp', 'tcp', 'udp', 'all']);
    const src = prefix();
    const dst = prefix();
    const p = proto === 'all' ? null : ports();
    const parts = ['-A FORWARD', `-p ${proto}`];
    if (src !== 'any') parts.push(`-s ${src}`);
    if (dst !== 'any') parts.push(`-d ${dst}`);
    if (p) parts.push(`--dport ${p}`);
    parts.push(`-m comment --comment "r${i}"`, `-j ${rnd() < 0.8 ? 'ACCEPT' : 'DROP'}`);
    lines.push(parts.join(' '));
  }
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

export function forwardPolicy(text: string): Policy {
  return parseIptablesSave(text, 'bench.rules').policies.find((p) => p.name === 'FORWARD')!;
}

/**
 * The reference: the pairwise half of the same analysis (for every pair: intersect, subset either
 * way, same or opposite action), done the naive way on 128-bit intervals, without compressed
 * coordinates. It cannot see a rule covered by a union of rules. Kept to measure against.
 */
export function naivePairwise(policy: Policy): { subset: number; overlap: number } {
  const dims = ['proto', 'src', 'dst', 'sport', 'dport', 'state'] as const;
  let subset = 0;
  let overlap = 0;
  const rules = policy.rules;
  for (let i = 0; i < rules.length; i++) {
    const a = rules[i]!.box;
    for (let j = 0; j < i; j++) {
      const b = rules[j]!.box;
      if (!dims.every((d) => a[d].lo <= b[d].hi && b[d].lo <= a[d].hi)) continue;
      overlap++;
      if (dims.every((d) => a[d].lo >= b[d].lo && a[d].hi <= b[d].hi) || dims.every((d) => b[d].lo >= a[d].lo && b[d].hi <= a[d].hi)) subset++;
    }
  }
  return { subset, overlap };
}

/**
 * A small, crowded rule set (one /27 of hosts, ports 1–20) in which many rules are covered only
 * by the union of several earlier ones: the case the re-check's shortcuts must get right.
 */
export function generateDenseRuleSet(n: number, seed: number): string {
  const rnd = mulberry32(seed);
  const lines = ['*filter', ':FORWARD DROP [0:0]'];
  for (let i = 0; i < n; i++) {
    const len = 28 + Math.floor(rnd() * 5);
    const base = Math.floor(rnd() * 32) & ~((1 << (32 - len)) - 1);
    const lo = 1 + Math.floor(rnd() * 12);
    const hi = lo + Math.floor(rnd() * 8);
    lines.push(`-A FORWARD -p tcp -s 10.0.0.${base}/${len} --dport ${lo}:${hi} -m comment --comment "d${i}" -j ${rnd() < 0.7 ? 'ACCEPT' : 'DROP'}`);
  }
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

/**
 * Merged sites: one /16 per 2,000 rules (so a rule overlaps about as many others at 1,000,000
 * rules as at 10,000), inbound rules from any source to a site's servers, rules between hosts of
 * the same or another site, outbound rules to public prefixes. No rule permits everything: most
 * rules are reachable, and dead ones are often covered only by several earlier rules together.
 */
export function generateSiteRuleSet(n: number, seed = 42): string {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const byte = () => Math.floor(rnd() * 256);
  const sites = Math.max(1, Math.ceil(n / 2000));
  const site = (): [number, number] => {
    const s = Math.floor(rnd() * sites);
    return [10 + (s >> 8), s & 255];
  };
  const inside = ([a, b]: [number, number]): string => {
    const r = rnd();
    if (r < 0.05) return `${a}.${b}.0.0/16`;
    if (r < 0.4) return `${a}.${b}.${byte()}.0/24`;
    if (r < 0.5) return `${a}.${b}.${byte()}.${Math.floor(rnd() * 16) * 16}/28`;
    return `${a}.${b}.${byte()}.${byte()}/32`;
  };
  const ports = portPicker(rnd, 0.1, 0.7, 200);
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (let i = 0; i < n; i++) {
    const home = site();
    const r = rnd();
    let src = 'any';
    let dst: string;
    if (r < 0.3) dst = inside(home);
    else if (r < 0.85) {
      src = inside(home);
      dst = inside(rnd() < 0.7 ? home : site());
    } else {
      src = inside(home);
      const len = pick([16, 24, 24, 32]);
      dst = `${Math.floor(rnd() * 223) + 1}.${byte()}.${len > 16 ? byte() : 0}.${len > 24 ? byte() : 0}/${len}`;
    }
    const proto = src === 'any' ? pick(['tcp', 'tcp', 'udp']) : pick(['tcp', 'tcp', 'tcp', 'udp', 'all']);
    const p = proto === 'all' ? null : ports();
    const parts = ['-A FORWARD', `-p ${proto}`];
    if (src !== 'any') parts.push(`-s ${src}`);
    parts.push(`-d ${dst}`);
    if (p) parts.push(`--dport ${p}`);
    parts.push(`-m comment --comment "r${i}"`, `-j ${rnd() < 0.8 ? 'ACCEPT' : 'DROP'}`);
    lines.push(parts.join(' '));
  }
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

type Measure = (fn: () => Promise<void> | void) => Promise<{ seconds: number; peakRssMb: number }>;

/** `measure`, plus the process's CPU time (user + system): on a shared machine wall time is not the work. */
async function measureCpu(measure: Measure, fn: () => void): Promise<{ seconds: number; peakRssMb: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const r = await measure(fn);
  const c = process.cpuUsage(c0);
  return { ...r, cpu: (c.user + c.system) / 1e6 };
}

const GENERATORS = [
  { name: 'ClassBench-style, any-any permit at rule 686', generate: generateRuleSet },
  { name: 'merged sites, no catch-all', generate: generateSiteRuleSet },
] as const;

const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
/** The value at quantile q of an ascending list (the worst at q = 1). */
const at = (xs: readonly number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!.toFixed(1);

/** What one fresh process measures: generating, parsing and analysing one rule set, and its peak resident memory. */
interface ChildResult {
  parseSeconds: number;
  parseCpu: number;
  seconds: number;
  cpu: number;
  findings: number;
  peakRssMb: number;
}

/**
 * Parses and analyses `n` rules of generator `g` in a fresh process: its peak resident memory
 * (getrusage) is that of this rule set alone, where the sampled growth of the bench process
 * misses what a synchronous analysis allocates and frees between samples.
 */
function inChild(n: number, g: number): ChildResult {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(n), String(g)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`rule-set child (${n} rules): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function childMain(n: number, g: number): void {
  const text = GENERATORS[g]!.generate(n);
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  const policy = forwardPolicy(text);
  const parseSeconds = (performance.now() - t0) / 1000;
  const parseCpu = cpuMs(c0) / 1000;
  c0 = process.cpuUsage();
  t0 = performance.now();
  const findings = analyzePolicy(policy, { ...DEFAULT_RULE_OPTIONS, today: '2026-11-27' }).findings.length;
  const result: ChildResult = {
    parseSeconds,
    parseCpu,
    seconds: (performance.now() - t0) / 1000,
    cpu: cpuMs(c0) / 1000,
    findings,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(result));
}

/** A rule that matches every packet: every later rule is then covered by it. */
function catchAll(r: NormalizedRule, action: 'permit' | 'deny', line: number): NormalizedRule {
  const box = { proto: ANY_PROTO, src: anyAddress(r.family), dst: anyAddress(r.family), sport: ANY_PORT, dport: ANY_PORT, state: ANY_STATE };
  return { ...r, action, box, opaque: false, line, name: `catch-all-${line}` };
}

/**
 * The rule-set rows: for each size (BENCH_RULES, default 1,000, 10,000 and 100,000; add 1000000
 * for the 3-minute target) and each generator, parsing, the indexed analysis, and where they
 * finish (BENCH_RULES_REFERENCE_MAX, default 10,000) the scanning engine and the naive pairwise
 * reference in the same run. From 100,000 rules the parse and analysis run in a fresh process,
 * for their peak resident memory. Then the re-check after one edit at 10,000 and 100,000 rules:
 * BENCH_RULE_EDITS (default 200) edits at random positions, the first and the last rule among
 * them, each replacing a rule by a new one from the same generator; and, apart, catch-all edits
 * (BENCH_RULE_CATCHALLS, default 3): a permit-all or deny-all put in near the top, which covers
 * every later rule, and the original rule put back, which uncovers them.
 */
export async function benchRuleSets(measure: Measure): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes = (process.env.BENCH_RULES ?? '1000,10000,100000').split(',').map(Number);
  const referenceMax = Number(process.env.BENCH_RULES_REFERENCE_MAX ?? 10_000);
  const edits = Number(process.env.BENCH_RULE_EDITS ?? 200);
  const catchAlls = Number(process.env.BENCH_RULE_CATCHALLS ?? 3);
  const options = { ...DEFAULT_RULE_OPTIONS, today: '2026-11-27' };
  for (const n of sizes) {
    for (const [g, gen] of GENERATORS.entries()) {
      const input = `${n} rules, ${gen.name}`;
      if (n >= 100_000) {
        const c = inChild(n, g);
        rows.push({
          name: 'rule-set: parse iptables-save (fresh process)',
          input,
          seconds: c.parseSeconds,
          peakRssMb: 0,
          rate: `${Math.round(n / c.parseSeconds)} rules/s`,
          baseline: `CPU ${c.parseCpu.toFixed(1)} s`,
        });
        rows.push({
          name: `rule-set: all anomalies + exact union reachability, indexed (${c.findings} findings; fresh process, peak = its whole resident peak)`,
          input,
          seconds: c.seconds,
          peakRssMb: c.peakRssMb,
          rate: `${Math.round(n / c.seconds)} rules/s`,
          baseline: `CPU ${c.cpu.toFixed(1)} s; parse + analysis ${(c.parseSeconds + c.seconds).toFixed(1)} s wall, ${(c.parseCpu + c.cpu).toFixed(1)} s CPU; scan engine and naive pairwise skipped above ${referenceMax} (quadratic)`,
        });
        if (n !== 100_000) continue;
      }
      const text = gen.generate(n + edits);
      const parsed: { policy?: Policy } = {};
      const parse = await measureCpu(measure, () => {
        parsed.policy = forwardPolicy(text);
      });
      const whole = parsed.policy!;
      const policy = { ...whole, rules: whole.rules.slice(0, n) };
      if (n < 100_000) {
        rows.push({
          name: 'rule-set: parse iptables-save',
          input: `${n + edits} rules, ${gen.name}`,
          ...parse,
          rate: `${Math.round((n + edits) / parse.seconds)} rules/s`,
          baseline: `CPU ${parse.cpu.toFixed(1)} s`,
        });
        let findings = 0;
        const full = await measureCpu(measure, () => {
          findings = analyzePolicy(policy, options).findings.length;
        });
        const reference = n <= referenceMax;
        const scan = reference ? await measureCpu(measure, () => void analyzePolicy(policy, { ...options, engine: 'scan' })) : null;
        const naive = reference ? await measureCpu(measure, () => void naivePairwise(policy)) : null;
        rows.push({
          name: `rule-set: all anomalies + exact union reachability, indexed (${findings} findings)`,
          input,
          ...full,
          rate: `${Math.round(n / full.seconds)} rules/s`,
          baseline:
            `CPU ${full.cpu.toFixed(1)} s; ` +
            (scan && naive
              ? `scan engine CPU ${scan.cpu.toFixed(2)} s (${(scan.cpu / full.cpu).toFixed(1)}×); naive pairwise only, CPU ${naive.cpu.toFixed(2)} s (${(naive.cpu / full.cpu).toFixed(1)}×)`
              : `scan engine and naive pairwise skipped above ${referenceMax} (quadratic)`),
        });
      }
      if (n !== 10_000 && n !== 100_000) continue;
      const analysis = new PolicyAnalysis(policy, options);
      const replacements = whole.rules.slice(n);
      const rnd = mulberry32(n + 11);
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let k = 0; k < edits; k++) {
        const position = k === 0 ? 0 : k === 1 ? n - 1 : Math.floor(rnd() * n);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        analysis.replaceRule(position, { ...replacements[k]!, line: 10_000_000 + k });
        wall.push(performance.now() - t0);
        cpu.push(cpuMs(c0));
      }
      const [w, c] = [ascending(wall), ascending(cpu)];
      rows.push({
        name: `rule-set: re-check after replacing one rule (${edits} edits, first and last among them)`,
        input,
        seconds: w[w.length - 1]! / 1000,
        peakRssMb: 0,
        rate: `wall median ${at(w, 0.5)} ms, p99 ${at(w, 0.99)} ms, worst ${at(w, 1)} ms`,
        baseline: `CPU median ${at(c, 0.5)} ms, p99 ${at(c, 0.99)} ms, worst ${at(c, 1)} ms (position 0: ${wall[0]!.toFixed(1)} ms, last: ${wall[1]!.toFixed(1)} ms)`,
      });
      if (catchAlls <= 0) continue;
      // Near the top (the first rules, then a hundredth and a fifth of the way down), before and
      // after the ClassBench set's own catch-all at rule 686; permit and deny in turn.
      const spots = [1, Math.floor(n / 100), Math.floor(n / 5)];
      const put: number[] = [];
      const back: number[] = [];
      const putWall: number[] = [];
      const backWall: number[] = [];
      for (let k = 0; k < catchAlls; k++) {
        const position = spots[k % spots.length]! + Math.floor(k / spots.length);
        const original = analysis.currentRules()[position]!;
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        analysis.replaceRule(position, catchAll(original, k % 2 === 0 ? 'permit' : 'deny', 20_000_000 + k));
        putWall.push(performance.now() - t0);
        put.push(cpuMs(c0));
        c0 = process.cpuUsage();
        t0 = performance.now();
        analysis.replaceRule(position, original);
        backWall.push(performance.now() - t0);
        back.push(cpuMs(c0));
      }
      // Taken out later: after a few other edits (undone and applied again), and after more than
      // an undo re-applies (every rule the catch-all covered is judged again).
      const later: string[] = [];
      for (const between of [5, 20]) {
        const position = spots[1]!;
        const original = analysis.currentRules()[position]!;
        analysis.replaceRule(position, catchAll(original, 'permit', 30_000_000 + between));
        for (let e = 0; e < between; e++) {
          const at = Math.floor(rnd() * n);
          if (at !== position) analysis.replaceRule(at, { ...replacements[e % replacements.length]!, line: 31_000_000 + e });
        }
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        analysis.replaceRule(position, original);
        later.push(`after ${between} other edits ${(performance.now() - t0).toFixed(1)} ms (CPU ${cpuMs(c0).toFixed(1)} ms)`);
      }
      const [pw, pc, bw, bc] = [putWall, put, backWall, back].map(ascending) as [number[], number[], number[], number[]];
      rows.push({
        name: `rule-set: re-check after a catch-all edit (${catchAlls} permit-all/deny-all put in at rules ${spots.join(', ')}, then the original put back)`,
        input,
        seconds: pw[pw.length - 1]! / 1000,
        peakRssMb: 0,
        rate: `put in: wall median ${at(pw, 0.5)} ms, worst ${at(pw, 1)} ms (CPU median ${at(pc, 0.5)} ms, worst ${at(pc, 1)} ms)`,
        baseline:
          `taken out at once: wall median ${at(bw, 0.5)} ms, worst ${at(bw, 1)} ms (CPU median ${at(bc, 0.5)} ms, worst ${at(bc, 1)} ms), the analysis from before it restored; ` +
          `taken out ${later.join(', ')}: up to 16 later edits are undone and applied again, past them every rule it covered is judged again`,
      });
    }
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) childMain(Number(process.argv[2]), Number(process.argv[3]));
