import type { Analyzer } from '../core/analysis/analyzer.js';
import { templateAnalyzer } from './_template/template.analyzer.js';
import { deviceLifecycleAnalyzer } from './device-lifecycle/device-lifecycle.analyzer.js';
import { ruleSetAnalyzer } from './rule-set/rule-set.analyzer.js';

/** Every analyzer ccheck ships; `_template` shows how to add one and is not listed. */
export const ANALYZERS: readonly Analyzer[] = [deviceLifecycleAnalyzer, ruleSetAnalyzer];

export function findAnalyzer(id: string): Analyzer | undefined {
  return [...ANALYZERS, templateAnalyzer].find((a) => a.id === id);
}
