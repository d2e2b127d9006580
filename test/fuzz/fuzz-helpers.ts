import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { CoreError } from '../../src/core/errors.js';

/**
 * The fuzzing suite's shared parts. Every parser and reader gets at least FUZZ_RUNS generated
 * inputs per `npm test`: real-shaped seeds from test/fixtures/fuzz (and the repository's own
 * templates) mutated line- and token-wise, plus token soup and raw strings. The property is the
 * same everywhere: a result, or a CoreError with a stable code and a message that names the
 * input — never a raw exception (which the CLI shows as UNEXPECTED), never a hang.
 *
 * Runs are deterministic by default (a fixed seed), so CI fails only when code changes; set
 * CCHECK_FUZZ_SEED=random (or a number) and CCHECK_FUZZ_RUNS to explore further. fast-check
 * prints the seed and the shrunk input of any failure.
 */
export const FUZZ_RUNS = Number(process.env.CCHECK_FUZZ_RUNS ?? 10_000);
const seedEnv = process.env.CCHECK_FUZZ_SEED;
export const FUZZ_PARAMS: { readonly numRuns: number; readonly seed?: number } = {
  numRuns: FUZZ_RUNS,
  // fast-check shrinks any failure to its smallest input and prints it with the seed and path.
  ...(seedEnv === 'random' ? {} : { seed: seedEnv ? Number(seedEnv) : 20261130 }),
};
/** Vitest's per-test limit for one fuzzed parser: 10,000 small inputs take seconds, not minutes. */
export const FUZZ_TIMEOUT = 120_000;

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fuzz');
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
export const repoFile = (...parts: string[]) => readFileSync(path.join(ROOT, ...parts), 'utf8');

/**
 * A YAML seed without its comment lines and cut to `maxLines`: a smaller seed parses faster, so
 * the same time buys more inputs; comments only exercise the scanner, which the soup covers.
 */
export const compactYaml = (text: string, maxLines = 60) =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l) && l.trim() !== '')
    .map((l) => l.replace(/\s+#\s.*$/, ''))
    .slice(0, maxLines)
    .join('\n');

/** Tokens that break parsers: numbers at the edges, bad addresses, quoting, control and bidi characters. */
export const HOSTILE_TOKENS = [
  '',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '"',
  "'",
  '\\',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '&',
  '&amp;',
  '&#0;',
  '#',
  '!',
  '-',
  '--',
  '/',
  ':',
  ';',
  ',',
  '*',
  '**',
  '|',
  '%',
  '0',
  '-1',
  '1.5',
  '65535',
  '65536',
  '4294967295',
  '4294967296',
  '99999999999999999999999',
  '1e309',
  'NaN',
  'null',
  '~',
  'true',
  '0.0.0.0/0',
  '255.255.255.255',
  '256.1.1.1',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '1.2.3',
  '::',
  '::/0',
  '::ffff:1.2.3.4',
  'ffff::/129',
  '2001:db8:::1',
  '1-0',
  '9-3',
  '65535-0',
  '0-65535',
  'any',
  'all',
  '\u0000',
  '\u0007',
  '\u202e',
  '\ufeff',
  '\ud800',
  '中文',
  '（一）',
  '略',
  '&a',
  '*a',
  '<<',
  '---',
  '...',
  '%YAML 1.2',
  '!!binary',
  '? ',
  '- ',
];

/** An edit of a seed: each keeps the input small (at most a few kilobytes). */
type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dropLine'; line: number }
  | { kind: 'dupLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'repeat'; at: number; len: number; times: number }
  | { kind: 'flip'; at: number; char: string };

const editArb = (tokens: readonly string[]): fc.Arbitrary<Edit> => {
  const token = fc.oneof(fc.constantFrom(...tokens), fc.constantFrom(...HOSTILE_TOKENS), fc.string({ maxLength: 8 }));
  const pos = fc.nat({ max: 1_000_000 });
  return fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: pos, text: token }),
    fc.record({ kind: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('dropLine' as const), line: pos }),
    fc.record({ kind: fc.constant('dupLine' as const), line: pos }),
    fc.record({ kind: fc.constant('swapLines' as const), a: pos, b: pos }),
    fc.record({ kind: fc.constant('truncate' as const), at: pos }),
    fc.record({ kind: fc.constant('repeat' as const), at: pos, len: fc.integer({ min: 1, max: 30 }), times: fc.integer({ min: 2, max: 40 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: pos, char: fc.oneof(fc.constantFrom(...HOSTILE_TOKENS), fc.string({ minLength: 1, maxLength: 1 })) }),
  );
};

function applyEdit(text: string, e: Edit): string {
  const at = (n: number) => (text.length ? n % (text.length + 1) : 0);
  const lines = () => text.split('\n');
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at(e.at)) + e.text + text.slice(at(e.at));
    case 'delete':
      return text.slice(0, at(e.at)) + text.slice(at(e.at) + e.len);
    case 'truncate':
      return text.slice(0, at(e.at));
    case 'flip':
      return text.slice(0, at(e.at)) + e.char + text.slice(at(e.at) + 1);
    case 'repeat': {
      const piece = text.slice(at(e.at), at(e.at) + e.len);
      return text.slice(0, at(e.at)) + piece.repeat(e.times) + text.slice(at(e.at));
    }
    case 'dropLine': {
      const l = lines();
      l.splice(e.line % l.length, 1);
      return l.join('\n');
    }
    case 'dupLine': {
      const l = lines();
      const i = e.line % l.length;
      l.splice(i, 0, l[i]!);
      return l.join('\n');
    }
    case 'swapLines': {
      const l = lines();
      const a = e.a % l.length;
      const b = e.b % l.length;
      [l[a], l[b]] = [l[b]!, l[a]!];
      return l.join('\n');
    }
  }
}

/**
 * Inputs for one parser: mostly mutated seeds (so that the parser gets deep before it stumbles),
 * some lines of token soup, some raw strings.
 */
export function textInputs(seeds: readonly string[], tokens: readonly string[] = []): fc.Arbitrary<string> {
  const all = [...tokens, ...HOSTILE_TOKENS];
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(editArb(all), { minLength: 1, maxLength: 8 }))
    .map(([seed, edits]) => edits.reduce(applyEdit, seed));
  const soup = fc.array(fc.array(fc.constantFrom(...all), { maxLength: 12 }), { maxLength: 30 }).map((lines) => lines.map((l) => l.join(' ')).join('\n'));
  const spliced = fc
    .tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds), fc.nat(), fc.nat())
    .map(([a, b, i, j]) => a.slice(0, i % (a.length + 1)) + b.slice(j % (b.length + 1)));
  return fc.oneof(
    { weight: 14, arbitrary: mutated },
    { weight: 3, arbitrary: soup },
    { weight: 2, arbitrary: spliced },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  );
}

/** Counts what happened, so a test can also show that the seeds reach deep (not only errors). */
export interface Tally {
  ok: number;
  codes: Map<string, number>;
}
export const newTally = (): Tally => ({ ok: 0, codes: new Map() });

/**
 * The property: `fn` returns, or throws a CoreError whose message is not empty. Anything else is
 * rethrown for fast-check to shrink and report.
 */
export async function expectClearOutcomeAsync(tally: Tally, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    tally.ok++;
  } catch (e) {
    recordError(tally, e);
  }
}

function recordError(tally: Tally, e: unknown): void {
  if (!(e instanceof CoreError)) throw e;
  if (!e.message.trim()) throw new Error(`CoreError ${e.code} without a message`);
  tally.codes.set(e.code, (tally.codes.get(e.code) ?? 0) + 1);
}

/** What a run found, for the message of a failed expectation. */
export const showTally = (tally: Tally) => `ok ${tally.ok}, errors ${JSON.stringify(Object.fromEntries(tally.codes))}`;

/**
 * Between inputs, a turn of the event loop every this many: Vitest's worker reads the answers to
 * its calls to the main process only then, and gives up on one after 60 s. A fuzzed file of
 * synchronous parsers otherwise ran for minutes without a turn on a busy machine, and the run
 * failed with "Timeout calling onTaskUpdate" though every test passed.
 */
const TURN_EVERY = 100;

/** Runs `fn` on every generated input under the property above; returns what happened. */
export function fuzz<T>(
  inputs: fc.Arbitrary<T>,
  fn: (input: T) => unknown,
  params: { readonly numRuns: number; readonly seed?: number } = FUZZ_PARAMS,
): Promise<Tally> {
  return fuzzAsync(inputs, (input) => Promise.resolve().then(() => fn(input)), params);
}

/** The same for readers that return a promise. */
export async function fuzzAsync<T>(
  inputs: fc.Arbitrary<T>,
  fn: (input: T) => Promise<unknown>,
  params: { readonly numRuns: number; readonly seed?: number } = FUZZ_PARAMS,
): Promise<Tally> {
  const tally = newTally();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      if (++runs % TURN_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      await expectClearOutcomeAsync(tally, () => fn(input));
    }),
    params,
  );
  return tally;
}

/** An async iterable of the text's lines, as evidence streams them to the parsers. */
export function linesOf(text: string): AsyncIterable<string> {
  const lines = text.split(/\r?\n/);
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return { next: () => Promise.resolve(i < lines.length ? { value: lines[i++]!, done: false } : { value: undefined, done: true }) };
    },
  };
}
