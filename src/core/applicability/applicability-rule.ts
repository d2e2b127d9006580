import type { AppliesTo } from '../catalog/catalog-node.js';
import type { Channel, Service } from '../profile/firm-profile.js';

/** Which items a rule is about: by resolved applicability, or by path (the item and its subtree). */
export interface RuleMatch {
  readonly appliesTo?: AppliesTo | undefined;
  readonly path?: string | undefined;
}

/** The profile fact an item needs. Exactly one is set. */
export interface RuleRequirement {
  readonly channel?: Channel | undefined;
  readonly service?: Service | undefined;
  readonly colocation?: boolean | undefined;
}

export interface ApplicabilityRule {
  readonly id: string;
  readonly match: RuleMatch;
  readonly require: RuleRequirement;
  /** Why the rule exists, citing the text; shown in every decision it makes. */
  readonly basis: string;
}
