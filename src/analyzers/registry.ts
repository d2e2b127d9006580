import type { Analyzer } from '../core/analysis/analyzer.js';
import { deviceLifecycleAnalyzer } from './device-lifecycle/device-lifecycle.analyzer.js';
import { ruleSetAnalyzer } from './rule-set/rule-set.analyzer.js';

/**
 * Every analyzer ccheck ships. `_template/` shows how to add one: it is documentation with its
 * own test, not a product analyzer, so neither `ccheck analyzers` nor `ccheck analyze` offers it.
 */
export const ANALYZERS: readonly Analyzer[] = [deviceLifecycleAnalyzer, ruleSetAnalyzer];

export function findAnalyzer(id: string): Analyzer | undefined {
  return ANALYZERS.find((a) => a.id === id);
}
