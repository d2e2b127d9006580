import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hintFor } from '../src/cli/i18n.js';
import { errorMessage } from '../src/core/error-table.js';
import { analyzeFiles } from '../src/services/analysis-service.js';
import { assertAnalyzer } from '../src/services/analyze-run-service.js';
import { codeOfAsync, errorOf } from './helpers/errors.js';

const ROOT = path.resolve(import.meta.dirname, '..');
// A ccheck command or a flag, as only a CLI hint (src/cli/i18n.ts) may name them ("a ccheck package manifest" is a noun).
const COMMAND =
  /\bccheck (init|inspect|catalog|firm|analy[sz]e|analyzers|audit|evidence|result|finding|backup|restore|report|demo|package(?! manifest)|profile|plan|export|import|run|serve)\b/;
const FLAG = /(^|[\s(（'"`])--[a-z]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The text of every `new CoreError(…)` and `fail(…)` call (the helpers that build one), comments removed. */
function errorCalls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/new CoreError\(|\bfail\(/g)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    out.push(
      text
        .slice(m.index, i + 1)
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/[^\n]*/g, ''),
    );
  }
  return out;
}

// The API serves these messages and details too: they speak of the problem (file, row, field,
// item), and what a terminal user types next is the CLI's hint line (issue 10, item 4).
describe('error messages in the services and the core', () => {
  it('never name a CLI flag or a ccheck command', () => {
    const offenders: string[] = [];
    for (const file of [...sources(path.join(ROOT, 'src/services')), ...sources(path.join(ROOT, 'src/core'))])
      for (const call of errorCalls(readFileSync(file, 'utf8')))
        if (FLAG.test(call) || COMMAND.test(call)) offenders.push(`${path.relative(ROOT, file)}: ${call.replace(/\s+/g, ' ').slice(0, 160)}`);
    expect(offenders).toEqual([]);
  });

  it('call an unknown analyzer by its own code; the command that lists them is only the CLI hint', async () => {
    expect(errorOf(() => assertAnalyzer('no-such')).code).toBe('ANALYZER_NOT_FOUND');
    expect(await codeOfAsync(analyzeFiles('no-such', ['x.cfg'], '2026-11-27'))).toBe('ANALYZER_NOT_FOUND');
    expect(errorMessage('ANALYZER_NOT_FOUND', 'en', { id: 'no-such' })).toBe('there is no analyzer "no-such".');
    expect(hintFor('ANALYZER_NOT_FOUND', 'en')).toContain('ccheck analyzers');
  });
});
