import { corpusTier } from './corpus-tier.js';

/**
 * Vitest global setup of the corpus tier (see corpus-tier.ts): fails a CI run that lacks the
 * corpus before any test runs, and otherwise prints, once and at the end of the run, the one line
 * saying that the tier did not run and how to run it.
 */
export default function setup(): () => void {
  const tier = corpusTier();
  if (tier.ci && tier.message) throw new Error(tier.message);
  return () => {
    if (!tier.run) process.stdout.write(`\n${tier.message}\n`);
  };
}
