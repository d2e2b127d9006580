import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { FIXTURES, tempDir } from '../helpers/shared.js';

// Configurations the project wrote in each vendor's format (test/fixtures/firewall/README.md).
// The public ones are read by the corpus tier: test/corpus/rule-set-real-configs.test.ts.
const FW = path.join(FIXTURES, 'firewall');
const TODAY = '2026-11-27';
const opts = { ...DEFAULT_RULE_OPTIONS, today: TODAY };
const read = (f: string) => readFileSync(path.join(FW, f), 'utf8');
const of = (findings: readonly AnalyzerFinding[], kind: string) => (findings as RuleFinding[]).filter((f) => f.kind === kind);
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('rule-set parsers on each vendor’s format', () => {
  it('reads FortiOS policies in file order per interface pair, with disabled and action-less policies', () => {
    const parsed = parseFortiOs(read('fg-edge-01.conf'), 'fg-edge-01.conf');
    expect(parsed.warnings).toEqual([]);
    const pair = parsed.policies.find((p) => p.name === 'internal → dmz')!;
    // "edit 0" is disabled; "edit 4294967294" has no action (FortiOS: deny) and comes before "edit 1".
    expect([...new Set(pair.rules.map((r) => `${r.name}:${r.action}:${r.disabled}`))]).toEqual([
      'policy 0:deny:true',
      'block ops to web admin ports:deny:false',
      'ops web admin:permit:false',
      'policy 2:permit:false',
    ]);
    // policy 3: srcintf zone-srv dmz zone-bak + zone-lab; dstintf set to zone-srv (the second `set` replaces), then zone-bak appended.
    expect(parsed.policies.find((p) => p.name === 'dmz → zone-bak')!.rules.some((r) => r.name === 'policy 3')).toBe(true);
    expect(parsed.policies.find((p) => p.name === 'dmz → zone-lab')!.rules.some((r) => r.name === 'policy 3')).toBe(false);
    // "8444:8443" is destination 8444 from source port 8443; the deny before it covers that part of "ops web admin".
    const findings = analyzePolicy(pair, opts).findings;
    expect(of(findings, 'shadowed').map((f) => [f.line, f.blocking[0]!.line, f.match])).toEqual([[98, 81, 'permit tcp 10.30.0.0/16:8443 -> 10.20.1.10:8444']]);
    expect(of(findings, 'any_any').map((f) => f.line)).toEqual([106]);
    expect(of(findings, 'disabled').map((f) => f.line)).toEqual([71]);
  });

  it('reads PAN-OS set commands and the XML rulebase', () => {
    const set = parsePanOs(read('pa-edge-01.set'), 'pa-edge-01.set');
    expect(set.warnings.map((w) => [w.line, w.message])).toEqual([[11, 'service SERVICE_GONE is not defined; rule old block is treated as opaque']]);
    const z = set.policies.find((p) => p.name === 'untrust → dmz')!;
    // File order, not name order: "0-final-deny" is last.
    expect([...new Set(z.rules.map((r) => r.name))]).toEqual(['old block', 'block-8443', 'all but scanner', '0-final-deny']);
    // negate-source 198.51.100.66: everything else, as two ranges around it
    const negated = z.rules.filter((r) => r.name === 'all but scanner');
    expect(negated.map((r) => r.box.src)).toContainEqual({ lo: 0n, hi: parsePrefix('198.51.100.65/32')!.range.hi });
    expect(negated.map((r) => r.box.src)).toContainEqual({ lo: parsePrefix('198.51.100.67/32')!.range.lo, hi: 0xffffffffn });
    const xml = parsePanOs(read('pa-edge-01.xml'), 'pa-edge-01.xml');
    expect(xml.warnings).toEqual([]);
    const rules = xml.policies.flatMap((p) => p.rules);
    expect(rules.find((r) => r.name === 'web-outbound')).toMatchObject({ line: 73, action: 'permit', applications: ['any'] });
    // Address groups expand to their members, an ip-range included.
    expect(new Set(rules.filter((r) => r.name === 'web-outbound').map((r) => r.box.src))).toEqual(
      new Set([parsePrefix('10.30.0.0/16')!.range, parsePrefix('10.40.0.0/16')!.range]),
    );
    expect(detectSyntax('pa-edge-01.set', read('pa-edge-01.set'))).toBe('panos');
    expect(detectSyntax('x.xml', read('pa-edge-01.xml'))).toBe('panos');
    expect(detectSyntax('fw.conf', read('fg-edge-01.conf'))).toBe('fortios');
  });

  it('agree across syntaxes: the same policy rendered four ways gives the same redundant rules, at each file’s own lines', () => {
    const cases = [
      { file: 'edge-policy.acl', policy: 'edge-in', parse: parseCiscoAcl, lines: [15, 20, 21], blocking: [7, 10, 11] },
      { file: 'edge-policy.asa', policy: 'asa_in', parse: parseCiscoAcl, lines: [16, 21, 22], blocking: [8, 11, 12] },
      { file: 'edge-policy.ipt', policy: 'INPUT', parse: (t: string, f: string) => parseIptablesSave(t, f), lines: [15, 20, 21], blocking: [8, 11, 12] },
      { file: 'edge-policy.jcl', policy: 'edge-in', parse: parseJunos, lines: [31, 39, 40], blocking: [15, 19, 20] },
    ];
    for (const c of cases) {
      const parsed = c.parse(read(c.file), c.file);
      expect(parsed.warnings, c.file).toEqual([]);
      const policy = parsed.policies.find((p) => p.name === c.policy)!;
      const findings = analyzePolicy(policy, opts).findings;
      const redundant = of(findings, 'redundant');
      expect(
        redundant.map((f) => f.match),
        c.file,
      ).toEqual(['deny ip 0.0.0.0/8:any -> any:any', 'deny ip 224.0.0.0/4:any -> any:any', 'deny ip 240.0.0.0/4:any -> any:any']);
      expect(
        redundant.map((f) => f.line),
        c.file,
      ).toEqual(c.lines);
      expect(
        redundant.map((f) => f.blocking[0]!.line),
        c.file,
      ).toEqual(c.blocking);
      expect(redundant[0]!.rule).toMatch(/deny-from-private/);
      expect(redundant[0]!.blocking[0]!.rule).toMatch(/deny-from-bogons/);
      // The final deny-all generalizes the permits; nothing is shadowed or any-any inbound.
      expect(of(findings, 'generalization').map((f) => f.rule)).toEqual([expect.stringMatching(/deny-all/)]);
      expect(of(findings, 'shadowed').concat(of(findings, 'any_any')), c.file).toEqual([]);
    }
  });

  it('reads IPv6 ACLs and prints addresses as RFC 5952 says', () => {
    const parsed = parseCiscoAcl(read('edge-policy.acl'), 'edge-policy.acl');
    const v6 = parsed.policies.find((p) => p.name === 'ipv6-edge-in')!;
    expect(v6.family).toBe(6);
    const redundant = of(analyzePolicy(v6, opts).findings, 'redundant');
    expect(redundant.map((f) => [f.line, f.match, f.blocking[0]!.line])).toEqual([
      [46, 'deny ip ::1:any -> any:any', 45], // host ::1 inside ::/8
      [49, 'deny ip ff00::/8:any -> any:any', 41],
    ]);
    expect(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(v6.rules.find((r) => r.action === 'permit')!.box.dst).toEqual({ lo: parseIPv6('2001:db8::1:0:0:1'), hi: parseIPv6('2001:db8::1:0:0:1') });
    expect(parsePrefix('2001:db8::/32')?.range.lo).toBe(parseIPv6('2001:db8::'));
    expect(parseIPv6('::ffff:192.0.2.1')).toBe(parseIPv6('::ffff:c000:201'));
  });

  it('finds the any-any permits of the outbound lists', () => {
    const ipt = parseIptablesSave(read('edge-policy.ipt'), 'edge-policy.ipt');
    expect(
      of(
        analyzePolicy(
          ipt.policies.find((p) => p.name === 'OUTPUT')!,
          opts,
        ).findings,
        'any_any',
      ).map((f) => [f.line, f.rule]),
    ).toEqual([[41, 'O_default-accept']]);
    const asa = parseCiscoAcl(read('edge-policy.asa'), 'edge-policy.asa');
    expect(
      of(
        analyzePolicy(
          asa.policies.find((p) => p.name === 'asa_out')!,
          opts,
        ).findings,
        'any_any',
      ).map((f) => [f.line, f.rule]),
    ).toEqual([[46, 'legacy-vendor-access']]);
  });

  it('follows route-map use, object groups, undefined objects and wildcard masks in Cisco IOS', () => {
    const ios = parseCiscoAcl(read('rtr-core-01.cfg'), 'rtr-core-01.cfg');
    expect(ios.syntax).toBe('cisco-ios');
    expect(ios.policies.find((p) => p.name === 'ROUTES')!.kind).toBe('route_filter');
    expect(ios.policies.find((p) => p.name === 'EDGE-IF')!.kind).toBe('packet_filter');
    expect(ios.policies.find((p) => p.name === 'ONE-LINE')!.rules).toHaveLength(1);
    // object-group network (hosts, a subnet, a range) × object-group service (two ports): six rules on line 22.
    const mgmt = ios.policies.find((p) => p.name === 'MGMT-IN')!;
    const grouped = mgmt.rules.filter((r) => r.line === 22);
    expect(grouped).toHaveLength(6);
    expect(new Set(grouped.map((r) => r.box.src))).toEqual(
      new Set([parsePrefix('10.30.5.10/32')!.range, parsePrefix('10.30.5.11/32')!.range, parsePrefix('10.30.6.0/24')!.range]),
    );
    expect(grouped.every((r) => r.box.dst.lo === parsePrefix('10.20.1.10')!.range.lo && r.box.dst.hi === parsePrefix('10.20.1.20')!.range.lo)).toBe(true);
    expect(new Set(grouped.map((r) => Number(r.box.dport.lo)))).toEqual(new Set([22, 443]));
    expect(grouped.every((r) => !r.opaque)).toBe(true);
    expect(ios.warnings.map((w) => [w.line, w.message])).toContainEqual([27, 'refers to an object that is not defined; the rule is treated as opaque']);
    expect(ios.policies.find((p) => p.name === 'UNDEFINED-REFS')!.rules.every((r) => r.opaque)).toBe(true);
    expect(ios.policies.find((p) => p.name === 'WILDCARD')!.rules[0]!.box.dst).toEqual(parsePrefix('4.3.0.0/16')!.range);
    expect(ios.policies.find((p) => p.name === 'WILDCARD')!.rules[0]!.box.src).toEqual(parsePrefix('1.2.3.0/24')!.range);
  });

  it('resolves nested ASA object groups, and makes a rule opaque when a group or object is undefined', () => {
    const asa = parseCiscoAcl(read('asa-dmz-01.cfg'), 'asa-dmz-01.cfg');
    expect(asa.syntax).toBe('cisco-asa');
    expect(asa.warnings.map((w) => [w.line, w.message])).toContainEqual([39, 'refers to an object that is not defined; the rule is treated as opaque']);
    const rules = asa.policies.find((p) => p.name === 'dmz_in')!.rules;
    // admins = ops (a host and a subnet) + audit (a host)
    expect(rules.filter((r) => r.line === 37).map((r) => r.box.src)).toEqual([
      parsePrefix('10.30.5.10/32')!.range,
      parsePrefix('10.30.6.0/24')!.range,
      parsePrefix('10.30.7.8/32')!.range,
    ]);
    expect(rules.filter((r) => r.line === 37).every((r) => !r.opaque && Number(r.box.dport.lo) === 443)).toBe(true);
    // contractors holds an undefined group: the rule matches at most its box and never shadows
    expect(rules.filter((r) => r.line === 40).map((r) => r.opaque)).toEqual([true]);
    expect(rules.filter((r) => r.line === 39).map((r) => r.opaque)).toEqual([true]);
  });

  it('reads SRX security policies with their address book; unresolved applications are opaque', () => {
    const srx = parseJunos(read('srx-dmz-01.srx'), 'srx-dmz-01.srx');
    expect(srx.warnings).toEqual([]);
    const dmz = srx.policies.find((p) => p.name === 'untrust → dmz')!;
    expect(dmz.rules.map((r) => [r.name, r.line, r.opaque])).toEqual([
      ['web-in', 18, true],
      ['web-in', 18, true],
      ['web-in-again', 31, true],
      ['default-deny', 41, false],
    ]);
    expect(dmz.rules[0]!.applications).toEqual(['web-apps']);
    const out = analyzePolicy(
      srx.policies.find((p) => p.name === 'trust → untrust')!,
      opts,
    ).findings;
    expect(of(out, 'over_broad').map((f) => [f.line, f.rule])).toEqual([[53, 'office-out']]);
  });
});

describe('streamed and whole-text parsing agree on every fixture', () => {
  it.each([
    ['junos', /\.(jcl|srx)$/, parseJunos, parseJunosLines],
    ['fortios', /\.conf$/, parseFortiOs, parseFortiOsLines],
    ['panos', /^pa-/, parsePanOs, parsePanOsLines],
    ['cisco', /\.(acl|asa|cfg)$/, parseCiscoAcl, parseCiscoAclLines],
  ] as const)('%s', async (_syntax, pattern, whole, streamed) => {
    const files = readdirSync(FW).filter((f) => pattern.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const parsed = whole(read(name), name);
      expect(parsed.policies.length, name).toBeGreaterThan(0);
      expect(await streamed(evidenceFromFile(path.join(FW, name)).lines(), name), name).toEqual(parsed);
    }
  });
});

/**
 * A PAN-OS export whose address groups hold `hosts` IPv4 and `hosts` IPv6 addresses, used by
 * three rules (v4 × v4, v6 × v6, both × both) with all TCP and UDP ports: written here, in the
 * form of a PAN-OS export, because the public sample of this shape is only in the corpus.
 */
function manyAddressesExport(hosts: number): { text: string; ruleLines: number[] } {
  const lines: string[] = [
    '<?xml version="1.0" ?>',
    '<config version="10.1.0">',
    '  <devices>',
    '    <entry name="localhost.localdomain">',
    '      <vsys>',
    '        <entry name="vsys1">',
  ];
  lines.push('          <service>');
  for (const proto of ['tcp', 'udp'])
    lines.push(
      `            <entry name="any-${proto}">`,
      '              <protocol>',
      `                <${proto}>`,
      '                  <port>0-65535</port>',
      `                </${proto}>`,
      '              </protocol>',
      '            </entry>',
    );
  lines.push('          </service>', '          <rulebase>', '            <security>', '              <rules>');
  const ruleLines: number[] = [];
  const rule = (name: string, groups: string[]) => {
    ruleLines.push(lines.length + 1);
    const members = groups.map((g) => `                    <member>${g}</member>`);
    lines.push(
      `                <entry name="${name}">`,
      '                  <to>',
      '                    <member>external</member>',
      '                  </to>',
      '                  <from>',
      '                    <member>internal</member>',
      '                  </from>',
      '                  <source>',
      ...members,
      '                  </source>',
      '                  <destination>',
      ...members,
      '                  </destination>',
      '                  <service>',
      '                    <member>any-tcp</member>',
      '                    <member>any-udp</member>',
      '                  </service>',
      '                  <action>allow</action>',
      '                  <application>',
      '                    <member>any</member>',
      '                  </application>',
      '                </entry>',
    );
  };
  rule('many-ipv4', ['MANY_IPV4']);
  rule('many-ipv6', ['MANY_IPV6']);
  rule('many-mixed', ['MANY_IPV4', 'MANY_IPV6']);
  lines.push('              </rules>', '            </security>', '          </rulebase>', '          <address-group>');
  // Every other address, so that no two members merge into one range.
  const v4 = (i: number) => `10.${(i >> 7) & 255}.${i & 127}.${2 * (i % 100) + 1}`;
  const v6 = (i: number) => `2001:db8:${i.toString(16)}::${(2 * i + 1).toString(16)}`;
  for (const [group, prefix] of [
    ['MANY_IPV4', 'V4_'],
    ['MANY_IPV6', 'V6_'],
  ] as const) {
    lines.push(`            <entry name="${group}">`, '              <static>');
    for (let i = 0; i < hosts; i++) lines.push(`                <member>${prefix}${i}</member>`);
    lines.push('              </static>', '            </entry>');
  }
  lines.push('          </address-group>', '          <address>');
  for (let i = 0; i < hosts; i++)
    lines.push(`            <entry name="V4_${i}">`, `              <ip-netmask>${v4(i)}/32</ip-netmask>`, '            </entry>');
  for (let i = 0; i < hosts; i++)
    lines.push(`            <entry name="V6_${i}">`, `              <ip-netmask>${v6(i)}/128</ip-netmask>`, '            </entry>');
  lines.push('          </address>', '        </entry>', '      </vsys>', '    </entry>', '  </devices>', '</config>', '');
  return { text: lines.join('\n'), ruleLines };
}

describe('rules whose lists multiply', () => {
  it('reads two 1,500-host address groups as one bounding range, says so, judges only its exact ports, and finishes', async () => {
    const { text, ruleLines } = manyAddressesExport(1500);
    const file = path.join(tmp.dir, 'many-addresses.xml');
    writeFileSync(file, text);
    const r = await analyzeFiles('rule-set', [file], TODAY, { reviewed_on: TODAY });
    const warnings = r.findings.filter((f) => f.kind === 'parse_warning');
    expect(warnings.map((f) => f.line)).toEqual(ruleLines);
    expect(warnings[0]!.detail).toMatch(
      /^many-ipv4: its lists multiply into \d+ address\/port combinations \(more than 10000\); analysed as one bounding range/,
    );
    // Its addresses are a bounding range and are not judged; its ports are exact, and all 65,536
    // TCP (and UDP) ports between those hosts is over-broad. No shadowing claim rests on the range.
    const broad = r.findings.filter((f) => f.kind === 'over_broad');
    expect(broad.map((f) => [f.line, f.rule])).toEqual([
      [ruleLines[0], 'many-ipv4'],
      [ruleLines[1], 'many-ipv6'],
      [ruleLines[2], 'many-mixed'],
    ]);
    expect(broad[0]!.detail).toMatch(/\(65536 destination ports; application any\)$/);
    expect(r.findings.filter((f) => ['shadowed', 'unreachable', 'redundant'].includes(f.kind))).toEqual([]);
  });
});
