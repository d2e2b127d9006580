import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyzerFinding } from '../../src/core/analysis/analyzer.js';
import { coveredByUnion, DEFAULT_RULE_OPTIONS, PolicyAnalysis, type RuleFinding } from '../../src/analyzers/rule-set/analyze-rules.js';
import { tokenize } from '../../src/analyzers/rule-set/parsers/policy-builder.js';
import type { NormalizedRule } from '../../src/analyzers/rule-set/rule-model.js';
import { ContainIndex, levelOf, OverlapIndex, PairContainIndex, PairOverlapIndex } from '../../src/analyzers/rule-set/box-index.js';
import { detectDevice, detectSyntax, ruleSetAnalyzer } from '../../src/analyzers/rule-set/rule-set.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { forwardPolicy } from '../../scripts/rule-bench.js';
import { FIXTURES, tempDir } from '../helpers/shared.js';

// The vendor-format parsers are tested on the project's own fixtures in rule-set-parsers.test.ts,
// and on the public configurations in the corpus tier (test/corpus/rule-set-real-configs.test.ts).
const FW = path.join(FIXTURES, 'firewall');
const TODAY = '2026-11-27';
const opts = { ...DEFAULT_RULE_OPTIONS, today: TODAY };
const read = (f: string) => readFileSync(f, 'utf8');
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const of = (findings: readonly AnalyzerFinding[], kind: string) => (findings as RuleFinding[]).filter((f) => f.kind === kind);

/** Writes the CSV rule template and analyzes it. */
async function analyzeTemplate(rows: string[], extra: Record<string, string> = {}) {
  const file = path.join(tmp.dir, 'rules.csv');
  writeFileSync(
    file,
    [
      '規則名稱 / name,動作 / action,協定 / protocol,來源 / source,目的 / destination,目的埠 / destination_port,負責人 / owner,檢視日 / reviewed_on,啟用 / enabled',
      ...rows,
    ].join('\n'),
  );
  return analyzeFiles('rule-set', [file], TODAY, extra);
}

describe('rule-set analysis', () => {
  it('finds a rule covered only by the union of earlier rules (pairwise checks miss it)', async () => {
    const r = await analyzeTemplate([
      'block-low,deny,tcp,10.0.0.0/25,any,80,ops,2026-06-01,yes',
      'block-high,deny,tcp,10.0.0.128/25,any,80,ops,2026-06-01,yes',
      'web,permit,tcp,10.0.0.0/24,192.0.2.10,80,ops,2026-06-01,yes',
      'deny-all,deny,ip,any,any,,ops,2026-06-01,yes',
    ]);
    expect(of(r.findings, 'shadowed')).toEqual([]);
    const u = of(r.findings, 'unreachable');
    expect(u.map((f) => [f.line, f.rule])).toEqual([[4, 'web']]);
    expect(u[0]!.blocking.map((b) => b.line)).toEqual([2, 3]);
    expect(r.verdict).toBe('fail');
  });

  it('classifies shadowing, redundancy both ways, generalization and correlation', async () => {
    const r = await analyzeTemplate([
      'deny-net,deny,tcp,10.1.0.0/16,any,443,ops,2026-06-01,yes', // 2
      'permit-host,permit,tcp,10.1.2.3,any,443,ops,2026-06-01,yes', // 3: shadowed by 2
      'deny-dup,deny,tcp,10.1.9.0/24,any,443,ops,2026-06-01,yes', // 4: redundant to 2
      'permit-srv,permit,tcp,10.2.0.5,192.0.2.20,22,ops,2026-06-01,yes', // 5: redundant, 7 covers it later
      'deny-ssh-some,deny,tcp,10.3.0.0/24,192.0.2.0/24,22,ops,2026-06-01,yes', // 6
      'permit-ssh,permit,tcp,10.2.0.0/16,192.0.2.20,22,ops,2026-06-01,yes', // 7
      'permit-mgmt,permit,tcp,10.3.0.0/16,192.0.2.20,22,ops,2026-06-01,yes', // 8: generalizes 6? no, correlates with 6
      'deny-all,deny,ip,any,any,,ops,2026-06-01,yes', // 9
    ]);
    const kinds = (k: string) => of(r.findings, k).map((f) => f.line);
    expect(kinds('shadowed')).toEqual([3]);
    expect(kinds('redundant')).toEqual(expect.arrayContaining([4, 5]));
    expect(kinds('correlation')).toEqual([8]);
    expect(kinds('generalization')).toEqual([9]);
  });

  it('flags any-any and over-broad permits and a list without a final deny; skips disabled rules', async () => {
    const r = await analyzeTemplate([
      'legacy,permit,ip,any,any,,ops,2026-06-01,yes',
      'wide,permit,tcp,10.0.0.0/8,0.0.0.0/4,443,ops,2026-06-01,yes',
      'ports,permit,tcp,192.0.2.0/24,198.51.100.7,1-65535,ops,2026-06-01,yes',
      'old,permit,tcp,any,any,23,ops,2026-06-01,no',
      'no-owner,permit,tcp,192.0.2.0/24,198.51.100.8,443,,2026-06-01,yes',
    ]);
    expect(of(r.findings, 'any_any').map((f) => f.line)).toEqual([2]);
    expect(of(r.findings, 'over_broad').map((f) => f.line)).toEqual([3, 4]);
    expect(of(r.findings, 'disabled').map((f) => f.line)).toEqual([5]);
    expect(of(r.findings, 'no_default_deny')).toHaveLength(1);
    expect(of(r.findings, 'owner_missing').map((f) => f.line)).toEqual([6]);
  });

  it('asks for a yearly review of the rules (7/(1)/b/(i))', async () => {
    const stale = await analyzeTemplate(['web,permit,tcp,any,192.0.2.10,443,ops,2025-01-15,yes', 'deny-all,deny,ip,any,any,,ops,2026-06-01,yes']);
    expect(of(stale.findings, 'review_overdue').map((f) => [f.line, f.clause])).toEqual([[2, '7/(1)/b/(i)']]);
    const none = await analyzeTemplate(['web,permit,tcp,any,192.0.2.10,443,ops,,yes', 'deny-all,deny,ip,any,any,,ops,,yes']);
    expect(of(none.findings, 'review_date_missing')).toHaveLength(1);
    const given = await analyzeTemplate(['web,permit,tcp,any,192.0.2.10,443,ops,,yes', 'deny-all,deny,ip,any,any,,ops,,yes'], { reviewed_on: '2026-09-01' });
    expect(given.verdict).toBe('pass');
  });

  it('treats interface-specific and rate-limited iptables rules as opaque, never as any-any', async () => {
    const file = path.join(tmp.dir, 'host.rules');
    writeFileSync(
      file,
      [
        '*filter',
        ':INPUT ACCEPT [0:0]',
        '-A INPUT -i lo -j ACCEPT',
        '-A INPUT -p tcp --dport 22 -m limit --limit 5/min -j ACCEPT',
        '-A INPUT -p tcp --dport 22 -j DROP',
        'COMMIT',
      ].join('\n'),
    );
    const r = await analyzeFiles('rule-set', [file], TODAY, { reviewed_on: '2026-10-01' });
    expect(of(r.findings, 'any_any')).toEqual([]);
    expect(of(r.findings, 'shadowed')).toEqual([]); // the rate-limited ACCEPT cannot shadow the DROP
    expect(of(r.findings, 'no_default_deny').map((f) => f.detail)).toEqual([
      'INPUT lets through what no rule matches (its chain policy is ACCEPT): not an allow-list',
    ]);
    expect(of(r.findings, 'parse_warning').map((f) => f.line)).toEqual([4]);
  });

  it('never calls a rule redundant because of a later rule with unmodelled conditions', async () => {
    const file = path.join(tmp.dir, 'host.rules');
    writeFileSync(
      file,
      [
        '*filter',
        ':INPUT DROP [0:0]',
        '-A INPUT -s 10.0.0.5/32 -p tcp --dport 22 -j ACCEPT',
        '-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -m time --timestart 09:00 -j ACCEPT',
        'COMMIT',
      ].join('\n'),
    );
    const r = await analyzeFiles('rule-set', [file], TODAY, { reviewed_on: '2026-10-01' });
    expect(of(r.findings, 'redundant')).toEqual([]); // line 4 only matches during office hours
  });

  it('reads iptables -nvL listings at their own lines', async () => {
    const file = path.join(tmp.dir, 'iptables-nvL.txt');
    writeFileSync(
      file,
      [
        'Chain INPUT (policy ACCEPT 1234 packets, 98765 bytes)',
        ' pkts bytes target     prot opt in     out     source               destination',
        ' 1200 90000 ACCEPT     all  --  lo     *       0.0.0.0/0            0.0.0.0/0',
        '  300 20000 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED',
        '   12   720 ACCEPT     tcp  --  *      *       10.10.0.0/16         0.0.0.0/0            tcp dpt:22 /* ssh-admin reviewed: 2026-03-02 owner: netops */',
        '    0     0 ACCEPT     tcp  --  *      *       10.10.5.0/24         0.0.0.0/0            tcp dpt:22',
        '    5   300 ACCEPT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 80,443',
        '',
      ].join('\n'),
    );
    const r = await analyzeFiles('rule-set', [file], TODAY);
    expect(of(r.findings, 'redundant').map((f) => [f.line, f.rule, f.blocking[0]!.rule])).toEqual([[6, 'INPUT rule 4', 'ssh-admin']]);
    expect(of(r.findings, 'any_any')).toEqual([]); // loopback is interface-bound; RELATED,ESTABLISHED admits replies only
    expect(of(r.findings, 'over_broad')).toEqual([]); // on INPUT, destination "any" is this host
    expect(of(r.findings, 'no_default_deny').map((f) => f.rule)).toEqual(['INPUT']);
    expect(of(r.findings, 'review_date_missing').map((f) => f.line)).toEqual([3, 4, 6, 7]); // line 5 carries its review date
  });

  it('refuses a syntax it does not know, naming the file, and never passes on nothing', async () => {
    const file = path.join(tmp.dir, 'mystery.conf');
    writeFileSync(file, 'set security policy from any to any allow\n');
    const r = await analyzeFiles('rule-set', [file], TODAY);
    expect(r.verdict).toBe('error');
    expect(r.findings[0]!.detail).toContain('mystery.conf: the rule syntax is not recognised');
    expect(detectSyntax('x.txt', '*filter\n:INPUT DROP [0:0]')).toBe('iptables');
    const empty = path.join(tmp.dir, 'objects-only.cfg');
    writeFileSync(empty, read(path.join(FW, 'asa-objects-only.cfg')));
    expect((await analyzeFiles('rule-set', [empty], TODAY, { reviewed_on: '2026-10-01' })).verdict).toBe('error');
  });
});

describe('streamed configurations', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('finds the same rows in an iptables-save and a Cisco config whatever surrounds them, line for line', async () => {
    const ipt = path.join(FW, 'edge-policy.ipt');
    const acl = path.join(FW, 'edge-policy.acl');
    const rows = (r: { findings: readonly AnalyzerFinding[] }, shift = 0) =>
      r.findings.filter((f) => f.line !== null).map((f) => `${f.kind}@${f.line! - shift}:${f.rule}`);
    // 60,000 lines of nat table before the filter table: read line by line and left behind.
    const nat = [
      '*nat',
      ...Array.from(
        { length: 60_000 },
        (_, i) => `-A PREROUTING -d 198.51.100.${i % 250} -p tcp --dport ${1024 + (i % 5000)} -j DNAT --to-destination 10.0.${i % 250}.1`,
      ),
      'COMMIT',
    ];
    const bigIpt = path.join(tmp.dir, 'big.ipt');
    writeFileSync(bigIpt, `${nat.join('\n')}\n${read(ipt)}`);
    const small = await analyzeFiles('rule-set', [ipt], TODAY, { reviewed_on: TODAY });
    const big = await analyzeFiles('rule-set', [bigIpt], TODAY, { reviewed_on: TODAY });
    expect(rows(small).length).toBeGreaterThan(0);
    expect(rows(big, nat.length)).toEqual(rows(small));
    // A Cisco config padded with 60,000 lines of routes between the object groups and the ACLs.
    const routes = Array.from({ length: 60_000 }, (_, i) => `ip route 10.${i % 250}.${i % 200}.0 255.255.255.0 192.0.2.1`);
    const text = read(acl);
    const bigAcl = path.join(tmp.dir, 'big.acl');
    writeFileSync(bigAcl, `${routes.join('\n')}\n${text}`);
    const smallCisco = await analyzeFiles('rule-set', [acl], TODAY, { reviewed_on: TODAY });
    const bigCisco = await analyzeFiles('rule-set', [bigAcl], TODAY, { reviewed_on: TODAY });
    expect(rows(smallCisco).length).toBeGreaterThan(0);
    expect(rows(bigCisco, routes.length)).toEqual(rows(smallCisco));
  });
});

/** A FORWARD chain of iptables-save rules, each line given without its `-A FORWARD`. */
const rules = (lines: string[]) => forwardPolicy(['*filter', ':FORWARD DROP [0:0]', ...lines.map((l) => `-A FORWARD ${l}`), 'COMMIT', ''].join('\n'));

describe('re-checking after one rule changes', () => {
  it('gives exactly what a fresh analysis of the changed policy gives, edit after edit', async () => {
    const { forwardPolicy, generateRuleSet } = await import('../../scripts/rule-bench.js');
    const { PolicyAnalysis } = await import('../../src/analyzers/rule-set/analyze-rules.js');
    const key = (f: RuleFinding) => `${f.kind}|${f.line}|${f.rule}|${f.detail}|${f.blocking.map((b) => b.line).join(',')}`;
    for (const seed of [1, 2, 3]) {
      const policy = forwardPolicy(generateRuleSet(250, seed));
      const replacements = forwardPolicy(generateRuleSet(60, seed + 100)).rules;
      const analysis = new PolicyAnalysis(policy, opts);
      let rnd = seed;
      const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let edit = 0; edit < 25; edit++) {
        const position = Math.floor(next() * policy.rules.length);
        const replacement = replacements[Math.floor(next() * replacements.length)]!;
        analysis.replaceRule(position, { ...replacement, line: 10_000 + edit, name: `edit-${edit}` });
        const fresh = new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts);
        expect(analysis.findings().map(key).sort(), `seed ${seed}, edit ${edit} at ${position}`).toEqual(fresh.findings().map(key).sort());
      }
    }
  });

  it('stays exact on merged sites past the rules a re-check reads one by one (the index answers the rest)', async () => {
    const { forwardPolicy, generateSiteRuleSet } = await import('../../scripts/rule-bench.js');
    const key = (f: RuleFinding) => `${f.kind}|${f.line}|${f.rule}|${f.detail}|${f.blocking.map((b) => b.line).join(',')}`;
    for (const seed of [5, 6]) {
      const all = forwardPolicy(generateSiteRuleSet(1530, seed));
      const policy = { ...all, rules: all.rules.slice(0, 1500) };
      const analysis = new PolicyAnalysis(policy, opts);
      expect(analysis.findings(), `seed ${seed}`).toEqual(new PolicyAnalysis(policy, { ...opts, engine: 'scan' }).findings());
      let rnd = seed;
      const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let edit = 0; edit < 20; edit++) {
        const position = edit === 0 ? 0 : edit === 1 ? 1499 : Math.floor(next() * 1500);
        analysis.replaceRule(position, { ...all.rules[1500 + edit]!, line: 20_000 + edit, name: `edit-${edit}` });
        const fresh = new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts);
        expect(analysis.findings().map(key).sort(), `seed ${seed}, edit ${edit} at ${position}`).toEqual(fresh.findings().map(key).sort());
      }
    }
  });

  // Taking a catch-all out uncovers every later rule: past a few hundred, their next cover is asked
  // of a containment index (on the ClassBench-style set, the any-any permit at rule 686).
  it('stays exact when a catch-all is put in near the top and taken out again, on both generated sets', async () => {
    const { forwardPolicy, generateRuleSet, generateSiteRuleSet } = await import('../../scripts/rule-bench.js');
    const { ANY_PORT, ANY_PROTO, ANY_STATE, anyAddress } = await import('../../src/analyzers/rule-set/rule-model.js');
    const all = { proto: ANY_PROTO, src: anyAddress(4), dst: anyAddress(4), sport: ANY_PORT, dport: ANY_PORT, state: ANY_STATE };
    for (const generate of [generateRuleSet, generateSiteRuleSet]) {
      const policy = forwardPolicy(generate(1200, 9));
      const analysis = new PolicyAnalysis(policy, opts);
      for (const [position, action] of [
        [3, 'permit'],
        [600, 'deny'],
      ] as const) {
        const original = analysis.currentRules()[position]!;
        for (const rule of [{ ...original, action, box: all, line: 50_000, name: 'all' }, original]) {
          analysis.replaceRule(position, rule);
          const fresh = new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts);
          expect(analysis.findings(), `${generate.name}, ${rule.name} at ${position}`).toEqual(fresh.findings());
        }
      }
    }
  });

  // Undoing the catch-all restores which rule is the last that can make an earlier one redundant:
  // a later edit then re-decides the rule before it against the rules after the catch-all's place.
  it('after a catch-all is put in and the rule it replaced put back, a later edit still finds a rule redundant to a later one', async () => {
    const { ANY_PORT, ANY_PROTO, ANY_STATE, anyAddress } = await import('../../src/analyzers/rule-set/rule-model.js');
    const policy = rules([
      '-p tcp -s 10.9.9.9/32 -d 10.8.8.8/32 --dport 22 -j ACCEPT',
      '-p udp -s 10.7.7.7/32 -d 10.6.6.6/32 --dport 53 -j ACCEPT',
      '-p tcp -s 10.0.0.1/32 -d 10.0.1.1/32 --dport 80:81 -j ACCEPT',
      '-p tcp -s 10.5.5.5/32 -d 10.4.4.4/32 --dport 25 -j ACCEPT',
      '-p tcp -s 10.0.0.0/24 -d 10.0.1.0/24 --dport 1:1000 -j ACCEPT',
    ]);
    const narrowed = rules(['-p tcp -s 10.0.0.1/32 -d 10.0.1.1/32 --dport 79:80 -j ACCEPT']).rules[0]!;
    const analysis = new PolicyAnalysis(policy, opts);
    const redundantLines = () =>
      analysis
        .findings()
        .filter((f) => f.kind === 'redundant')
        .map((f) => f.line);
    const j = policy.rules[2]!.line;
    expect(redundantLines()).toEqual([j]);
    const original = policy.rules[1]!;
    const all = { proto: ANY_PROTO, src: anyAddress(4), dst: anyAddress(4), sport: ANY_PORT, dport: ANY_PORT, state: ANY_STATE };
    analysis.replaceRule(1, { ...original, action: 'deny', box: all, name: 'deny-all' });
    expect(redundantLines()).toEqual([]);
    analysis.replaceRule(1, original);
    expect(redundantLines()).toEqual([j]);
    // The rule between j and the one holding it now overlaps j, alike: j is re-decided, still redundant.
    analysis.replaceRule(3, { ...narrowed, line: policy.rules[3]!.line, name: 'narrowed' });
    expect(redundantLines()).toEqual([j, policy.rules[3]!.line]);
    expect(analysis.findings()).toEqual(new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts).findings());
  });

  // The index meets conflicting later rules out of order (narrow blocks first): the one it meets
  // only bounds the first. An edit between the two that holds the rule alike must not make it
  // redundant past the first conflict.
  it('does not take the conflicting rule the index met first for the first one', () => {
    const policy = rules([
      '-p tcp -s 10.0.0.1/32 -d 10.1.0.1/32 --dport 80 -j ACCEPT',
      '-p tcp -s 10.0.0.0/16 -d 10.1.0.1/32 --dport 80 -j DROP',
      '-p tcp -s 10.0.0.1/32 -d 10.1.0.1/32 --dport 80 -j DROP',
      '-p tcp -s 10.0.0.0/8 -d 10.0.0.0/8 -j ACCEPT',
    ]);
    const analysis = new PolicyAnalysis(policy, opts);
    const holder = rules(['-p tcp -s 10.0.0.0/24 -d 10.1.0.0/24 --dport 1:1000 -j ACCEPT']).rules[0]!;
    analysis.replaceRule(2, { ...holder, line: policy.rules[2]!.line, name: 'holder' });
    const findings = analysis.findings();
    expect(findings.filter((f) => f.kind === 'redundant' && f.line === policy.rules[0]!.line)).toEqual([]);
    expect(findings).toEqual(new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts).findings());
  });

  // A rule covered only by the union of earlier ones becomes reachable again when one of them is
  // replaced: the rule just before it, held by it alike, is then redundant to it, not to the one
  // that decided before (the edit's box does not meet that earlier rule at all).
  it('re-decides the rule before one that becomes reachable again, on both engines', () => {
    const policy = rules([
      '-p tcp -s 10.0.0.0/25 -d 10.1.0.1/32 --dport 80 -j ACCEPT',
      '-p tcp -s 10.0.0.128/25 -d 10.1.0.1/32 --dport 80 -j DROP',
      '-p tcp -s 10.0.0.1/32 -d 10.1.0.1/32 --dport 80 -j ACCEPT',
      '-p tcp -s 10.0.0.0/24 -d 10.1.0.1/32 --dport 80 -j ACCEPT',
      '-p tcp -s 10.0.0.0/23 -d 10.1.0.1/32 --dport 80 -j ACCEPT',
    ]);
    const unrelated = rules(['-p tcp -s 192.0.2.1/32 -d 198.51.100.1/32 --dport 22 -j ACCEPT']).rules[0]!;
    const [, , j, k] = policy.rules.map((r) => r.line);
    for (const engine of ['indexed', 'scan'] as const) {
      const analysis = new PolicyAnalysis(policy, { ...opts, engine });
      // Covered by the first rule alike (redundant to it), and redundant to a later rule.
      const redundant = (line: number) =>
        analysis
          .findings()
          .filter((f) => f.kind === 'redundant' && f.line === line)
          .map((f) => f.blocking.map((b) => b.line));
      expect(redundant(j!), engine).toEqual([[policy.rules[0]!.line], [policy.rules[4]!.line]]);
      analysis.replaceRule(1, { ...unrelated, line: policy.rules[1]!.line, name: 'unrelated' });
      expect(redundant(j!), engine).toEqual([[policy.rules[0]!.line], [k]]);
      expect(analysis.findings(), engine).toEqual(new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts).findings());
    }
  });

  it('shares one object per distinct interval of a parsed policy, with the findings of unshared copies', async () => {
    const { forwardPolicy, generateSiteRuleSet } = await import('../../scripts/rule-bench.js');
    const policy = forwardPolicy(generateSiteRuleSet(3000, 8));
    const dims = ['proto', 'src', 'dst', 'sport', 'dport', 'state'] as const;
    const byValue = new Map<string, object>();
    let shared = 0;
    for (const r of policy.rules)
      for (const d of dims) {
        const x = r.box[d];
        const seen = byValue.get(`${x.lo}-${x.hi}`);
        if (seen) {
          expect(seen).toBe(x);
          shared++;
        } else byValue.set(`${x.lo}-${x.hi}`, x);
      }
    expect(shared).toBeGreaterThan(policy.rules.length * 4);
    const copy = (x: { lo: bigint; hi: bigint }) => ({ lo: x.lo, hi: x.hi });
    const copied = {
      ...policy,
      rules: policy.rules.map((r) => ({
        ...r,
        box: {
          proto: copy(r.box.proto),
          src: copy(r.box.src),
          dst: copy(r.box.dst),
          sport: copy(r.box.sport),
          dport: copy(r.box.dport),
          state: copy(r.box.state),
        },
      })),
    };
    expect(new PolicyAnalysis(policy, opts).findings()).toEqual(new PolicyAnalysis(copied, opts).findings());
  });

  it('stays exact where rules are covered only by several earlier rules together (witness and removal shortcuts)', async () => {
    const { forwardPolicy, generateDenseRuleSet } = await import('../../scripts/rule-bench.js');
    const { PolicyAnalysis } = await import('../../src/analyzers/rule-set/analyze-rules.js');
    const key = (f: RuleFinding) => `${f.kind}|${f.line}|${f.rule}|${f.detail}|${f.blocking.map((b) => b.line).join(',')}`;
    let unreachable = 0;
    for (const seed of [1, 2, 3, 4]) {
      const policy = forwardPolicy(generateDenseRuleSet(80, seed));
      const replacements = forwardPolicy(generateDenseRuleSet(40, seed + 50)).rules;
      const analysis = new PolicyAnalysis(policy, opts);
      let rnd = seed * 7;
      const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let edit = 0; edit < 40; edit++) {
        const position = Math.floor(next() * policy.rules.length);
        analysis.replaceRule(position, { ...replacements[Math.floor(next() * replacements.length)]!, line: 9_000 + edit, name: `edit-${edit}` });
        const fresh = new PolicyAnalysis({ ...policy, rules: [...analysis.currentRules()] }, opts);
        const expected = fresh.findings();
        unreachable += expected.filter((f) => f.kind === 'unreachable').length;
        expect(analysis.findings().map(key).sort(), `seed ${seed}, edit ${edit} at ${position}`).toEqual(expected.map(key).sort());
      }
    }
    expect(unreachable).toBeGreaterThan(1000); // the union case is really exercised
  });
});

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'rule-set');
/** Writes a configuration of `lines` into the test's temporary folder. */
function writeConfig(name: string, lines: readonly string[]): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('rules covered only by several earlier rules together', () => {
  it('gives one finding per unreachable rule line, naming every rule of the cover in both languages, and counts it once', async () => {
    const r = await analyzeFiles('rule-set', [path.join(FIX, 'cover', 'edge-cover.cfg')], TODAY, { reviewed_on: '2026-06-01' });
    // Line 10's object group expands into two boxes, each denied first by another line (8, 9):
    // neither line alone covers line 10, so no finding may say one of them does.
    const dead = r.findings.filter((f) => ['shadowed', 'unreachable'].includes(f.kind));
    expect(dead.map((f) => [f.kind, f.line, f.blocking.map((b) => b.line)])).toEqual([
      ['unreachable', 10, [8, 9]],
      ['unreachable', 13, [11, 12]],
      ['shadowed', 15, [14]],
    ]);
    const l10 = dead[0]!;
    expect(l10.detail).toContain('never matches: lines 8 and 9 together');
    expect(l10.detail).not.toContain('all of its traffic first: ');
    expect(l10.detailZh).toContain('永不生效：第 8、9 行合併已涵蓋其全部流量');
    expect((l10 as RuleFinding).match).toContain('10.0.0.1');
    expect((l10 as RuleFinding).match).toContain('10.0.0.2');
    expect(r.findings.some((f) => /line 8\) denies all of its traffic first/.test(f.detail))).toBe(false);
    // Counted per rule line: three dead lines, whatever the number of covers or boxes.
    expect(r.summary).toContain('unreachable 3');
    expect(r.summaryZh).toContain('永不生效 3');
  });

  it('says which part of a line is dead when earlier rules cover only some of its boxes', async () => {
    const file = writeConfig('part.cfg', [
      'hostname part',
      'object-group network PAIR',
      ' host 10.0.0.1',
      ' host 10.0.0.2',
      'ip access-list extended P',
      ' deny tcp host 10.0.0.1 any eq 22',
      ' permit tcp object-group PAIR host 192.0.2.1 eq 22',
      ' deny ip any any',
    ]);
    const r = await analyzeFiles('rule-set', [file], TODAY, { reviewed_on: '2026-06-01' });
    const s = of(r.findings, 'shadowed');
    expect(s.map((f) => [f.line, f.blocking.map((b) => b.line)])).toEqual([[7, [6]]]);
    expect(s[0]!.detail).toMatch(/^part of P#\d+ \(line 7\) \(1 of 2 address\/port combinations\) never matches/);
    expect(s[0]!.detailZh).toContain('2 組位址／埠中之 1 組');
    expect(s[0]!.match).toContain('10.0.0.1');
    expect(s[0]!.match).not.toContain('10.0.0.2');
  });
});

describe('a device folder with configurations that hold no packet filter', () => {
  const folder = path.join(FIX, 'device-folder');
  const files = readdirSync(folder)
    .sort()
    .map((f) => path.join(folder, f));

  it('reports each router without access lists by its hostname, the unreadable file on its own, and judges every other file', async () => {
    const r = await analyzeFiles('rule-set', files, TODAY, { reviewed_on: '2026-06-01' });
    expect(of(r.findings, 'no_packet_filter').map((f) => [f.file, f.rule, f.severity, f.failing])).toEqual([
      ['access-3.cfg', 'access-3', 'info', false],
      ['branch-5.conf', 'branch-5', 'info', false],
      ['core-2.cfg', 'core-2', 'info', false],
    ]);
    const nf = of(r.findings, 'no_packet_filter')[1]!;
    expect(nf.detail).toContain('a Junos configuration of branch-5 with no packet filter');
    expect(nf.detailZh).toContain('Junos 設定檔（branch-5）未設定封包過濾規則');
    const bad = of(r.findings, 'input_error');
    expect(bad.map((f) => [f.file, f.line])).toEqual([['notes.txt', 1]]);
    expect(bad[0]!.detail).toMatch(/^INPUT_UNSUPPORTED_FORMAT: notes\.txt: the rule syntax is not recognised/);
    expect(bad[0]!.detailZh).toContain('notes.txt：無法辨識規則語法');
    // The other files are analysed and judged: core-1's duplicate line, edge-4's broad terms.
    expect(of(r.findings, 'redundant').map((f) => [f.file, f.line])).toEqual([['core-1.cfg', 12]]);
    expect(of(r.findings, 'over_broad').map((f) => [f.file, f.line])).toEqual([
      ['edge-4.conf', 10],
      ['edge-4.conf', 17],
    ]);
    expect(r.scope).toBe(6);
    expect(r.verdict).toBe('fail');
  });

  it('never passes a folder in which a file could not be read, and recognises the filterless configurations as its evidence', async () => {
    const clean = files.filter((f) => !/edge-4|notes/.test(f));
    const r = await analyzeFiles('rule-set', clean, TODAY, { reviewed_on: '2026-06-01' });
    expect(r.findings.filter((f) => f.failing)).toEqual([]);
    expect(r.verdict).toBe('pass');
    const withBad = await analyzeFiles('rule-set', [...clean, path.join(folder, 'notes.txt')], TODAY, { reviewed_on: '2026-06-01' });
    expect(withBad.verdict).toBe('error');
    expect(withBad.scope).toBe(r.scope);
    const recognises = (file: { name: string; head: string }) => ruleSetAnalyzer.recognises!(file);
    expect(recognises({ name: 'core-2.cfg', head: read(path.join(folder, 'core-2.cfg')) })).toBe(true);
    expect(recognises({ name: 'branch-5.conf', head: read(path.join(folder, 'branch-5.conf')) })).toBe(true);
    expect(recognises({ name: 'notes.txt', head: read(path.join(folder, 'notes.txt')) })).toBe(false);
    expect(detectDevice('config system global\n    set hostname "fg-lab"\nend\n')).toEqual({ vendor: 'FortiOS', hostname: 'fg-lab' });
    expect(
      detectDevice('<config version="10.1"><devices><entry><deviceconfig><system><hostname>pa-1</hostname></system></deviceconfig></entry></devices></config>'),
    ).toEqual({
      vendor: 'PAN-OS',
      hostname: 'pa-1',
    });
  });
});

describe('hostile sizes', () => {
  it('reads a rule with a 10 MB comment (iptables and Cisco) without overflowing the stack, and keeps a bounded part of it', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const rules = writeConfig('huge-comment.rules', [
      '*filter',
      ':FORWARD DROP [0:0]',
      `-A FORWARD -p tcp -s 10.0.0.0/24 -d 192.0.2.1 --dport 22 -m comment --comment "${huge} reviewed: 2026-06-01" -j ACCEPT`,
      '-A FORWARD -p tcp -s 10.0.0.0/24 -d 192.0.2.1 --dport 22 -m comment --comment "dup reviewed: 2026-06-01" -j ACCEPT',
      'COMMIT',
    ]);
    const cfg = writeConfig('huge-remark.cfg', [
      'hostname h',
      'ip access-list extended A',
      ` remark ${huge}`,
      ' permit tcp 10.0.0.0 0.0.0.255 host 192.0.2.1 eq 22',
      ' deny ip any any',
    ]);
    const r = await analyzeFiles('rule-set', [rules, cfg], TODAY, { reviewed_on: '2026-06-01' });
    expect(r.findings.filter((f) => f.kind === 'input_error')).toEqual([]);
    expect(r.scope).toBe(4);
    const redundant = of(r.findings, 'redundant');
    expect(redundant.map((f) => [f.file, f.line])).toEqual([['huge-comment.rules', 4]]);
    expect(redundant[0]!.detail).toContain(`… (${huge.length} characters)`); // the name is the comment without its review tag
    for (const f of r.findings) {
      expect(f.detail.length + f.detailZh.length + (f.rule ?? '').length).toBeLessThan(5_000);
      for (const b of f.blocking) expect((b.rule ?? '').length).toBeLessThan(1_000);
    }
  });

  it('tokenizes as before: quoted words with escapes, single quotes, unclosed quotes as words', () => {
    expect(tokenize(`-A X -m comment --comment "a \\"b\\" c" -j 'd e' "open  x`)).toEqual([
      '-A',
      'X',
      '-m',
      'comment',
      '--comment',
      'a \\"b\\" c',
      '-j',
      'd e',
      '"open',
      'x',
    ]);
    expect(tokenize(' \u3000 set name\u00a0"x y"')).toEqual(['set', 'name', 'x y']);
    expect(tokenize(`"${'y'.repeat(5_000_000)}"`)[0]).toHaveLength(5_000_000);
  });
});

describe('the indexed engine against the scanning one', () => {
  // Small spaces, so that rules overlap, nest and cover each other together often; arbitrary
  // ranges as well as prefixes (object ranges and port ranges are not prefixes).
  const interval = (max: number) =>
    fc.oneof(
      fc.constant({ lo: 0n, hi: BigInt(max) }),
      fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 4 })).map(([a, l]) => {
        const lo = a & ~((1 << l) - 1);
        return { lo: BigInt(lo), hi: BigInt(Math.min(max, lo + (1 << l) - 1)) };
      }),
      fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max })).map(([a, b]) => ({ lo: BigInt(Math.min(a, b)), hi: BigInt(Math.max(a, b)) })),
    );
  const base = 0x0a000000n;
  const rule = fc.record({
    proto: fc.constantFrom({ lo: 6n, hi: 6n }, { lo: 17n, hi: 17n }, { lo: 0n, hi: 255n }),
    src: interval(63),
    dst: interval(31),
    dport: interval(15),
    state: fc.constantFrom({ lo: 0n, hi: 1n }, { lo: 1n, hi: 1n }),
    permit: fc.boolean(),
    opaque: fc.integer({ min: 0, max: 7 }).map((x) => x === 0),
    line: fc.integer({ min: 0, max: 2 }),
  });
  type Gen = typeof rule extends fc.Arbitrary<infer T> ? T : never;
  // Consecutive rules may share a line, as the boxes of one expanded rule do.
  const toRules = (gens: readonly Gen[]) => {
    let line = 1;
    return gens.map((g, i) => {
      if (i === 0 || g.line !== 0) line++;
      const shift = (x: { lo: bigint; hi: bigint }) => ({ lo: x.lo + base, hi: x.hi + base });
      return {
        policy: 'P',
        index: i,
        file: 'gen.rules',
        line,
        name: `r${line}`,
        text: `r${line}`,
        action: g.permit ? ('permit' as const) : ('deny' as const),
        family: 4 as const,
        box: { proto: g.proto, src: shift(g.src), dst: shift(g.dst), sport: { lo: 0n, hi: 65535n }, dport: g.dport, state: g.state },
        disabled: false,
        opaque: g.opaque,
        applications: null,
        fromZone: null,
        toZone: null,
        owner: null,
        reviewedOn: null,
        comment: null,
      };
    });
  };
  /** Every protocol, address and destination port: with any source port and state, a catch-all. */
  const universe = { proto: { lo: 0n, hi: 255n }, src: { lo: 0n, hi: 0xffffffffn }, dst: { lo: 0n, hi: 0xffffffffn }, dport: { lo: 0n, hi: 65535n } };
  const policyOf = (gens: readonly Gen[]) => ({
    name: 'P',
    file: 'gen.rules',
    family: 4 as const,
    syntax: 'generated',
    defaultAction: 'deny' as const,
    defaultSource: 'implicit' as const,
    kind: 'packet_filter' as const,
    rules: toRules(gens),
  });

  it('finds exactly the same findings on generated rule sets, and after replacing rules', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), rule), { maxLength: 4 }), (gens, edits) => {
        const policy = policyOf(gens);
        const indexed = new PolicyAnalysis(policy, opts);
        expect(indexed.findings()).toEqual(new PolicyAnalysis(policy, { ...opts, engine: 'scan' }).findings());
        const extra = toRules(edits.map(([, g]) => g));
        // The scanning engine's re-check has no index: it reads the rules in order instead.
        const scanned = new PolicyAnalysis(policy, { ...opts, engine: 'scan' });
        edits.forEach(([at], k) => {
          const position = at % indexed.scope;
          indexed.replaceRule(position, { ...extra[k]!, line: 1000 + k, name: `e${k}` });
          scanned.replaceRule(position, { ...extra[k]!, line: 1000 + k, name: `e${k}` });
          const fresh = new PolicyAnalysis({ ...policy, rules: indexed.currentRules() }, { ...opts, engine: 'scan' });
          expect(indexed.findings()).toEqual(fresh.findings());
          expect(scanned.findings()).toEqual(fresh.findings());
        });
      }),
      { numRuns: 400, seed: 1309 },
    );
  });

  // replaceRule keeps a count of the rules that are not IPv4 instead of asking every rule at each
  // edit: a replacement that turns the set mixed, or IPv4 again, must switch the engine's path.
  it('after replacements that change a rule between IPv4 and IPv6, equals a fresh analysis', () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), rule, fc.boolean()), { minLength: 1, maxLength: 5 }),
        (gens, edits) => {
          const policy = policyOf(gens);
          const indexed = new PolicyAnalysis(policy, opts);
          const extra = toRules(edits.map(([, g]) => g));
          edits.forEach(([at, , v6], k) => {
            const position = at % indexed.scope;
            indexed.replaceRule(position, { ...extra[k]!, family: v6 ? 6 : 4, line: 1000 + k, name: `e${k}` });
            const fresh = new PolicyAnalysis({ ...policy, rules: indexed.currentRules() }, { ...opts, engine: 'scan' });
            expect(indexed.findings()).toEqual(fresh.findings());
          });
        },
      ),
      { numRuns: 300, seed: 4211 },
    );
  });

  // A catch-all edit (every protocol, address and port) covers every later rule at once: the
  // re-check then decides each later rule without asking the index, and re-decides 'redundant to
  // a later rule' only where the deciding rule changed or was covered. Catch-alls are put in,
  // widened to the whole space, made opaque, and taken out again (the original rule restored).
  it('after catch-all edits put in and taken out, equals a fresh analysis', () => {
    // Holds every generated rule without being the whole space.
    const space = { proto: { lo: 0n, hi: 255n }, src: { lo: base, hi: base + 63n }, dst: { lo: base, hi: base + 31n }, dport: { lo: 0n, hi: 15n } };
    const edit = fc.oneof(
      { weight: 2, arbitrary: fc.record({ permit: fc.boolean(), opaque: fc.integer({ min: 0, max: 5 }).map((x) => x === 0), whole: fc.boolean() }) },
      { weight: 1, arbitrary: rule },
      { weight: 2, arbitrary: fc.constant('restore' as const) },
    );
    let catchAlls = 0;
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), edit), { minLength: 1, maxLength: 6 }), (gens, edits) => {
        const policy = policyOf(gens);
        const indexed = new PolicyAnalysis(policy, opts);
        const last = new Map<number, NormalizedRule>();
        edits.forEach(([at, e], k) => {
          const position = e === 'restore' && last.size > 0 ? [...last.keys()][at % last.size]! : at % indexed.scope;
          const current = indexed.currentRules()[position]!;
          let next: NormalizedRule;
          if (e === 'restore') next = policy.rules[position]!;
          else if ('permit' in e && 'whole' in e) {
            catchAlls++;
            const b = e.whole ? universe : space;
            next = {
              ...current,
              line: 1000 + k,
              name: `all${k}`,
              action: e.permit ? 'permit' : 'deny',
              opaque: e.opaque,
              box: { ...b, sport: { lo: 0n, hi: 65535n }, state: { lo: 0n, hi: 1n } },
            };
          } else next = { ...toRules([e])[0]!, line: 1000 + k, name: `e${k}` };
          last.set(position, current);
          indexed.replaceRule(position, next);
          const fresh = new PolicyAnalysis({ ...policy, rules: indexed.currentRules() }, { ...opts, engine: 'scan' });
          expect(indexed.findings()).toEqual(fresh.findings());
        });
      }),
      { numRuns: 300, seed: 1313 },
    );
    expect(catchAlls).toBeGreaterThan(300);
  });

  // Putting back the rule that a recent edit replaced restores the analysis from before that edit
  // and re-applies the edits made since: catch-alls and ordinary rules are put in, and rules that
  // recent edits replaced put back, in any order; the latest edit at a position is the one undone.
  it('after rules that recent edits replaced are put back, with other edits in between, equals a fresh analysis', () => {
    const edit = fc.oneof(
      { weight: 1, arbitrary: fc.record({ permit: fc.boolean(), opaque: fc.integer({ min: 0, max: 5 }).map((x) => x === 0) }) },
      { weight: 2, arbitrary: rule },
      { weight: 3, arbitrary: fc.nat().map((back) => ({ back })) },
    );
    let putBack = 0;
    let deepPutBack = 0;
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 50 }), fc.array(fc.tuple(fc.nat(), edit), { minLength: 1, maxLength: 24 }), (gens, edits) => {
        const policy = policyOf(gens);
        const indexed = new PolicyAnalysis(policy, opts);
        // Each edit: where, and the rule it replaced; only the latest at each position can be put back.
        const made: { position: number; replaced: NormalizedRule }[] = [];
        const expected: NormalizedRule[] = [...policy.rules];
        edits.forEach(([at, e], k) => {
          let position = at % indexed.scope;
          let next: NormalizedRule;
          const latest = made.filter((m, i) => !made.slice(i + 1).some((later) => later.position === m.position)).slice(-18);
          if ('back' in e && latest.length > 0) {
            const m = latest[e.back % latest.length]!;
            position = m.position;
            next = m.replaced;
            putBack++;
            if (made[made.length - 1] !== m) deepPutBack++;
          } else if ('back' in e || 'src' in e) next = { ...toRules(['back' in e ? gens[0]! : e])[0]!, line: 1000 + k, name: `e${k}` };
          else
            next = {
              ...indexed.currentRules()[position]!,
              line: 1000 + k,
              name: `all${k}`,
              action: e.permit ? 'permit' : 'deny',
              opaque: e.opaque,
              box: { ...universe, sport: { lo: 0n, hi: 65535n }, state: { lo: 0n, hi: 1n } },
            };
          made.push({ position, replaced: indexed.currentRules()[position]! });
          indexed.replaceRule(position, next);
          // The undone edits made since are applied again: the rules are all the edits' rules.
          expected[position] = next;
          expect(indexed.currentRules().map((r) => r.name)).toEqual(expected.map((r) => r.name));
          const fresh = new PolicyAnalysis({ ...policy, rules: indexed.currentRules() }, { ...opts, engine: 'scan' });
          expect(indexed.findings()).toEqual(fresh.findings());
        });
      }),
      { numRuns: 200, seed: 2026 },
    );
    expect(deepPutBack).toBeGreaterThan(150);
    expect(putBack).toBeGreaterThan(deepPutBack);
  });
});

describe('interval indexes', () => {
  it('find every overlapping and every containing interval, for any doubles (128-bit addresses too)', () => {
    const big = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(Number));
    fc.assert(
      fc.property(fc.array(fc.tuple(big, big), { minLength: 1, maxLength: 50 }), fc.tuple(big, big), (pairs, [x, y]) => {
        const iv = pairs.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
        const [a, b] = [Math.min(x, y), Math.max(x, y)];
        const overlap = new OverlapIndex(
          iv.length,
          (j) => iv[j]![0],
          (j) => iv[j]![1],
        );
        const seen = new Set<number>();
        overlap.forEachOverlapping(a, b, (j) => void seen.add(j));
        iv.forEach(([lo, hi], j) => {
          if (lo <= b && a <= hi) expect(seen.has(j)).toBe(true);
        });
        const contain = new ContainIndex();
        iv.forEach(([lo, hi], j) => contain.add(j, lo, hi));
        const holding = new Set<number>();
        contain.forEachContaining(a, b, (j) => void holding.add(j));
        iv.forEach(([lo, hi], j) => {
          if (lo <= a && b <= hi) expect(holding.has(j)).toBe(true);
        });
      }),
      { numRuns: 500, seed: 7 },
    );
    expect(levelOf(0, 2 ** 128)).toBe(129);
  });
});

describe('exact coverage by a union of boxes', () => {
  it('answers as counting every point does, and its witness is a point no cover holds', () => {
    // Six dimensions of 0..3 (4,096 points): small enough to enumerate, crowded enough that
    // boxes are often covered only by several others together.
    const side = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([x, y]) => [Math.min(x, y), Math.max(x, y)]);
    const box = fc.array(side, { minLength: 6, maxLength: 6 }).map((s) => Float64Array.from(s.flat()));
    // Covers span whole dimensions more often, so that many boxes are covered.
    const wide = fc.oneof({ arbitrary: fc.constant([0, 3]), weight: 3 }, { arbitrary: side, weight: 2 });
    const cover = fc.array(wide, { minLength: 6, maxLength: 6 }).map((s) => Float64Array.from(s.flat()));
    const inside = (p: number[], b: Float64Array) => p.every((v, d) => b[2 * d]! <= v && v <= b[2 * d + 1]!);
    const holds = (c: Float64Array, a: Float64Array) => [0, 1, 2, 3, 4, 5].every((d) => c[2 * d]! <= a[2 * d]! && a[2 * d + 1]! <= c[2 * d + 1]!);
    let covered = 0;
    let together = 0;
    fc.assert(
      fc.property(box, fc.array(cover, { maxLength: 14 }), (a, covers) => {
        let all = true;
        const point = [0, 0, 0, 0, 0, 0];
        const walk = (d: number): void => {
          if (!all) return;
          if (d === 6) {
            if (!covers.some((c) => inside(point, c))) all = false;
            return;
          }
          for (let v = a[2 * d]!; v <= a[2 * d + 1]!; v++) {
            point[d] = v;
            walk(d + 1);
          }
        };
        walk(0);
        const r = coveredByUnion(a, covers, 1_000_000);
        if (all) {
          covered++;
          if (!covers.some((c) => holds(c, a))) together++;
          expect(r).toBe(true);
        } else {
          expect(r).toBeInstanceOf(Float64Array);
          const w = Array.from({ length: 6 }, (_, d) => (r as Float64Array)[2 * d]!);
          w.forEach((v, d) => expect((r as Float64Array)[2 * d + 1]).toBe(v));
          expect(inside(w, a)).toBe(true);
          expect(covers.some((c) => inside(w, c))).toBe(false);
        }
      }),
      { numRuns: 3000, seed: 2113 },
    );
    // Both cases are really exercised, and covers that hold a box only together.
    expect(Math.min(covered, 3000 - covered)).toBeGreaterThan(500);
    expect(together).toBeGreaterThan(40);
  });
});

describe('address indexes over two dimensions', () => {
  it('find every box overlapping or containing a query, whichever dimension they ask', () => {
    const iv = fc.oneof(fc.constant([0, 255] as const), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })));
    const rect = fc.tuple(iv, iv).map(([x, y]) => [Math.min(...x), Math.max(...x), Math.min(...y), Math.max(...y)] as const);
    fc.assert(
      fc.property(fc.array(rect, { minLength: 1, maxLength: 60 }), rect, (rects, [a0, b0, a1, b1]) => {
        const overlap = new PairOverlapIndex(
          rects.length,
          (j, d) => rects[j]![2 * d]!,
          (j, d) => rects[j]![2 * d + 1]!,
        );
        const seen: number[] = [];
        overlap.forEachOverlapping(a0, b0, a1, b1, (j) => void seen.push(j));
        expect(new Set(seen).size).toBe(seen.length);
        const contain = new PairContainIndex();
        rects.forEach(([l0, h0, l1, h1], j) => contain.add(j, l0, h0, l1, h1));
        const holding = new Set<number>();
        contain.forEachContaining(a0, b0, a1, b1, (j) => void holding.add(j));
        rects.forEach(([l0, h0, l1, h1], j) => {
          if (l0 <= b0 && a0 <= h0 && l1 <= b1 && a1 <= h1) expect(seen).toContain(j);
          if (l0 <= a0 && b0 <= h0 && l1 <= a1 && b1 <= h1) expect(holding.has(j)).toBe(true);
        });
      }),
      { numRuns: 500, seed: 29 },
    );
  });
});
