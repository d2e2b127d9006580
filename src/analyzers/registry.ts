import type { Analyzer } from '../core/analysis/analyzer.js';
import { accountsAnalyzer } from './accounts/accounts.analyzer.js';
import { backupsAnalyzer } from './backups/backups.analyzer.js';
import { clocksAnalyzer } from './clocks/clocks.analyzer.js';
import { continuityAnalyzer } from './continuity/continuity.analyzer.js';
import { deviceLifecycleAnalyzer } from './device-lifecycle/device-lifecycle.analyzer.js';
import { logMonitoringAnalyzer } from './log-monitoring/log-monitoring.analyzer.js';
import { pdTrailsAnalyzer } from './pd-trails/pd-trails.analyzer.js';
import { ruleSetAnalyzer } from './rule-set/rule-set.analyzer.js';
import { signinAttemptsAnalyzer } from './signin-attempts/signin-attempts.analyzer.js';
import { signinFactorsAnalyzer } from './signin-factors/signin-factors.analyzer.js';

/**
 * Every analyzer ccheck ships. `_template/` shows how to add one: it is documentation with its
 * own test, not a product analyzer, so neither `ccheck analyzers` nor `ccheck analyze` offers it.
 */
export const ANALYZERS: readonly Analyzer[] = [
  deviceLifecycleAnalyzer,
  ruleSetAnalyzer,
  signinFactorsAnalyzer,
  accountsAnalyzer,
  signinAttemptsAnalyzer,
  backupsAnalyzer,
  continuityAnalyzer,
  clocksAnalyzer,
  logMonitoringAnalyzer,
  pdTrailsAnalyzer,
];

export function findAnalyzer(id: string): Analyzer | undefined {
  return ANALYZERS.find((a) => a.id === id);
}
