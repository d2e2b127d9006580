import type { IsoDate } from '../dates.js';
import {
  comparePaths,
  levelOfPath,
  parentPathOf,
  splitPath,
  type AppliesTo,
  type AttributeSource,
  type CatalogNode,
  type Frequency,
  type NodeLevel,
  type NodeStatus,
  type Rationale,
} from './catalog-node.js';
import { isTierDependent, strengthOf } from './interpret-content.js';
import type { MechanismReference, ReferenceEntry } from './mechanism-reference.js';

/** A node with only what its own source says; inheritance is resolved by {@link resolveNodes}. */
export interface NodeDraft {
  readonly path: string;
  readonly level: NodeLevel;
  readonly label: string;
  readonly parentPath: string | null;
  readonly title: string | null;
  readonly titleEn?: string | null;
  readonly text: string | null;
  readonly textEn?: string | null;
  readonly textSource: 'amendment' | 'firm_checklist' | null;
  readonly status: NodeStatus;
  readonly statedCode: string | null;
  readonly statedFrequency: Frequency | null;
  /** Frequency set by a firm's checklist: the firm's own full copy overrides inheritance. */
  readonly checklistFrequency?: Frequency | null;
  readonly internetOnly: boolean;
  readonly allBrokerItems: readonly string[] | null;
  readonly effectiveDate: IsoDate | null;
  readonly rationale: Rationale | null;
  readonly amendedFragments: readonly string[];
}

const APPLIES_LABEL: Record<AppliesTo, string> = {
  internet_order_brokers: 'internet-order brokers (網際網路下單證券商)',
  all_brokers: 'all brokers (所有證券商)',
  colocation_users: 'brokers using the exchange co-location service (主機共置)',
};

/**
 * Resolves what each node inherits: CC code and check frequency from the nearest ancestor that
 * states one (frequency is set at point, sub-section and item level), and applicability in
 * layers — a printed scope on the node, its sub-section's all-broker list (7/(1): a, b, f), a
 * reference rule for the path, or the parent's.
 */
export function resolveNodes(drafts: readonly NodeDraft[], reference: MechanismReference): CatalogNode[] {
  const refByPath = new Map<string, ReferenceEntry>(reference.entries.map((e) => [e.path, e]));
  const sorted = [...drafts].sort((a, b) => comparePaths(a.path, b.path));
  const resolved = new Map<string, CatalogNode>();
  const out: CatalogNode[] = [];

  for (const d of sorted) {
    const parent = d.parentPath ? resolved.get(d.parentPath) : undefined;
    const ref = refByPath.get(d.path);

    let code: string | null = null;
    let codeSource: AttributeSource | null = null;
    if (d.statedCode) [code, codeSource] = [d.statedCode, 'stated'];
    else if (ref?.code) [code, codeSource] = [ref.code, 'reference'];
    else if (parent?.code) [code, codeSource] = [parent.code, 'inherited'];

    let frequency: Frequency | null = null;
    let frequencySource: AttributeSource | null = null;
    if (d.statedFrequency) [frequency, frequencySource] = [d.statedFrequency, 'stated'];
    else if (d.checklistFrequency) [frequency, frequencySource] = [d.checklistFrequency, 'firm_checklist'];
    else if (ref?.frequency) [frequency, frequencySource] = [ref.frequency, 'reference'];
    else if (parent?.frequency) [frequency, frequencySource] = [parent.frequency, 'inherited'];

    let appliesTo: AppliesTo;
    let appliesToReason: string;
    const where = code ? `${d.path} (${code})` : d.path;
    if (d.internetOnly) {
      appliesTo = 'internet_order_brokers';
      appliesToReason =
        `${where} applies to ${APPLIES_LABEL.internet_order_brokers} as printed` +
        (d.allBrokerItems ? `; items ${d.allBrokerItems.join(', ')} also bind all brokers` : '');
    } else if (parent?.allBrokerItems?.includes(d.label)) {
      appliesTo = 'all_brokers';
      appliesToReason = `${d.path} binds all brokers: ${parent.path} prints "另 ${parent.allBrokerItems.join('、')} 項並適用於所有證券商"`;
    } else if (ref?.appliesTo) {
      appliesTo = ref.appliesTo;
      appliesToReason = `${where} applies to ${APPLIES_LABEL[ref.appliesTo]} (reference: ${reference.source})`;
    } else if (parent) {
      appliesTo = parent.appliesTo;
      appliesToReason = parent.appliesToReason;
    } else {
      appliesTo = 'all_brokers';
      appliesToReason = `${where}: no restriction printed, so it applies to ${APPLIES_LABEL.all_brokers}`;
    }

    const node: CatalogNode = {
      path: d.path,
      level: d.level,
      label: d.label,
      parentPath: d.parentPath,
      code,
      codeSource,
      title: d.title ?? null,
      titleEn: d.titleEn ?? ref?.titleEn ?? null,
      text: d.text,
      textEn: d.textEn ?? null,
      textSource: d.textSource,
      status: d.status,
      frequency,
      frequencySource,
      appliesTo,
      appliesToReason,
      allBrokerItems: d.allBrokerItems,
      tierDependent: isTierDependent(d.text),
      strength: strengthOf(d.text),
      effectiveDate: d.effectiveDate,
      rationale: d.rationale,
      amendedFragments: d.amendedFragments,
    };
    resolved.set(d.path, node);
    out.push(node);
  }
  return out;
}

/**
 * A node the source does not print (略): no words of its own, only its place in the tree, so that
 * the plan and the checklist carry it and a firm's checklist can fill it. Code, frequency and
 * scope come from the reference or the parent when resolved.
 */
export function elidedDraft(path: string): NodeDraft {
  return {
    path,
    level: levelOfPath(path),
    label: splitPath(path).pop()!,
    parentPath: parentPathOf(path),
    title: null,
    text: null,
    textSource: null,
    status: 'elided',
    statedCode: null,
    statedFrequency: null,
    internetOnly: false,
    allBrokerItems: null,
    effectiveDate: null,
    rationale: null,
    amendedFragments: [],
  };
}

/** The draft a resolved node was made from, to derive a new version from an existing one. */
export function draftOf(node: CatalogNode): NodeDraft {
  return {
    path: node.path,
    level: node.level,
    label: node.label,
    parentPath: node.parentPath,
    title: node.title,
    titleEn: node.titleEn,
    text: node.text,
    textEn: node.textEn,
    textSource: node.textSource,
    status: node.status,
    statedCode: node.codeSource === 'stated' ? node.code : null,
    statedFrequency: node.frequencySource === 'stated' ? node.frequency : null,
    checklistFrequency: node.frequencySource === 'firm_checklist' ? node.frequency : null,
    internetOnly: node.appliesTo === 'internet_order_brokers' && node.appliesToReason.includes('as printed'),
    allBrokerItems: node.allBrokerItems,
    effectiveDate: node.effectiveDate,
    rationale: node.rationale,
    amendedFragments: node.amendedFragments,
  };
}
