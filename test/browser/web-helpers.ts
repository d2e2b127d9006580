import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const WEB_ROOT = path.join(REPO, 'dist', 'web');

/** The built pages; `npm test` builds them first (npm run build), a lone run (re)builds them here when web/ changed since. */
export function ensureWebBuilt(): string {
  const index = path.join(WEB_ROOT, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = readdirSync(path.join(REPO, 'web'), { recursive: true, encoding: 'utf8' }).map((f) => statSync(path.join(REPO, 'web', f)).mtimeMs);
  if (Math.max(...sources) > builtAt) execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: REPO, stdio: 'inherit' });
  return WEB_ROOT;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Where the test server serves axe-core: the pages' CSP refuses an inline script, so it comes from 'self'. */
export const AXE_URL = '/__test/axe.js';
export const axeSource = () => readFileSync(require.resolve('axe-core'), 'utf8');

/**
 * axe-core 4.14.1 injected into the page (@axe-core/playwright needs Node 22): the serious and
 * critical violations, as short lines a failing test prints.
 */
export async function axeSerious(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: AXE_URL });
  // A string, not a function: this file is compiled without the DOM library.
  const violations = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Console errors and CSP refusals while the page runs: a page under the strict CSP must cause none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}
