import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { CoreError } from '../core/errors.js';
import { CONTROL_CHARACTERS, codePointOf } from '../core/control-characters.js';

/**
 * Limits for every YAML file ccheck reads (profiles, `ccheck-evidence.yaml`, curated data,
 * endoflife.date front matter). A YAML file is small text written by a person; anything beyond
 * these is either a mistake or an attack, and is refused before it costs memory or time.
 */
export const YAML_LIMITS = {
  /** yaml's own guard against exponential alias expansion (billion laughs). */
  maxAliasCount: 100,
  /** Flow collections (`[`, `{`) nested deeper than this: the parser's cost explodes (1,000 levels abort Node). */
  maxFlowDepth: 64,
  /** Block nesting: indentation plus compact `- ` indicators, in columns. */
  maxIndent: 256,
} as const;

function tooLarge(file: string, what: string, whatZh: string, limit: number): CoreError {
  return new CoreError('INPUT_TOO_LARGE', `${file}: ${what} (limit ${limit})`, { limit, what, what_zh: whatZh }, { file });
}

/** Refuses nesting the YAML parser cannot afford, by a cheap scan before parsing. */
function checkNesting(text: string, file: string): void {
  let depth = 0;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      // Leading spaces and compact sequence indicators ("- - - x") both nest blocks.
      if (c === 0x20 || (c === 0x2d && text.charCodeAt(i + 1) === 0x20)) {
        indent += c === 0x20 ? 1 : 2;
        if (c === 0x2d) i++;
        if (indent > YAML_LIMITS.maxIndent)
          throw new CoreError(
            'INPUT_TOO_LARGE',
            `${file}: line ${line}: nesting deeper than ${YAML_LIMITS.maxIndent} columns`,
            { limit: YAML_LIMITS.maxIndent, what: 'nesting depth', what_zh: '巢狀層數' },
            { file, line },
          );
        continue;
      }
      lineStart = false;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++depth > YAML_LIMITS.maxFlowDepth)
        throw new CoreError(
          'INPUT_TOO_LARGE',
          `${file}: line ${line}: [ ] or { } nested deeper than ${YAML_LIMITS.maxFlowDepth} levels`,
          { limit: YAML_LIMITS.maxFlowDepth, what: 'nesting depth', what_zh: '巢狀層數' },
          { file, line },
        );
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

/**
 * Parses YAML text read from `file` with ccheck's limits: at most `maxChars` characters and
 * bounded nesting. Syntax problems stay in `doc.errors` (with positions) for the caller to report.
 */
export function parseYamlText(text: string, file: string, maxChars: number): { doc: Document; counter: LineCounter } {
  if (text.length > maxChars) throw tooLarge(file, `${text.length} characters of YAML`, `YAML 共 ${text.length} 字元`, maxChars);
  checkNesting(text, file);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  return { doc, counter };
}

/**
 * The document as plain data. Aliases (`*name`) are shared references in memory, but whoever
 * stores or prints the value copies them: a 1 MB file with 99 aliases is a 99 MB database row.
 * So the expanded size is measured (with a budget, so a billion-laughs file stops early) and
 * refused beyond twice the text plus a little.
 */
export function yamlToData(doc: Document, file: string, textLength: number, counter?: LineCounter): unknown {
  // A NUL written as "\0" in a firm name or a justification would be stored and printed as is.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && CONTROL_CHARACTERS.test(node.value)) {
        const line = counter && node.range ? counter.linePos(node.range[0]).line : undefined;
        const cp = codePointOf(node.value);
        throw new CoreError(
          'INPUT_CONTROL_CHARACTER',
          `${file}${line ? `: line ${line}` : ''}: the value contains the control character ${cp}, which no name or text may hold`,
          { char: cp },
          { file, line },
        );
      }
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (e) {
    // yaml throws ReferenceError for excessive or unresolved aliases.
    const message = e instanceof Error ? e.message : String(e);
    throw new CoreError('INPUT_YAML_ALIAS_LIMIT', `${file}: YAML aliases refused (${message})`, { detail: message }, { file });
  }
  const budget = 2 * textLength + 4096;
  let used = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    used += typeof v === 'string' ? v.length + 1 : 1;
    if (used > budget)
      throw new CoreError(
        'INPUT_YAML_ALIAS_LIMIT',
        `${file}: YAML aliases (*name) expand the file beyond twice its size; write the values out instead`,
        { detail: `expanded size over ${budget}` },
        { file },
      );
    if (Array.isArray(v)) for (const x of v as unknown[]) stack.push(x);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object' && !(v instanceof Date)) for (const [k, x] of Object.entries(v)) stack.push(k, x);
  }
  return value;
}

/** Parses and converts in one step, turning syntax errors into INPUT_UNSUPPORTED_FORMAT with the line. */
export function readYamlData(text: string, file: string, maxChars: number): unknown {
  const { doc, counter } = parseYamlText(text, file, maxChars);
  const first = doc.errors[0];
  if (first) {
    const line = counter.linePos(first.pos[0]).line;
    const message = first.message.split('\n')[0] ?? '';
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: line ${line}: YAML syntax: ${message}`, { context: 'yaml', detail: message }, { file, line });
  }
  return yamlToData(doc, file, text.length, counter);
}
