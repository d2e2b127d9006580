import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyzerFinding } from '../../src/core/analysis/analyzer.js';
import { DEFAULT_RULE_OPTIONS, type RuleFinding } from '../../src/analyzers/rule-set/analyze-rules.js';
import { detectSyntax } from '../../src/analyzers/rule-set/rule-set.analyzer.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
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
