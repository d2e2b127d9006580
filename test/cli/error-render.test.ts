import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { renderError } from '../../src/cli/cli-context.js';
import { createTranslator } from '../../src/cli/i18n.js';

const zh = createTranslator('zh-TW');
const en = createTranslator('en');

describe('the CLI renders errors from the one error table (issue 10, item 4)', () => {
  it('prints the table message, then the CLI hint that names the flag, in zh-TW', () => {
    const err = new CoreError('OUTPUT_EXISTS', 'report.html already exists', { file: 'report.html' }, { file: 'report.html' });
    const { text, exit } = renderError(err, { lang: 'zh-TW', t: zh, json: false }, en);
    const lines = text.split('\n');
    expect(exit).toBe(5);
    expect(lines[0]).toBe('錯誤 [OUTPUT_EXISTS] 檔案 report.html：檔案已存在，未覆寫。');
    expect(lines[1]).toBe('Error [OUTPUT_EXISTS] report.html already exists');
    expect(lines.at(-1)).toMatch(/^提示：.*--force/);
  });

  it('gives the hint in English when English is chosen, and in --json as its own field', () => {
    const err = new CoreError('RUN_NOT_FOUND', 'no inspection for 2026-11', { period: '2026-11' });
    const text = renderError(err, { lang: 'en', t: en, json: false }, zh).text;
    expect(text).toContain('錯誤 [RUN_NOT_FOUND] 找不到 2026-11 的查核。');
    expect(text.split('\n').at(-1)).toBe('Hint: start one first: ccheck inspect start');
    const json = JSON.parse(renderError(err, { lang: 'zh-TW', t: zh, json: true }, en).text) as { error: { hint: string; message_zh: string } };
    expect(json.error.hint).toBe('提示：請先執行 ccheck inspect start。');
    expect(json.error.message_zh).not.toContain('ccheck');
  });

  it('tells what to do when another revision came first (RUN_REVISED), in both languages', () => {
    const err = new CoreError('RUN_REVISED', '2026-11 revision 1 was already revised', { period: '2026-11', revision: 1, latest: 2 });
    const zhText = renderError(err, { lang: 'zh-TW', t: zh, json: false }, en).text;
    expect(zhText.split('\n')[0]).toBe('錯誤 [RUN_REVISED] 2026-11 第 1 版已有更正版（第 2 版），更正應以最新版次為之。');
    expect(zhText.split('\n').at(-1)).toBe('提示：另一更正版已先建立：請以 ccheck inspect show 檢視最新版次，並就該版更正。');
    expect(renderError(err, { lang: 'en', t: en, json: false }, zh).text.split('\n').at(-1)).toBe(
      'Hint: another revision came first: see the latest with ccheck inspect show, and correct that one.',
    );
  });

  it('prints no hint where the message says all', () => {
    const err = new CoreError('PLAN_INVALID_RANGE', 'from is after to');
    expect(renderError(err, { lang: 'zh-TW', t: zh, json: false }, en).text).toBe(
      '錯誤 [PLAN_INVALID_RANGE] 期間起日晚於迄日。\nError [PLAN_INVALID_RANGE] from is after to',
    );
  });
});
