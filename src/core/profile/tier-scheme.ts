/**
 * 資安分級: the levels a firm can be assigned and what each asks of it. Curated data
 * (`data/catalog/tiers.yaml`), because the public sources fix neither the number of levels nor
 * their thresholds (the futures market already speaks of a fourth level).
 */
export interface TierLevel {
  /** The number a profile writes (`tier: 2`). */
  readonly level: number;
  /** As the exchange writes it, e.g. 第二級. */
  readonly name: string;
  readonly nameEn: string;
  /** Clauses that bind a firm of this level "依其所屬資安分級", e.g. 10/(3) off-site backup site. */
  readonly requires: readonly string[];
}

export interface TierScheme {
  readonly source: string;
  readonly levels: readonly TierLevel[];
}

/** The levels a profile may name, in the order the data lists them. */
export function tierNumbers(scheme: TierScheme): number[] {
  return scheme.levels.map((l) => l.level);
}

export function findTier(scheme: TierScheme, level: number): TierLevel | undefined {
  return scheme.levels.find((l) => l.level === level);
}

/** "1 (第一級), 2 (第二級), 3 (第三級), null" — the allowed values, for error messages and prompts. */
export function describeTierChoices(scheme: TierScheme): string {
  return [...scheme.levels.map((l) => `${l.level} (${l.name})`), 'null'].join(', ');
}
