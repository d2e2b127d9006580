import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, errorMessage, exitCodeOf, EXIT, httpStatusOf, SHELL_ERROR_CODES, type ErrorSpec } from './error-table.js';
import { CoreError, type ErrorCode } from './errors.js';

const entries = Object.entries(ERROR_TABLE) as [keyof typeof ERROR_TABLE, ErrorSpec][];
const messagesOf = (spec: ErrorSpec) => [spec, ...Object.values(spec.variants ?? {})];
// A ccheck command, as a hint would name it.
const COMMAND =
  /\bccheck (init|inspect|catalog|firm|analy[sz]e|analyzers|audit|evidence|result|finding|backup|restore|report|demo|package|profile|plan|export|import|run|serve)\b/;
const paramsOf = (template: string) => new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!.replace(/_zh$/, '')));

describe('the error table (issue 10, item 4)', () => {
  it('gives every code an exit code, an HTTP status and a message in both languages', () => {
    for (const [code, spec] of entries) {
      expect(code, code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]+$/);
      expect(Object.keys(EXIT), code).toContain(spec.exit);
      expect(spec.http, code).toBeGreaterThanOrEqual(400);
      for (const m of messagesOf(spec)) {
        expect(m.zh.trim(), code).not.toBe('');
        expect(m.en.trim(), code).not.toBe('');
        // The zh-TW text is Chinese, not English left untranslated.
        expect(m.zh, code).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('has messages that speak of the problem, never of a CLI flag or command (those are the CLI hints)', () => {
    for (const [code, spec] of entries)
      for (const m of messagesOf(spec))
        for (const text of [m.zh, m.en]) {
          expect(text, `${code}: ${text}`).not.toMatch(/(^|[\s(（])--[a-z]/);
          expect(text, `${code}: ${text}`).not.toMatch(COMMAND);
        }
  });

  it('uses the same parameters in both languages (a zh-only *_zh parameter counts as its English twin)', () => {
    for (const [code, spec] of entries)
      for (const m of messagesOf(spec)) {
        const zh = paramsOf(m.zh);
        for (const p of paramsOf(m.en)) expect(zh, `${code}: {{${p}}}`).toContain(p);
      }
  });

  it('keeps the shell-only codes in the table and out of the codes a CoreError may carry', () => {
    for (const code of SHELL_ERROR_CODES) expect(ERROR_TABLE[code].http).toBeGreaterThanOrEqual(400);
    expect(exitCodeOf('UNEXPECTED')).toBe(EXIT.unexpected);
    expect(httpStatusOf('ROUTE_NOT_FOUND')).toBe(404);
    expect(httpStatusOf('RATE_LIMITED')).toBe(429);
    expect(httpStatusOf('CSRF_INVALID')).toBe(403);
  });

  it('keeps the exit codes scripts rely on and the statuses clients rely on', () => {
    expect(exitCodeOf('CATALOG_VERSION_NOT_FOUND')).toBe(4);
    expect(exitCodeOf('INPUT_FILE_NOT_FOUND')).toBe(3); // a missing input file is bad input, not a missing record
    expect(exitCodeOf('OUTPUT_EXISTS')).toBe(5);
    expect(exitCodeOf('AUDIT_CHAIN_BROKEN')).toBe(6);
    expect(exitCodeOf('DATABASE_UNREACHABLE')).toBe(7);
    expect(httpStatusOf('AUTH_REQUIRED')).toBe(401);
    expect(httpStatusOf('FORBIDDEN')).toBe(403);
    expect(httpStatusOf('RUN_SIGNED')).toBe(409);
    expect(httpStatusOf('INPUT_TOO_LARGE')).toBe(413);
    expect(httpStatusOf('STORE_NOT_INITIALISED')).toBe(503);
  });
});

describe('errorMessage', () => {
  it('fills the parameters, joins lists and chooses the language', () => {
    expect(errorMessage('FIRM_NOT_FOUND', 'zh-TW', { ref: 'A123' })).toBe('找不到證券商「A123」。');
    expect(errorMessage('FIRM_NOT_FOUND', 'en', { ref: 'A123' })).toBe('no firm "A123".');
    expect(errorMessage('RUN_NOT_READY_FOR_SIGNOFF', 'en', { period: '2026-11', count: 2, items: ['7/(1)/a', '7/(1)/b'] })).toBe(
      '2026-11 cannot be signed off: 2 item(s) have no valid approved result: 7/(1)/a, 7/(1)/b',
    );
  });

  it("picks the variant named by the error's context, and the plain message for an unknown one", () => {
    expect(errorMessage('INPUT_UNSUPPORTED_FORMAT', 'zh-TW', { context: 'sheet', sheet: '清單' })).toBe('活頁簿中找不到工作表「清單」。');
    expect(errorMessage('INPUT_UNSUPPORTED_FORMAT', 'en', { context: 'no-such' })).toBe(ERROR_TABLE.INPUT_UNSUPPORTED_FORMAT.en);
  });

  it('leaves out a parameter the thrower did not give instead of printing {{name}}', () => {
    expect(errorMessage('RUN_NOT_FOUND', 'en')).toBe('no inspection for .');
    expect(errorMessage('RUN_NOT_FOUND', 'zh-TW', {})).not.toContain('{{');
  });

  it('renders every code a CoreError may carry (the type and the table agree)', () => {
    const code: ErrorCode = 'RESULT_NOT_FOUND';
    expect(errorMessage(new CoreError(code, 'x').code, 'zh-TW')).toBe('找不到查核結果。');
  });
});

// A compile-time check (tsc runs over the tests): an entry without a status or a message is refused.
// @ts-expect-error -- no http status and no English message
const incomplete: Record<string, ErrorSpec> = { X_MISSING: { exit: 'badInput', zh: '缺' } };
void incomplete;
