import { describe, expect, it } from 'vitest';
import { analyzePolicy, DEFAULT_RULE_OPTIONS } from '../../src/analyzers/rule-set/analyze-rules.js';
import { parseCiscoAcl, parseCiscoAclLines } from '../../src/analyzers/rule-set/parsers/cisco.js';
import { parseRuleTemplate } from '../../src/analyzers/rule-set/parsers/csv-template.js';
import { parseFortiOs, parseFortiOsLines } from '../../src/analyzers/rule-set/parsers/fortios.js';
import { parseIptablesList, parseIptablesListLines, parseIptablesSave, parseIptablesSaveLines } from '../../src/analyzers/rule-set/parsers/iptables.js';
import { parseJunos, parseJunosLines } from '../../src/analyzers/rule-set/parsers/junos.js';
import { parsePanOs, parsePanOsLines } from '../../src/analyzers/rule-set/parsers/panos.js';
import type { ParsedRuleSet } from '../../src/analyzers/rule-set/rule-model.js';
import { detectSyntax } from '../../src/analyzers/rule-set/rule-set.analyzer.js';
import { parseTableBytes } from '../../src/io/read-table-file.js';
import { fixture, fuzz, fuzzAsync, FUZZ_PARAMS, FUZZ_TIMEOUT, linesOf, repoFile, showTally, textInputs } from './fuzz-helpers.js';

const OPTIONS = { ...DEFAULT_RULE_OPTIONS, today: '2026-11-27' };

/** The anomaly analysis of every parsed policy: the analyzer parses and then analyses every file. */
function parseAndAnalyze(parsed: ParsedRuleSet): void {
  for (const policy of parsed.policies) analyzePolicy(policy, OPTIONS);
}

interface Syntax {
  readonly name: string;
  readonly file: string;
  readonly seeds: readonly string[];
  readonly tokens: readonly string[];
  readonly text: (text: string, file: string) => ParsedRuleSet;
  readonly lines: (lines: AsyncIterable<string>, file: string) => Promise<ParsedRuleSet>;
}

const ADDR = ['10.0.0.0/8', '203.0.113.10', '0.0.0.0', '::/0', '2001:db8::/32', '10.1.1.1-10.1.1.20', '255.255.255.0', '0.0.0.255'];

const SYNTAXES: readonly Syntax[] = [
  {
    name: 'iptables-save',
    file: 'fw.rules',
    seeds: [fixture('iptables-save.rules'), fixture('ip6tables-save.rules'), repoFile('data', 'demo', 'jump-host.iptables')],
    tokens: [
      '-A',
      '-I',
      '-N',
      '-j',
      '-s',
      '-d',
      '-p',
      '--dport',
      '--sport',
      '--dports',
      '-m',
      'multiport',
      'iprange',
      '--src-range',
      'ACCEPT',
      'DROP',
      'REJECT',
      'RETURN',
      'GOTO',
      '-g',
      '*filter',
      'COMMIT',
      ':INPUT',
      '!',
      '--comment',
      ...ADDR,
    ],
    text: (t, f) => parseIptablesSave(t, f),
    lines: parseIptablesSaveLines,
  },
  {
    name: 'iptables -nvL',
    file: 'fw.txt',
    seeds: [fixture('iptables-nvL.txt')],
    tokens: [
      'Chain',
      '(policy',
      'DROP',
      'ACCEPT',
      'references)',
      'tcp',
      'udp',
      'all',
      '--',
      'dpt:22',
      'spt:1',
      'dpts:1:2',
      'multiport',
      'dports',
      '/*',
      '*/',
      ...ADDR,
    ],
    text: parseIptablesList,
    lines: parseIptablesListLines,
  },
  {
    name: 'Cisco IOS/ASA/NX-OS',
    file: 'fw.cfg',
    seeds: [fixture('cisco-ios.cfg'), repoFile('data', 'demo', 'fw-edge-01.asa')],
    tokens: [
      'access-list',
      'ip access-list extended',
      'permit',
      'deny',
      'tcp',
      'udp',
      'ip',
      'host',
      'any',
      'eq',
      'range',
      'gt',
      'lt',
      'neq',
      'object-group',
      'network-object',
      'port-object',
      'remark',
      'log',
      'inactive',
      ...ADDR,
    ],
    text: parseCiscoAcl,
    lines: parseCiscoAclLines,
  },
  {
    name: 'Junos filters and SRX policies',
    file: 'fw.conf',
    seeds: [fixture('junos-filter.conf'), fixture('junos-srx.set')],
    tokens: [
      'set',
      'firewall',
      'family',
      'inet',
      'inet6',
      'filter',
      'term',
      'from',
      'then',
      'accept',
      'discard',
      'reject',
      'except',
      'source-address',
      'destination-port',
      'security policies',
      'from-zone',
      'to-zone',
      'policy',
      'match',
      'application',
      'permit',
      'deny',
      'apply-groups',
      'inactive:',
      ...ADDR,
    ],
    text: parseJunos,
    lines: parseJunosLines,
  },
  {
    name: 'FortiOS',
    file: 'fw.conf',
    seeds: [fixture('fortios.conf')],
    tokens: [
      'config firewall policy',
      'config firewall address',
      'edit',
      'next',
      'end',
      'set',
      'unset',
      'srcaddr',
      'dstaddr',
      'service',
      'action',
      'accept',
      'deny',
      'status',
      'disable',
      'subnet',
      'tcp-portrange',
      'iprange',
      'start-ip',
      'end-ip',
      'member',
      'append',
      'move',
      'before',
      'after',
      'delete',
      ...ADDR,
    ],
    text: parseFortiOs,
    lines: parseFortiOsLines,
  },
  {
    name: 'PAN-OS set and XML',
    file: 'fw.cfg',
    seeds: [fixture('panos.set'), fixture('panos.xml')],
    tokens: [
      'set rulebase security rules',
      'from',
      'to',
      'source',
      'destination',
      'service',
      'application',
      'action',
      'allow',
      'deny',
      'drop',
      'negate-source',
      'yes',
      'disabled',
      'address',
      'ip-netmask',
      'ip-range',
      'address-group',
      'static',
      '<entry name="x">',
      '</entry>',
      '<member>',
      '</member>',
      '<rules>',
      '</rules>',
      'move',
      'top',
      'bottom',
      ...ADDR,
    ],
    text: parsePanOs,
    lines: parsePanOsLines,
  },
];

describe('fuzzing the rule-set parsers: a result or a coded error, never a raw exception', () => {
  for (const syntax of SYNTAXES) {
    it(
      `${syntax.name}: whole text, then the anomaly analysis`,
      async () => {
        const tally = await fuzz(textInputs(syntax.seeds, syntax.tokens), (text) => {
          detectSyntax(syntax.file, text);
          parseAndAnalyze(syntax.text(text, syntax.file));
        });
        // The seeds are real-shaped: most mutants still parse, so the fuzzing reaches past the first line.
        expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 10);
      },
      FUZZ_TIMEOUT,
    );

    it(
      `${syntax.name}: streamed line by line, as ccheck analyze reads evidence`,
      async () => {
        const tally = await fuzzAsync(
          textInputs(syntax.seeds, syntax.tokens),
          async (text) => parseAndAnalyze(await syntax.lines(linesOf(text), syntax.file)),
          { ...FUZZ_PARAMS, numRuns: Math.ceil(FUZZ_PARAMS.numRuns / 5) },
        );
        expect(tally.ok, showTally(tally)).toBeGreaterThan(0);
      },
      FUZZ_TIMEOUT,
    );
  }

  it(
    'the CSV rule template, from CSV bytes',
    async () => {
      const tokens = ['permit', 'deny', 'allow', 'drop', 'tcp', 'udp', 'icmp', 'yes', 'no', '2026-13-40', '443;80', ...ADDR];
      const tally = await fuzzAsync(textInputs([fixture('rule-template.csv')], tokens), async (text) =>
        parseAndAnalyze(parseRuleTemplate(await parseTableBytes(Buffer.from(text, 'utf8'), 'rules.csv'))),
      );
      expect(tally.ok, showTally(tally)).toBeGreaterThan(FUZZ_PARAMS.numRuns / 4);
    },
    FUZZ_TIMEOUT,
  );
});
