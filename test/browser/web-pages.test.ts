import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { InspectionService } from '../../src/services/inspection-service.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { AXE_URL, axeSerious, axeSource, ensureWebBuilt, watchProblems } from './web-helpers.js';
import { FIRM, registerStubApi, stubActor, type StubState } from './web-stub-api.js';
import { existsSync } from 'node:fs';

// The pages in Debian's Chromium, served by buildApp from dist/web under the strict CSP, against
// the API answers of docs/API.md (web-stub-api.ts) until the api and auth streams' routes are
// merged. Every main page: renders real content, raises no console error or CSP refusal, and
// has no serious or critical axe-core violation.

let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
const state: StubState = { logins: [], totpCodes: [], csrfSeen: [], uploads: [], results: [], approveCalls: 0, reauthCodes: [], signedOff: false };
const firm = encodeURIComponent(FIRM.licence);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (or set CCHECK_CHROMIUM)`);
  const webRoot = ensureWebBuilt();
  const inspections = {
    firm: (ref: string) => Promise.resolve({ ...FIRM, id: ref === FIRM.licence || ref === FIRM.id ? FIRM.id : ref }),
  } as unknown as InspectionService;
  app = await buildApp({
    inspections,
    home: '/nonexistent',
    env: {},
    clock: { now: () => new Date().toISOString(), today: () => '2026-11-30' },
    sessions: { actorOf: () => Promise.resolve(stubActor()) },
    webRoot,
  });
  registerStubApi(app, state);
  const axe = axeSource();
  app.get(AXE_URL, (_req, reply) => reply.type('text/javascript').send(axe));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei' });
}, 180_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${base}${path}`);
  await page.locator('main h1').first().waitFor();
  return { page, problems };
}

describe('the web pages in Chromium (served by buildApp, strict CSP)', () => {
  it('serves index.html for page routes with the CSP, assets cached for good, and JSON 404 under /api/', async () => {
    const page = await fetch(`${base}/firms/${firm}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toMatch(/<script>(?!<)|style=/); // no inline script or style for the CSP to refuse
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${base}${asset}`)).headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${base}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: 'no such route' });
  });

  it("sign-in: a wrong password shows its code, then password and TOTP sign in (each step's CSRF token carried to the next)", async () => {
    const { page, problems } = await open('/login');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel('帳號').fill('officer');
    await page.getByLabel('密碼').fill('wrong');
    await page.getByRole('button', { name: '登入' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('AUTH_INVALID_CREDENTIALS');
    expect(await page.getByRole('alert').innerText()).toContain('帳號或密碼不正確');
    await page.getByLabel('密碼').fill('correct horse');
    await page.getByRole('button', { name: '登入' }).click();
    await page.getByLabel('驗證器應用程式的 6 位數代碼').fill('654321');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: '驗證' }).click();
    await page.waitForURL(/\/firms\/0000\/dashboard$/);
    expect(state.totpCodes).toEqual(['654321']);
    expect(state.csrfSeen).toEqual(['step-2']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('TOTP enrolment shows the QR code and the key, then the recovery codes once; first-run setup is offered', async () => {
    const { page, problems } = await open('/enrol');
    await expect.poll(() => page.locator('code.secret').innerText()).toBe('JBSWY3DPEHPK3PXP');
    expect(await page.getByRole('img', { name: 'TOTP QR code' }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(
      0,
    );
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel('驗證器應用程式的 6 位數代碼').fill('111111');
    await page.getByRole('button', { name: '確認' }).click();
    await expect.poll(() => page.locator('ul.codes li').count()).toBe(10);
    expect(await axeSerious(page)).toEqual([]);
    await page.goto(`${base}/login`);
    await page.getByRole('link', { name: '首次使用？建立系統管理者' }).click();
    await page.getByLabel('設定代碼（ccheck serve 啟動時顯示一次）').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('dashboard: four ECharts canvases drawn under the CSP, overdue items and catalog change in 民國 dates', async () => {
    const { page, problems } = await open(`/firms/${firm}/dashboard`);
    await expect.poll(() => page.locator('canvas').count()).toBe(4);
    const box = await page.locator('canvas').first().boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.locator('h1').innerText()).toContain('總覽 115/11');
    await expect.poll(() => page.locator('#h-overdue + ul').innerText()).toContain('7/(1)/c/(a) 115/10 — 115/10/31');
    expect(await page.locator('.counts').innerText()).toMatch(/新增\s*12/);
    expect(problems).toEqual([]);
    expect(await axeSerious(page)).toEqual([]);
    await page.close();
  });

  it('switches to English and Gregorian dates, and keeps the choice', async () => {
    const { page } = await open(`/firms/${firm}/dashboard`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Dates').selectOption('gregorian');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Dashboard 2026-11');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Dashboard 2026-11');
    await page.getByLabel('Dates').selectOption('roc');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('總覽 115/11');
    await page.close();
  });

  it('calendar: the month grid with what is due, and the ICS feed address', async () => {
    const { page, problems } = await open(`/firms/${firm}/calendar`);
    await expect.poll(() => page.locator('table.month').innerText()).toContain('7/(1)/a/(a)');
    expect(await page.getByRole('link', { name: /calendar\.ics$/ }).getAttribute('href')).toBe(`${base}/api/firms/${firm}/calendar.ics`);
    expect(problems).toEqual([]);
    expect(await axeSerious(page)).toEqual([]);
    await page.close();
  });

  it('inspection run: evidence upload, a result, self-approval refused with its code, sign-off after the re-auth prompt', async () => {
    const { page, problems } = await open(`/firms/${firm}/runs/2026-11`);
    await page.getByRole('button', { name: /7\/\(1\)\/b\/\(h\)/ }).click();
    await page.locator('#h-item').waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // Evidence: the file and its fields (collected_at, period, item) go in one multipart request.
    await page.locator('#evidence-file').setInputFiles({ name: 'fw.cfg', mimeType: 'text/plain', buffer: Buffer.from('set firewall rule 1 deny any\n') });
    await expect.poll(() => page.locator('.run-head .notice').innerText()).toContain('已上傳：fw.cfg');
    expect(state.uploads).toHaveLength(1);
    expect(state.uploads[0]).toContain('name="item"\r\n\r\n7/(1)/b/(h)');
    expect(state.uploads[0]).toContain('set firewall rule 1 deny any');

    // A result (attestation), then approving it as the same person: refused, code and message shown.
    await page.getByLabel('說明').fill('已檢視 2026-11-20 匯出之防火牆規則');
    await page.getByRole('button', { name: '儲存結果' }).click();
    await expect.poll(() => state.results).toEqual([{ path: '7/(1)/b/(h)', status: 'pass' }]);
    await page.getByRole('button', { name: '核准' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('RESULT_SELF_APPROVAL');
    expect(await alert.innerText()).toContain('您是此結果的紀錄者，不得自行覆核');

    // Sign-off: the server wants a fresh factor; the dialog asks, and the request goes again.
    await page.getByRole('button', { name: '簽核本次檢查' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await dialog.getByLabel('驗證器代碼').fill('123456');
    await dialog.getByRole('button', { name: '驗證並繼續' }).click();
    await expect.poll(() => page.locator('.run-head').innerText()).toContain('已由 陳資安長');
    expect(state.reauthCodes).toEqual(['123456']);
    expect(await page.getByRole('link', { name: 'PDF' }).getAttribute('href')).toBe(`/api/firms/${firm}/runs/2026-11/report.pdf`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('findings board, catalog diff, profile, people and audit: content, no CSP refusal, no serious axe violation', async () => {
    const pages: [string, string][] = [
      [`/firms/${firm}/findings`, '重複發生'],
      ['/catalog', '112 年修正'],
      [`/firms/${firm}/profile`, '"licence": "0000"'],
      ['/people', '王主管'],
      ['/audit', 'result.approve'],
      [`/firms/${firm}/runs`, '115/10'],
    ];
    for (const [path, text] of pages) {
      const { page, problems } = await open(path);
      if (path.endsWith('profile')) await expect.poll(() => page.locator('textarea').inputValue(), { message: path }).toContain(text);
      else await expect.poll(() => page.locator('main').innerText(), { message: path }).toContain(text);
      expect(problems, path).toEqual([]);
      expect(await axeSerious(page), path).toEqual([]);
      await page.close();
    }
  });

  it('the catalog diff shows current and amended text side by side; audit verify reports the chain', async () => {
    const { page } = await open('/catalog');
    await page.getByRole('button', { name: '比較' }).click();
    const row = page.locator('table.diff tbody tr').first();
    await expect.poll(() => row.locator('td.before').innerText()).toContain('密碼長度至少 6 碼');
    expect(await row.locator('td.after').innerText()).toContain('密碼長度至少 8 碼');
    expect(await axeSerious(page)).toEqual([]);
    await page.goto(`${base}/audit`);
    await page.getByRole('button', { name: '驗證稽核鏈' }).click();
    await expect.poll(() => page.getByRole('status').last().innerText()).toContain('稽核鏈完整：共 2 筆事件');
    await page.close();
  });

  it('draws Traditional Chinese with a real CJK font at tablet width', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${base}/firms/${firm}/runs/2026-11`);
    await page.locator('main h1').waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'main h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts.map((f) => f.familyName).join(', ')).toMatch(/Noto Sans (CJK|TC|Hant)/);
    // Nothing wider than the tablet: no sideways scrolling.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    const shot = await page.screenshot();
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });
});
