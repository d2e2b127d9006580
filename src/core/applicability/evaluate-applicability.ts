import type { CatalogNode } from '../catalog/catalog-node.js';
import type { CatalogVersion } from '../catalog/catalog-version.js';
import type { FirmProfile } from '../profile/firm-profile.js';
import type { ApplicabilityRule } from './applicability-rule.js';

/** One item's decision for one firm, with the rule and the facts that decided it. */
export interface ApplicabilityDecision {
  readonly path: string;
  readonly code: string | null;
  readonly applies: boolean;
  /** 宜 (should): applies, but as advice rather than obligation. */
  readonly advisory: boolean;
  readonly reason: string;
  readonly reasonZh: string;
  /** Ids of the rules that matched the item (empty: it binds every firm). */
  readonly rules: readonly string[];
  /** The profile facts the decision read, e.g. { channels: 'voice,traditional' }. */
  readonly facts: Readonly<Record<string, string>>;
  readonly tierDependent: boolean;
}

export interface ApplicabilityResult {
  readonly version: string;
  readonly versionHash: string;
  readonly decisions: readonly ApplicabilityDecision[];
}

const SCOPE_ZH: Record<CatalogNode['appliesTo'], string> = {
  internet_order_brokers: '適用網際網路下單證券商',
  all_brokers: '適用所有證券商',
  colocation_users: '適用使用主機共置服務之證券商',
};

function matches(rule: ApplicabilityRule, node: CatalogNode): boolean {
  if (rule.match.appliesTo !== undefined && rule.match.appliesTo !== node.appliesTo) return false;
  if (rule.match.path !== undefined && node.path !== rule.match.path && !node.path.startsWith(`${rule.match.path}/`)) return false;
  return true;
}

interface Check {
  readonly holds: boolean;
  readonly fact: string;
  readonly value: string;
  readonly en: string;
  readonly zh: string;
}

function check(rule: ApplicabilityRule, p: FirmProfile): Check {
  const r = rule.require;
  if (r.channel !== undefined) {
    const holds = p.channels.includes(r.channel);
    return {
      holds,
      fact: 'channels',
      value: p.channels.join(','),
      en: `profile.channels ${holds ? 'includes' : 'has no'} ${r.channel}`,
      zh: `公司下單管道${holds ? '包含' : '不含'} ${r.channel}`,
    };
  }
  if (r.service !== undefined) {
    const holds = p.services[r.service];
    return {
      holds,
      fact: `services.${r.service}`,
      value: String(holds),
      en: `profile.services.${r.service} is ${String(holds)}`,
      zh: `公司${holds ? '使用' : '未使用'} ${r.service} 服務`,
    };
  }
  const want = r.colocation ?? true;
  const holds = p.colocation === want;
  return {
    holds,
    fact: 'colocation',
    value: String(p.colocation),
    en: `profile.colocation is ${String(p.colocation)}`,
    zh: `公司${p.colocation ? '使用' : '未使用'}主機共置服務`,
  };
}

/**
 * Decides, for every item of a version, whether it applies to the firm and why. Pure: the same
 * version, rules and profile always give the same decisions.
 */
export function evaluateApplicability(version: CatalogVersion, rules: readonly ApplicabilityRule[], profile: FirmProfile): ApplicabilityResult {
  const decisions = version.nodes.map((node): ApplicabilityDecision => {
    const matched = rules.filter((r) => matches(r, node));
    const checks = matched.map((r) => ({ rule: r, ...check(r, profile) }));
    const failed = checks.filter((c) => !c.holds);
    const applies = failed.length === 0;
    const where = node.code ? `${node.path} (${node.code})` : node.path;
    // A refusal names only the facts that failed; an approval names every fact it relied on.
    const shown = applies ? checks : failed;
    let reason = `${node.appliesToReason}${shown.length ? `; ${shown.map((c) => `${c.en} [${c.rule.id}: ${c.rule.basis}]`).join('; ')}` : ''}`;
    let reasonZh = `${where}${SCOPE_ZH[node.appliesTo]}${shown.length ? `；${shown.map((c) => c.zh).join('；')}` : ''}`;
    if (applies && node.tierDependent) {
      reason += `; scales with the firm's 資安分級 (${profile.tier === null ? 'no tier set' : `tier ${profile.tier}`})`;
      reasonZh += `；依所屬資安分級辦理（${profile.tier === null ? '未設定分級' : `第${profile.tier}級`}）`;
    }
    if (applies && node.strength === 'should') {
      reason += '; 宜 (should): advisory';
      reasonZh += '；宜（建議事項）';
    }
    return {
      path: node.path,
      code: node.code,
      applies,
      advisory: applies && node.strength === 'should',
      reason,
      reasonZh,
      rules: matched.map((r) => r.id),
      facts: Object.fromEntries(checks.map((c) => [c.fact, c.value])),
      tierDependent: node.tierDependent,
    };
  });
  return { version: version.id, versionHash: version.hash, decisions };
}
