// README pictures of the web pages, taken from a real running server: `ccheck serve --demo` in this
// process (fresh store, the demo firm, one account per role), signed in as the CISO with password
// and TOTP in Debian's Chromium, the pages at 1280 px. Run: npm run readme:screenshots
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { launchChromium } from '../test/helpers/chromium.js';
import { startDemoServer } from '../test/browser/web-demo-server.js';

const OUT = path.join(import.meta.dirname, '..', 'docs', 'images');

const server = await startDemoServer();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const who = server.accounts.supervisor!;
  await page.goto(`${server.base}/login`);
  await page.getByLabel('帳號').fill(who.username);
  await page.getByLabel('密碼').fill(who.password);
  await page.screenshot({ path: path.join(OUT, 'web-sign-in.png') });
  await page.getByRole('button', { name: '登入' }).click();
  await page.getByLabel('驗證器應用程式的 6 位數代碼').fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(who.totpSecret) }).generate());
  await page.getByRole('button', { name: '驗證' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.locator('canvas').nth(3).waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(OUT, 'web-dashboard.png'), fullPage: true });

  const firm = `${server.base}/firms/${encodeURIComponent(server.firm.licence)}`;
  await page.goto(`${firm}/runs/${server.period}`);
  await page.locator('.item-button').first().waitFor();
  // An item the analyzers found wanting: its text, why it applies, the findings and the evidence.
  const analyzed = await page.request.get(`${server.base}/api/firms/${server.firm.id}/runs/${server.period}`);
  const items = ((await analyzed.json()) as { items: { path: string; analyzer: { verdicts?: { verdict: string }[] } | null }[] }).items;
  const wanting = items.find((i) => i.analyzer?.verdicts?.some((v) => v.verdict === 'fail')) ?? items[0]!;
  await page
    .locator('.item-button', { has: page.locator('code', { hasText: wanting.path }) })
    .first()
    .click();
  await page.locator('#h-item').waitFor();
  await page.screenshot({ path: path.join(OUT, 'web-inspection.png') });

  await page.goto(`${firm}/calendar`);
  await page.locator('table.month').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(OUT, 'web-calendar.png') });

  await page.goto(`${firm}/findings`);
  await page.locator('.board').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(OUT, 'web-findings.png') });

  await page.goto(`${server.base}/catalog`);
  await page.getByRole('button', { name: '比較' }).click();
  await page.locator('table.diff tbody tr').first().waitFor();
  await page.screenshot({ path: path.join(OUT, 'web-catalog-diff.png') });
  /** A fresh sign-in as another demo account (password + TOTP) in the same browser. */
  const signInAs = async (role: string) => {
    await context.clearCookies();
    const a = server.accounts[role]!;
    await page.goto(`${server.base}/login`);
    await page.getByLabel('帳號').fill(a.username);
    await page.getByLabel('密碼').fill(a.password);
    await page.getByRole('button', { name: '登入' }).click();
    await page.getByLabel('驗證器應用程式的 6 位數代碼').fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(a.totpSecret) }).generate());
    await page.getByRole('button', { name: '驗證' }).click();
    await page.waitForURL(/\/dashboard$/);
  };

  // An analyzer job on stored evidence (the officer's): the firewall configuration through the rule-set check.
  await signInAs('officer');
  await page.goto(`${firm}/analysis`);
  await page.getByLabel('檢查程式').selectOption('rule-set');
  await page.getByRole('checkbox', { name: /fw-edge-01\.asa/ }).check();
  await page.getByRole('button', { name: '開始檢查' }).click();
  await page.locator('table.jobs tbody tr', { hasText: '已完成' }).getByRole('button', { name: '查看結果' }).click({ timeout: 60_000 });
  await page.locator('table.finding-rows tbody tr').first().waitFor();
  // The job list and the result at the top of the picture (a string: this file has no DOM types).
  await page.evaluate("document.getElementById('h-jobs').scrollIntoView({ block: 'start' })");
  await page.screenshot({ path: path.join(OUT, 'web-analysis.png') });

  // The profile form with a problem beside its field (the administrator edits the profile).
  await signInAs('admin');
  await page.goto(`${firm}/profile`);
  const rto = page.getByLabel('復原時間目標 RTO（小時）').first();
  await rto.fill('0');
  await page.getByRole('button', { name: '儲存' }).click();
  await page.locator('.field-error').first().waitFor();
  await rto.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, 'web-profile.png') });
  console.log(`wrote web-*.png into ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
