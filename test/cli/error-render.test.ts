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

  it('prints no hint where the message says all', () => {
    const err = new CoreError('PLAN_INVALID_RANGE', 'from is after to');
    expect(renderError(err, { lang: 'zh-TW', t: zh, json: false }, en).text).toBe(
      '錯誤 [PLAN_INVALID_RANGE] 期間起日晚於迄日。\nError [PLAN_INVALID_RANGE] from is after to',
    );
  });
});
