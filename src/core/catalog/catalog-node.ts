import type { IsoDate } from '../dates.js';

/** The four levels the mechanism prints: point 7 → sub-section (1) → item d → sub-item (a). */
export type NodeLevel = 'point' | 'subsection' | 'item' | 'subitem';
export const NODE_LEVELS: readonly NodeLevel[] = ['point', 'subsection', 'item', 'subitem'];

/** 查核頻率: the internal-control check cadence of a control area. */
export type Frequency = 'monthly' | 'semiannual' | 'annual';
export const FREQUENCIES: readonly Frequency[] = ['monthly', 'semiannual', 'annual'];

/** 適用對象. Applicability is layered: point default, all-broker override list, user class. */
export type AppliesTo = 'internet_order_brokers' | 'all_brokers' | 'colocation_users';

/** 應 = shall (mandatory), 宜 = should (advisory); `mixed` where one sentence binds core systems (應) and advises others (宜), e.g. 7/(1)/j/(g). */
export type Strength = 'shall' | 'should' | 'mixed';

/** `elided`: the source prints 略 (text omitted); a firm can fill it from its own full copy. */
export type NodeStatus = 'text' | 'elided';

/**
 * Where an attribute's value came from. A compliance officer must be able to tell a value the
 * regulation prints from one ccheck inferred or took from public reference pages.
 */
export type AttributeSource = 'stated' | 'inherited' | 'reference' | 'default' | 'firm_checklist';

/** How a 說明 (rationale) paragraph was tied to this node; the column does not line up row by row. */
export type RationaleAlignment = 'row' | 'unresolved';

export interface Rationale {
  /** The rationale as it applies, with 同上 ("same as above") replaced by the text it repeats. */
  readonly text: string;
  /** True when the source printed 同上 here. */
  readonly repeatsAbove: boolean;
  /** The self-regulatory norm or guideline referred to, e.g. 資訊作業韌性自律規範. */
  readonly guideline: string | null;
  readonly alignment: RationaleAlignment;
  /** When unresolved: the rationales printed on the same source row, any of which may be this node's. */
  readonly candidates: readonly string[];
}

export interface CatalogNode {
  /** Labels as printed, ASCII brackets, joined by `/`: `7/(1)/d/(a)`. */
  readonly path: string;
  readonly level: NodeLevel;
  readonly label: string;
  readonly parentPath: string | null;
  /** CC code, stated on the node or inherited from the nearest ancestor (e.g. CC-17010). */
  readonly code: string | null;
  readonly codeSource: AttributeSource | null;
  readonly title: string | null;
  readonly titleEn: string | null;
  readonly text: string | null;
  readonly textEn: string | null;
  readonly textSource: 'amendment' | 'firm_checklist' | null;
  readonly status: NodeStatus;
  readonly frequency: Frequency | null;
  readonly frequencySource: AttributeSource | null;
  readonly appliesTo: AppliesTo;
  /** Why: the clause or rule that decided `appliesTo`, e.g. "7/(1): a, b, f apply to all brokers". */
  readonly appliesToReason: string;
  /** A sub-section's all-broker override list as printed (CC-17010: a, b, f; before 2023 a, b, e). */
  readonly allBrokerItems: readonly string[] | null;
  /** The obligation scales with the firm's 資安分級 (tier). */
  readonly tierDependent: boolean;
  readonly strength: Strength | null;
  /** A node-specific effective date printed in the text, e.g. (112年2月28日生效). */
  readonly effectiveDate: IsoDate | null;
  readonly rationale: Rationale | null;
  /** Underlined (amended) words as printed in the 修正條文 column. */
  readonly amendedFragments: readonly string[];
}

const LEVEL_OF_DEPTH: readonly NodeLevel[] = NODE_LEVELS;

/** Splits `7/(1)/d/(a)` into its labels. */
export function splitPath(path: string): string[] {
  return path.split('/');
}

export function parentPathOf(path: string): string | null {
  const i = path.lastIndexOf('/');
  return i < 0 ? null : path.slice(0, i);
}

export function levelOfPath(path: string): NodeLevel {
  const depth = splitPath(path).length;
  const level = LEVEL_OF_DEPTH[depth - 1];
  if (!level) throw new RangeError(`path too deep: ${path}`);
  return level;
}

const LABEL_PATTERN: Record<NodeLevel, RegExp> = {
  point: /^[1-9]\d?$/,
  subsection: /^\([1-9]\d?\)$/,
  item: /^[a-z]$/,
  subitem: /^\([a-z]\)$/,
};

/** True for a path whose labels follow the printed scheme level by level. */
export function isValidPath(path: string): boolean {
  const labels = splitPath(path);
  if (labels.length === 0 || labels.length > 4) return false;
  return labels.every((label, i) => LABEL_PATTERN[LEVEL_OF_DEPTH[i] as NodeLevel].test(label));
}

/** Sort key so that `7/(1)/k` comes before `7/(2)` and `(10)` after `(9)`. */
export function comparePaths(a: string, b: string): number {
  const la = splitPath(a);
  const lb = splitPath(b);
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const d = labelOrdinal(la[i] as string) - labelOrdinal(lb[i] as string);
    if (d !== 0) return d;
  }
  return la.length - lb.length;
}

export function labelOrdinal(label: string): number {
  const inner = label.replace(/[()]/g, '');
  return /^\d+$/.test(inner) ? Number(inner) : inner.charCodeAt(0) - 96;
}
