import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome, EvidenceInput } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { CoreError } from '../../core/errors.js';
import { analyzePolicy, DEFAULT_RULE_OPTIONS, type RuleAnalysisOptions } from './analyze-rules.js';
import { parseCiscoAclLines } from './parsers/cisco.js';
import { parseFortiOsLines } from './parsers/fortios.js';
import { parsePanOsLines } from './parsers/panos.js';
import { parseRuleTemplate } from './parsers/csv-template.js';
import { parseIptablesListLines, parseIptablesSaveLines } from './parsers/iptables.js';
import { parseJunosLines } from './parsers/junos.js';
import type { ParsedRuleSet } from './rule-model.js';

export const RULE_SYNTAXES = ['iptables', 'cisco', 'junos', 'fortios', 'panos', 'csv'] as const;
export type RuleSyntax = (typeof RULE_SYNTAXES)[number];

/** Recognises a configuration by what it says, not by its file name. */
export function detectSyntax(name: string, head: string): RuleSyntax | null {
  if (/\.(csv|xlsx|tsv)$/i.test(name)) return 'csv';
  if (/^\*filter\b|^:(INPUT|FORWARD|OUTPUT) (ACCEPT|DROP)|^-A \S+ |^Chain \S+ \(policy /m.test(head)) return 'iptables';
  if (/^\s*(?:replace:\s*)?(?:firewall|security)\s*\{|^\s*term \S+ \{/m.test(head)) return 'junos';
  if (/^\s*config firewall (?:policy|address|service)/m.test(head)) return 'fortios';
  if (/^\s*<\?xml|^\s*<config\b/.test(head) && /<rulebase>|<security>/.test(head)) return 'panos';
  if (/^set (?:(?:shared|vsys \S+|device-group \S+) )?(?:pre-|post-)?rulebase security rules /m.test(head)) return 'panos';
  if (/^\s*(?:ip|ipv6) access-list |^\s*access-list \S+ /m.test(head)) return 'cisco';
  return null;
}

async function parseFile(f: EvidenceInput, forced: string | undefined): Promise<ParsedRuleSet> {
  if (forced && !(RULE_SYNTAXES as readonly string[]).includes(forced)) {
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `unknown syntax "${forced}" (${RULE_SYNTAXES.join(', ')})`, {}, { file: f.name, field: 'syntax' });
  }
  if (forced === 'csv' || (!forced && /\.(csv|xlsx|tsv)$/i.test(f.name))) return parseRuleTemplate(await f.table());
  // Detection reads window by window; every syntax is then streamed line by line (a 100 MB
  // export is never held whole; only PAN-OS XML, one document, is collected for its parser).
  const { syntax: detected, window: head } = await sniff(f, forced !== undefined);
  const syntax = (forced as RuleSyntax | undefined) ?? detected;
  if (!syntax) {
    throw new CoreError(
      'INPUT_UNSUPPORTED_FORMAT',
      `${f.name}: the rule syntax is not recognised (iptables-save, Cisco IOS/ASA/NX-OS ACLs, Junos/SRX, FortiOS, PAN-OS XML or set, or the CSV template); pass --syntax if it is one of them`,
      {},
      { file: f.name, line: 1 },
    );
  }
  if (syntax === 'iptables')
    return /^Chain \S+ \((?:policy|\d+ references)/m.test(head) ? parseIptablesListLines(f.lines(), f.name) : parseIptablesSaveLines(f.lines(), f.name);
  if (syntax === 'cisco') return parseCiscoAclLines(f.lines(), f.name);
  if (syntax === 'junos') return parseJunosLines(f.lines(), f.name);
  if (syntax === 'fortios') return parseFortiOsLines(f.lines(), f.name);
  return parsePanOsLines(f.lines(), f.name);
}

const WINDOW_CHARS = 200_000;

/**
 * Recognises a file's syntax window by window (about 200,000 characters each), streaming: a
 * large configuration may hold its access lists far below routes or NAT tables. Returns the
 * window that decided, or the first one when nothing did (or the syntax was given).
 */
async function sniff(f: EvidenceInput, headOnly: boolean): Promise<{ syntax: RuleSyntax | null; window: string }> {
  let first: string | null = null;
  let window = '';
  for await (const line of f.lines()) {
    window += `${line}\n`;
    if (window.length < WINDOW_CHARS) continue;
    first ??= window;
    const syntax = headOnly ? null : detectSyntax(f.name, window);
    if (syntax || headOnly) return { syntax, window };
    window = '';
  }
  const syntax = headOnly ? null : detectSyntax(f.name, window);
  return { syntax, window: syntax ? window : (first ?? window) };
}

/**
 * 7/(1)/b/(h) least privilege and allow-listing, 7/(1)/b/(i) yearly review: rule-set anomalies,
 * exact unreachable rules, over-broad permits, missing default deny, review dates.
 */
export const ruleSetAnalyzer = defineAnalyzer({
  id: 'rule-set',
  title: 'Network-device rules: least privilege, allow-listing, anomalies, yearly review',
  titleZh: '網路設備規則：最小授權、正面表列、規則異常與年度檢視',
  items: ['7/(1)/b/(h)', '7/(1)/b/(i)'],
  inputs: [
    {
      name: 'iptables',
      formats: ['iptables-save / ip6tables-save', 'iptables -nvL / -nL'],
      description: 'the filter table; user chains followed from their jumps',
    },
    {
      name: 'cisco',
      formats: ['IOS / IOS XE / NX-OS / ASA configuration'],
      description: 'named and numbered ACLs, object groups; route-map ACLs are route filters',
    },
    {
      name: 'junos',
      formats: ['Junos firewall filters', 'SRX security policies'],
      description: 'family inet/inet6 filters; zone policies with the address book',
    },
    {
      name: 'csv',
      formats: ['csv', 'xlsx'],
      description:
        'the rule template: 規則集/policy, 規則名稱/name, 動作/action, 協定/protocol, 來源/source, 來源埠/source_port, 目的/destination, 目的埠/destination_port, 應用程式/application, 啟用/enabled, 負責人/owner, 檢視日/reviewed_on, 說明/comment',
    },
  ],

  recognises({ name, head }) {
    // The CSV template by its action and source columns; a configuration by what it says (detectSyntax).
    if (/\.(csv|tsv|xlsx)$/i.test(name)) {
      const header = head.split(/\r?\n/, 1)[0] ?? '';
      return /動作|action/i.test(header) && /來源|source/i.test(header);
    }
    return detectSyntax(name, head) !== null;
  },

  options: z.strictObject({
    syntax: option.oneOf(RULE_SYNTAXES).optional().describe('the configuration syntax when detection is not enough'),
    reviewed_on: option.date().optional().describe('when the rules in these files were last reviewed (7/(1)/b/(i))'),
    min_prefix_v4: option.integer(0, 32).default(DEFAULT_RULE_OPTIONS.minPrefixV4).describe('narrowest IPv4 prefix not judged over-broad'),
    min_prefix_v6: option.integer(0, 128).default(DEFAULT_RULE_OPTIONS.minPrefixV6).describe('narrowest IPv6 prefix not judged over-broad'),
    max_port_span: option.integer(1, 65536).default(DEFAULT_RULE_OPTIONS.maxPortSpan).describe('widest port range not judged over-broad'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const options: RuleAnalysisOptions = {
      ...DEFAULT_RULE_OPTIONS,
      today: ctx.today,
      reviewedOn: ctx.options.reviewed_on ?? null,
      minPrefixV4: ctx.options.min_prefix_v4,
      minPrefixV6: ctx.options.min_prefix_v6,
      maxPortSpan: ctx.options.max_port_span,
    };
    // One finding per rule line and problem: the boxes a rule was expanded into (several
    // addresses, a multiport, zone pairs) are listed in `match` instead of repeating the finding.
    const collapsed = new Map<string, { finding: AnalyzerFinding & { match?: string | null }; matches: string[] }>();
    const parseFindings: AnalyzerFinding[] = [];
    let scope = 0;
    let policies = 0;
    for (const f of ctx.files) {
      const parsed = await parseFile(f, ctx.options.syntax);
      // A rule in several zone-pair policies is built once per pair: report each warning once.
      const warnings = new Map([...parsed.warnings, ...parsed.policies.flatMap((p) => p.warnings ?? [])].map((w) => [`${w.file}:${w.line}:${w.message}`, w]));
      for (const w of warnings.values()) {
        parseFindings.push({
          kind: 'parse_warning',
          severity: 'info',
          failing: false,
          clause: '7/(1)/b/(h)',
          file: w.file,
          line: w.line,
          rule: w.text.slice(0, 120),
          detail: w.message,
          detailZh: `解析提示：${w.message}`,
          blocking: [],
        });
      }
      for (const p of parsed.policies) {
        const r = analyzePolicy(p, options);
        for (const x of r.findings) {
          const key = `${x.kind}|${x.file}|${x.line}|${x.detail}`;
          const existing = collapsed.get(key);
          if (existing) {
            if (x.match && !existing.matches.includes(x.match)) existing.matches.push(x.match);
            continue;
          }
          collapsed.set(key, { finding: x, matches: x.match ? [x.match] : [] });
        }
        scope += r.scope;
        if (p.kind === 'packet_filter') policies++;
      }
    }
    const findings: AnalyzerFinding[] = [
      ...parseFindings,
      ...[...collapsed.values()].map(({ finding, matches }) =>
        matches.length > 1 ? { ...finding, match: `${matches.slice(0, 5).join('; ')}${matches.length > 5 ? `; … (${matches.length})` : ''}` } : finding,
      ),
    ];
    const failing = findings.filter((f) => f.failing);
    const count = (k: string) => findings.filter((f) => f.kind === k).length;
    return {
      verdict: verdictOf(findings, 0),
      scope,
      findings,
      summary: `${scope} rules in ${policies} policies: ${failing.length} failing findings (any-any ${count('any_any')}, over-broad ${count('over_broad')}, unreachable ${count('shadowed') + count('unreachable')}, no default deny ${count('no_default_deny')}, review ${count('review_overdue') + count('review_date_missing')})`,
      summaryZh: `共 ${policies} 個規則集 ${scope} 條規則：${failing.length} 項不符（任意對任意 ${count('any_any')}、範圍過大 ${count('over_broad')}、永不生效 ${count('shadowed') + count('unreachable')}、未預設拒絕 ${count('no_default_deny')}、檢視紀錄 ${count('review_overdue') + count('review_date_missing')}）`,
    };
  },
});
