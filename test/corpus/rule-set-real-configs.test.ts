import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalyzerFinding } from '../../src/core/analysis/analyzer.js';
import { analyzePolicy, DEFAULT_RULE_OPTIONS, type RuleFinding } from '../../src/analyzers/rule-set/analyze-rules.js';
import { parseCiscoAcl, parseCiscoAclLines } from '../../src/analyzers/rule-set/parsers/cisco.js';
import { parseFortiOs, parseFortiOsLines } from '../../src/analyzers/rule-set/parsers/fortios.js';
import { parseIptablesSave } from '../../src/analyzers/rule-set/parsers/iptables.js';
import { parsePanOs, parsePanOsLines } from '../../src/analyzers/rule-set/parsers/panos.js';
import { parseJunos, parseJunosLines } from '../../src/analyzers/rule-set/parsers/junos.js';
import { detectSyntax } from '../../src/analyzers/rule-set/rule-set.analyzer.js';
import { formatIPv6, parseIPv6, parsePrefix } from '../../src/analyzers/rule-set/rule-model.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { evidenceFromFile } from '../../src/io/evidence-input.js';
import { FIREWALL } from '../helpers/corpus.js';

// Corpus tier: the rule-set parsers and analysis on public configurations nobody on the project
// wrote (aerleon's generated output, Batfish's parser tests), read from the shared folder. The
// same behaviours are tested on the project's own fixtures in test/analyzers/rule-set-parsers.test.ts.
const FW = FIREWALL;
const GEN = path.join(FW, 'aerleon', 'generated');
const BF = path.join(FW, 'batfish-grammar-tests');
const TODAY = '2026-11-27';
const opts = { ...DEFAULT_RULE_OPTIONS, today: TODAY };
const read = (f: string) => readFileSync(f, 'utf8');
const of = (findings: readonly AnalyzerFinding[], kind: string) => (findings as RuleFinding[]).filter((f) => f.kind === kind);

describe('rule-set parsers on real configurations', () => {
  it('reads FortiOS policies in file order per interface pair, with disabled and action-less policies', () => {
    const parsed = parseFortiOs(read(path.join(BF, 'fortios', 'firewall_policy.cfg')), 'firewall_policy.cfg');
    const pair = parsed.policies.find((p) => p.name === 'port1 → port2')!;
    // "edit 0" is disabled; "edit 4294967294" has no action (FortiOS: deny) and comes before "edit 1".
    expect([...new Set(pair.rules.map((r) => `${r.name}:${r.action}:${r.disabled}`))]).toEqual([
      'policy 0:deny:true',
      'longest allowed firewall policy nam:deny:false',
      'Permit Custom TCP Traffic:permit:false',
      'policy 2:permit:false',
    ]);
    // policy 3: srcintf zone1 port2 zone3 + zone2; dstintf set to zone1 (the second `set` replaces), then zone3 appended.
    expect(parsed.policies.find((p) => p.name === 'port2 → zone3')!.rules.some((r) => r.name === 'policy 3')).toBe(true);
    expect(parsed.policies.find((p) => p.name === 'port2 → zone2')!.rules.some((r) => r.name === 'policy 3')).toBe(false);
    const findings = analyzePolicy(pair, opts).findings;
    expect(of(findings, 'shadowed').map((f) => [f.line, f.blocking[0]!.line])).toEqual([[97, 80]]);
    expect(of(findings, 'any_any').map((f) => f.line)).toEqual([105]);
  });

  it('reads PAN-OS set commands and the XML rulebase', () => {
    const set = parsePanOs(read(path.join(BF, 'palo_alto', 'rulebase.cfg')), 'rulebase.cfg');
    expect(set.warnings.map((w) => w.message)).toContain('service SERVICE_UNDEF is not defined; rule disabled rule is treated as opaque');
    const z = set.policies.find((p) => p.name === 'z1 → z2')!;
    expect([...new Set(z.rules.map((r) => r.name))]).toEqual(['disabled rule', 'RULE1', 'RULE2', '3rd_RULE']);
    const rule2 = z.rules.find((r) => r.name === 'RULE2')!;
    expect(rule2.box.src.lo).toBe(0n); // negate-source 2.2.2.2: everything else
    const xml = parsePanOs(read(path.join(GEN, 'sample_paloalto.xml')), 'sample_paloalto.xml');
    expect(xml.warnings).toEqual([]);
    const rules = xml.policies.flatMap((p) => p.rules);
    expect(rules.find((r) => r.name === 'allow-web-outbound')).toMatchObject({ line: 88, action: 'permit', applications: ['any'] });
    expect(detectSyntax('rulebase.cfg', read(path.join(BF, 'palo_alto', 'rulebase.cfg')))).toBe('panos');
    expect(detectSyntax('x.xml', read(path.join(GEN, 'sample_paloalto.xml')))).toBe('panos');
    expect(detectSyntax('fw.conf', read(path.join(BF, 'fortios', 'firewall_policy.cfg')))).toBe('fortios');
  });

  it('agree across syntaxes: the same policy rendered four ways gives the same redundant rules, at each file’s own lines', () => {
    const cases = [
      { file: 'sample_multitarget.acl', policy: 'edge-inbound', parse: parseCiscoAcl, lines: [26, 33, 34] },
      { file: 'sample_multitarget.asa', policy: 'asa_in', parse: parseCiscoAcl, lines: [24, 31, 32] },
      { file: 'sample_multitarget.ipt', policy: 'INPUT', parse: (t: string, f: string) => parseIptablesSave(t, f), lines: [25, 32, 33] },
      { file: 'sample_multitarget.jcl', policy: 'edge-inbound', parse: parseJunos, lines: [40, 54, 55] },
    ];
    for (const c of cases) {
      const parsed = c.parse(read(path.join(GEN, c.file)), c.file);
      expect(parsed.warnings, c.file).toEqual([]);
      const policy = parsed.policies.find((p) => p.name === c.policy)!;
      const redundant = of(analyzePolicy(policy, opts).findings, 'redundant').filter((f) => f.match!.includes(':any -> any:any'));
      expect(
        redundant.map((f) => f.match),
        c.file,
      ).toEqual(['deny ip 0.0.0.0/8:any -> any:any', 'deny ip 224.0.0.0/4:any -> any:any', 'deny ip 240.0.0.0/4:any -> any:any']);
      expect(
        redundant.map((f) => f.line),
        c.file,
      ).toEqual(c.lines);
      expect(redundant[0]!.rule).toMatch(/deny-from-reserved/);
      expect(redundant[0]!.blocking[0]!.rule).toMatch(/deny-from-bogons/);
    }
  });

  it('reads IPv6 ACLs and prints addresses as RFC 5952 says', () => {
    const parsed = parseCiscoAcl(read(path.join(GEN, 'sample_multitarget.acl')), 'sample_multitarget.acl');
    const v6 = parsed.policies.find((p) => p.name === 'ipv6-edge-inbound')!;
    expect(v6.family).toBe(6);
    expect(of(analyzePolicy(v6, opts).findings, 'redundant').map((f) => f.match)).toContain('deny ip ff00::/8:any -> any:any');
    expect(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(parsePrefix('2001:db8::/32')?.range.lo).toBe(parseIPv6('2001:db8::'));
    expect(parseIPv6('::ffff:192.0.2.1')).toBe(parseIPv6('::ffff:c000:201'));
  });

  it('finds the any-any permit and the default-accept of the outbound policy', () => {
    const parsed = parseIptablesSave(read(path.join(GEN, 'sample_multitarget.ipt')), 'sample_multitarget.ipt');
    const out = analyzePolicy(
      parsed.policies.find((p) => p.name === 'OUTPUT')!,
      opts,
    ).findings;
    expect(of(out, 'any_any').map((f) => [f.line, f.rule])).toEqual([[96, 'O_default-accept']]);
  });

  it('follows route-map use, undefined objects and object groups in Batfish’s Cisco tests', () => {
    const ios = parseCiscoAcl(read(path.join(BF, 'cisco', 'ios-acl.cfg')), 'ios-acl.cfg');
    expect(ios.syntax).toBe('cisco-ios');
    expect(ios.policies.find((p) => p.name === 'AL')!.kind).toBe('route_filter');
    expect(ios.policies.find((p) => p.name === 'AL_IF')!.kind).toBe('packet_filter');
    expect(ios.policies.find((p) => p.name === 'AL_extended')!.rules).toHaveLength(1);
    const asa = parseCiscoAcl(read(path.join(BF, 'cisco_asa', 'asa-acl-object.cfg')), 'asa-acl-object.cfg');
    expect(asa.syntax).toBe('cisco-asa');
    expect(asa.warnings.map((w) => [w.line, w.message])).toContainEqual([23, 'refers to an object that is not defined; the rule is treated as opaque']);
    const wildcard = parseCiscoAcl(read(path.join(BF, 'cisco', 'aclIos.cfg')), 'aclIos.cfg');
    expect(wildcard.policies[0]!.rules[0]!.box.dst).toEqual(parsePrefix('4.3.0.0/16')!.range);
  });
});

describe('rules whose lists multiply', () => {
  it('reads two 1,500-host address groups as one bounding range, says so, judges only its exact ports, and finishes', async () => {
    const r = await analyzeFiles('rule-set', [path.join(GEN, 'sample_stateful_multitarget_complex.xml')], TODAY, { reviewed_on: TODAY });
    const warnings = r.findings.filter((f) => f.kind === 'parse_warning');
    expect(warnings.map((f) => f.line)).toEqual([30, 57, 84]);
    expect(warnings[0]!.detail).toMatch(
      /^test-tcp-udp-many-ipv4: its lists multiply into \d+ address\/port combinations \(more than 10000\); analysed as one bounding range/,
    );
    // Its addresses are a bounding range and are not judged; its ports are exact, and all 65,536
    // TCP (and UDP) ports between those hosts is over-broad. No shadowing claim rests on the range.
    const broad = r.findings.filter((f) => f.kind === 'over_broad');
    expect(broad.map((f) => [f.line, f.rule])).toEqual([
      [30, 'test-tcp-udp-many-ipv4'],
      [57, 'test-tcp-udp-many-ipv6'],
      [84, 'test-tcp-udp-many-mixed'],
    ]);
    expect(broad[0]!.detail).toMatch(/\(65536 destination ports; application any\)$/);
    expect(r.findings.filter((f) => ['shadowed', 'unreachable', 'redundant'].includes(f.kind))).toEqual([]);
  });
});

describe('streamed and whole-text parsing agree on every real configuration', () => {
  it.each([
    ['junos', 'juniper', parseJunos, parseJunosLines],
    ['fortios', 'fortios', parseFortiOs, parseFortiOsLines],
    ['panos', 'palo_alto', parsePanOs, parsePanOsLines],
    ['cisco', 'cisco', parseCiscoAcl, parseCiscoAclLines],
    ['cisco', 'cisco_asa', parseCiscoAcl, parseCiscoAclLines],
  ] as const)('%s (batfish %s)', async (_syntax, dir, whole, streamed) => {
    const files = readdirSync(path.join(BF, dir)).map((f) => path.join(BF, dir, f));
    const aerleon = readdirSync(GEN)
      .filter((f) => ({ junos: /\.(jcl|srx)$/, fortios: /^$/, panos: /\.xml$/, cisco: /\.(acl|asa|nxacl|xacl)$/ })[_syntax].test(f))
      .map((f) => path.join(GEN, f));
    for (const file of [...files, ...aerleon]) {
      const name = path.basename(file);
      expect(await streamed(evidenceFromFile(file).lines(), name), name).toEqual(whole(read(file), name));
    }
  });
});
