// Renders the README pictures: `ccheck catalog diff` in a terminal (docs/images/catalog-diff.png)
// and the demo firm's inspection report (docs/images/inspection-report.png).
// Needs Debian's chromium and a CJK font (apt-get install chromium fonts-noto-cjk); not part of CI.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../test/helpers/chromium.js';
import { runCli } from '../src/cli/main.js';
import { packageRoot } from '../src/io/catalog-data.js';

let out = '';
const home = mkdtempSync(path.join(os.tmpdir(), 'ccheck-shot-'));
await runCli(['catalog', 'diff', 'before-2023-08-23', '2023-08-23'], {
  stdout: { write: (s: string) => (out += s), columns: 118 },
  stderr: { write: () => true },
  env: { CCHECK_HOME: home, LANG: 'zh_TW.UTF-8' },
  cwd: home,
});
const lines = out.split('\n').slice(0, 44);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e2e">
<pre style="margin:0;padding:18px 22px;color:#e0e0e8;font:14px/1.45 'Noto Sans Mono CJK TC','Noto Sans Mono',monospace">
<span style="color:#8bd5ca">$ npx ccheck catalog diff before-2023-08-23 2023-08-23</span>
${lines.map((l) => (l.startsWith('■') ? `<span style="color:#f5c2e7">${esc(l)}</span>` : esc(l))).join('\n')}</pre>`;
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1180, height: 400 }, deviceScaleFactor: 1 });
await page.setContent(html);
const file = path.join(packageRoot(), 'docs', 'images', 'catalog-diff.png');
await page.locator('pre').screenshot({ path: file });

// The inspection report of the demo firm, as the README shows it.
const demoDir = path.join(home, 'demo');
await runCli(['demo', demoDir, '--today', '2026-11-27'], {
  stdout: { write: () => true },
  stderr: { write: (s: string) => process.stderr.write(s) },
  env: { LANG: 'zh_TW.UTF-8' },
  cwd: home,
});
const reportPage = await browser.newPage({ viewport: { width: 1100, height: 1000 }, deviceScaleFactor: 1 });
await reportPage.goto(`file://${path.join(demoDir, 'inspection-report-2026-11.html')}`);
const reportFile = path.join(packageRoot(), 'docs', 'images', 'inspection-report.png');
await reportPage.screenshot({ path: reportFile });
console.log(`wrote ${reportFile}`);
await browser.close();
rmSync(home, { recursive: true, force: true });
console.log(`wrote ${file}`);
