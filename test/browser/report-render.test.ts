import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { runCcheck } from '../helpers/cli.js';
import { tempDir } from '../helpers/shared.js';

// Debian's Chromium, installed by npm test (scripts/ensure-browser.sh). Never skipped: without it
// this test fails and says what to install.

let tmp: { dir: string; cleanup: () => void };
let browser: Browser;
let report: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (or set CCHECK_CHROMIUM)`);
  tmp = tempDir();
  const r = await runCcheck(['demo', 'demo', '--today', '2026-11-27', '--json'], { env: { LANG: 'zh_TW.UTF-8' }, cwd: tmp.dir });
  expect(r.code, r.err).toBe(0);
  report = (JSON.parse(r.out) as { report: string }).report;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  tmp?.cleanup();
});

describe('the HTML report in a real browser (Chromium)', () => {
  it('renders offline with Traditional Chinese glyphs, a chart and every item, and prints to paged A4', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:')) requests.push(url);
      return url.startsWith('file:') ? route.continue() : route.abort();
    });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(report).href);

    expect(await page.title()).toBe('證券商資通安全檢查報告 — 範例證券股份有限公司 2026-11');
    expect(await page.locator('h1').innerText()).toBe('證券商資通安全檢查報告');
    expect(requests).toEqual([]); // self-contained: nothing fetched from anywhere
    expect(problems).toEqual([]);

    // The chart is laid out and visible; the items table has one row per item of the run.
    const chart = await page.locator('svg[role="img"]').boundingBox();
    expect(chart?.width).toBeGreaterThan(300);
    expect(chart?.height).toBeGreaterThan(50);
    // 67 applicable items of the month, and point 14 (co-location, monthly), which the demo firm is shown not to need.
    expect(await page.locator('tr[id^="item-"]').count()).toBe(68);
    await expect.poll(() => page.locator('#item-14 .badge').innerText()).toBe('不適用');
    await expect.poll(() => page.locator('#item-7\\/\\(1\\)\\/a\\/\\(j\\) .badge').innerText()).toBe('不符合');

    // Glyphs come from a real CJK font, not tofu: Chromium reports the fonts that drew the heading.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts.map((f) => f.familyName).join(', ')).toMatch(/Noto Sans (CJK|TC|Hant)/);
    expect(fonts.reduce((n, f) => n + f.glyphCount, 0)).toBe('證券商資通安全檢查報告'.length);

    // A screenshot for people to look at, kept in the temp folder (never in the repository).
    const shot = path.join(tmp.dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(50_000);

    // Printing: the print stylesheet gives several A4 pages whose text is the report's.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThan(2);
    // Chromium names the printed PDF after the page title (UTF-16BE hex string in the info dictionary).
    const title = /\/Title\s*<FEFF([0-9A-Fa-f]+)>/.exec(pdf.toString('latin1'))?.[1] ?? '';
    expect(Buffer.from(title, 'hex').swap16().toString('utf16le')).toBe('證券商資通安全檢查報告 — 範例證券股份有限公司 2026-11');
    await page.close();
  }, 60_000);
});
