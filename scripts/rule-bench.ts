// ClassBench-style rule sets for `npm run bench`: nested prefixes, port-range classes, mixed
// actions, generated from a fixed seed so every run measures the same rules.
import { parseIptablesSave } from '../src/analyzers/rule-set/parsers/iptables.js';
import type { Policy } from '../src/analyzers/rule-set/rule-model.js';

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

/** An iptables-save text of `n` rules plus a final DROP policy. */
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
  const ports = (): string | null => {
    const r = rnd();
    if (r < 0.25) return null;
    if (r < 0.6) return String(pick([22, 25, 53, 80, 110, 123, 143, 443, 445, 993, 1433, 1521, 3306, 3389, 8080, 8443]));
    if (r < 0.75) return '1024:65535';
    const lo = Math.floor(rnd() * 60000);
    return `${lo}:${lo + Math.floor(rnd() * 2000)}`;
  };
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
