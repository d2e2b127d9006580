import { z } from 'zod';
import type { TabularData } from '../catalog/checklist/apply-checklist.js';
import { parseAnyDate, type IsoDate } from '../dates.js';
import { CoreError } from '../errors.js';

/** An analyzer's answer. `error` is never counted as pass or fail. */
export type Verdict = 'pass' | 'fail' | 'error' | 'not_applicable';
/** How serious an analyzer's finding is; a finding opened from it gets `findingSeverityOf` (core/inspection/finding.ts). */
export type AnalyzerSeverity = 'info' | 'low' | 'medium' | 'high';
/** @deprecated the inspection's FindingSeverity (low … critical) is another scale: use AnalyzerSeverity. */
export type FindingSeverity = AnalyzerSeverity;

/** Where a finding points: the file, the line or row, and the rule or record there. */
export interface FindingLocation {
  readonly file: string | null;
  readonly line: number | null;
  readonly rule: string | null;
}

/** One thing an analyzer found, named down to the row that caused it. */
export interface AnalyzerFinding extends FindingLocation {
  readonly kind: string;
  readonly severity: AnalyzerSeverity;
  /** What is wrong, and why (the clause). */
  readonly detail: string;
  readonly detailZh: string;
  /** The clause of the mechanism it breaks, e.g. 7/(1)/a/(j). */
  readonly clause: string;
  /** Whether the finding alone makes the verdict fail (warnings do not). */
  readonly failing: boolean;
  /** Other rows involved, e.g. the earlier rules that make this one unreachable. */
  readonly blocking: readonly FindingLocation[];
  /** Other items this finding also breaks (one category of factor breaks 7/(1)/c/(c) and 7/(1)/d alike). */
  readonly alsoBreaks?: readonly string[];
}

/** An evidence file, as an analyzer may read it: streamed lines, text, or a table. */
export interface EvidenceInput {
  readonly name: string;
  lines(): AsyncIterable<string>;
  text(): Promise<string>;
  table(): Promise<TabularData>;
  /**
   * Optional: the content as UTF-8 byte chunks (a Big5 file arrives transcoded), for analyzers
   * that scan gigabytes of logs without making a string per line. Chunks end anywhere, not at a
   * newline. Analyzers must fall back to `lines()` when a shell does not offer it.
   */
  bytes?(): AsyncIterable<Buffer>;
  /**
   * Optional: the content as at most `n` consecutive byte ranges, each ending just after a
   * newline (the last at the end of the file), so a large log can be scanned in parts — on
   * several threads by a shell that offers it — and the parts' results merged in order. A range
   * knows its byte offset, not its first line number: a scanner counts the newlines of its range
   * and the merge renumbers. Fewer ranges come back for a small file, one for a Big5 file (it is
   * transcoded as a whole). Analyzers must fall back to `bytes()` or `lines()` when it is absent.
   */
  ranges?(n: number): Promise<readonly EvidenceRange[]>;
}

/** One part of an evidence file (see `EvidenceInput.ranges`): UTF-8 byte chunks of [start, end). */
export interface EvidenceRange {
  readonly start: number;
  readonly end: number;
  bytes(): AsyncIterable<Buffer>;
  /**
   * Optional: runs the named range scanner over this range on another thread and resolves to its
   * result. `params` and the result are plain data (structured-clone-able); the scanner is the
   * analyzer's own module-level function, known to the shell's worker by name, so it does exactly
   * what the analyzer would do with `bytes()` here. Analyzers must fall back to `bytes()`.
   */
  scan?(scanner: string, params: unknown): Promise<unknown>;
}

/** An analyzer's options as a strict zod object: unknown keys and bad values are refused before it runs. */
export type AnalyzerOptionsSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

export interface AnalyzerContext<O = Readonly<Record<string, unknown>>> {
  readonly files: readonly EvidenceInput[];
  /** The day the check is judged on: an input, never the wall clock. */
  readonly today: IsoDate;
  /** The options, already checked against the analyzer's schema (defaults filled in). */
  readonly options: O;
}

/** Options as a person or a manifest gives them: text from the command line, text or numbers from YAML. */
export type RawAnalyzerOptions = Readonly<Record<string, string | number>>;

export interface AnalyzerOutcome {
  readonly verdict: Verdict;
  /** How many records were judged; zero means the evidence said nothing. */
  readonly scope: number;
  readonly findings: readonly AnalyzerFinding[];
  readonly summary: string;
  readonly summaryZh: string;
  /**
   * Items of this analyzer the evidence said nothing about (no video identity channel for
   * 12/(6)/a): they are left as they are instead of being recorded as passed.
   */
  readonly unjudged?: readonly string[];
}

export interface Analyzer<S extends AnalyzerOptionsSchema = AnalyzerOptionsSchema> {
  readonly id: string;
  readonly title: string;
  readonly titleZh: string;
  /** The catalog items this analyzer evidences. */
  readonly items: readonly string[];
  /** Documented input formats, shown by `ccheck analyzers`. */
  readonly inputs: readonly { readonly name: string; readonly formats: readonly string[]; readonly description: string }[];
  /**
   * Whether a file looks like this analyzer's evidence, from its name and its head (the first
   * 64 KB of text; for a workbook, the first row's cells joined by commas). `ccheck run` uses it to
   * match a folder of evidence when neither a manifest nor a folder name says which analyzer.
   */
  recognises?(file: { readonly name: string; readonly head: string }): boolean;
  /**
   * The options it takes, shown by `ccheck analyzers` and enforced before it runs: a typo such as
   * `min_prefix_v4=16x` must be an error, never a quieter verdict.
   */
  readonly options: S;
  analyze(ctx: AnalyzerContext<z.output<S>>): Promise<AnalyzerOutcome>;
}

/** Declares an analyzer with its options typed from its schema; the registry holds them untyped. */
export function defineAnalyzer<S extends AnalyzerOptionsSchema>(analyzer: Analyzer<S>): Analyzer {
  return analyzer;
}

/** One option as `ccheck analyzers` lists it, and its JSON Schema for the API and editors. */
export interface OptionDescription {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly default: unknown;
  readonly schema: unknown;
}

export function describeOptions(analyzer: Analyzer): OptionDescription[] {
  return Object.entries(analyzer.options.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    const dflt = s instanceof z.ZodDefault ? s.def.defaultValue : undefined;
    return {
      name,
      description: s.description ?? '',
      required: !s.safeParse(undefined).success,
      default: dflt ?? null,
      schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }),
    };
  });
}

/**
 * Checks raw options against an analyzer's schema. Bad input is an error with a code naming
 * the analyzer and the option, in both languages, never a default quietly used instead.
 */
export function parseAnalyzerOptions(analyzer: Analyzer, raw: RawAnalyzerOptions): Readonly<Record<string, unknown>> {
  const result = analyzer.options.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const value = issue.path.length ? raw[String(issue.path[0])] : undefined;
    const known = Object.keys(analyzer.options.shape).join(', ') || '(none)';
    const en =
      issue.code === 'unrecognized_keys'
        ? `${analyzer.id}: unknown option "${key}" (options: ${known})`
        : `${analyzer.id}: option ${key} = "${String(value)}": ${issue.message}`;
    const zh =
      issue.code === 'unrecognized_keys'
        ? `${analyzer.id}：沒有「${key}」這個選項（可用選項：${known}）`
        : `${analyzer.id}：選項 ${key} 的值「${String(value)}」不正確：${issue.message}`;
    return { location: { field: key }, en, zh };
  });
  const first = problems[0]!;
  throw new CoreError(
    'ANALYZER_OPTION_INVALID',
    problems.map((p) => p.en).join('; '),
    { analyzer: analyzer.id, option: first.location.field ?? '' },
    first.location,
    problems,
  );
}

/** Option helpers: values arrive as text (command line) or numbers (YAML); both are checked the same way. */
export const option = {
  integer: (min: number, max: number) =>
    z
      .union([
        z.number(),
        z
          .string()
          .trim()
          .regex(/^-?\d+$/, 'expected a whole number / 應為整數')
          .transform(Number),
      ])
      .pipe(z.number().int().min(min).max(max)),
  number: (min: number, max: number) =>
    z
      .union([
        z.number(),
        z
          .string()
          .trim()
          .regex(/^-?\d+(\.\d+)?$/, 'expected a number / 應為數字')
          .transform(Number),
      ])
      .pipe(z.number().min(min).max(max)),
  /** A date as ISO or 民國 (113年2月5日, 113/02/05). */
  date: () =>
    z.union([z.string(), z.number().transform(String)]).transform((v, ctx): IsoDate => {
      try {
        return parseAnyDate(v);
      } catch {
        ctx.issues.push({ code: 'custom', input: v, message: 'expected a date such as 2026-11-30 or 115年11月30日 / 應為日期' });
        return z.NEVER;
      }
    }),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  list: () =>
    z.union([z.string(), z.number().transform(String)]).transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
} as const;

export interface AnalyzerReport extends AnalyzerOutcome {
  readonly analyzer: string;
  readonly items: readonly string[];
}

/**
 * Runs an analyzer and enforces the rules every analyzer shares: its options are checked first
 * (a bad one throws ANALYZER_OPTION_INVALID), an exception while analysing is an `error`
 * (never pass or fail), an empty scope is never a pass, and the verdict agrees with the
 * findings (a failing finding cannot sit under a pass).
 */
export async function runAnalyzer(
  analyzer: Analyzer,
  input: Omit<AnalyzerContext, 'options'> & { readonly options?: RawAnalyzerOptions },
): Promise<AnalyzerReport> {
  const base = { analyzer: analyzer.id, items: analyzer.items };
  // Checked before anything runs: a bad option is the user's error, not the analyzer's verdict.
  const ctx: AnalyzerContext = { files: input.files, today: input.today, options: parseAnalyzerOptions(analyzer, input.options ?? {}) };
  let outcome: AnalyzerOutcome;
  try {
    outcome = await analyzer.analyze(ctx);
  } catch (e) {
    const where = e instanceof CoreError ? e.location : undefined;
    const message = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      verdict: 'error',
      scope: 0,
      summary: `could not analyze: ${message}`,
      summaryZh: `無法分析：${message}`,
      findings: [
        {
          kind: 'input_error',
          severity: 'high',
          file: where?.file ?? null,
          line: where?.line ?? where?.row ?? null,
          rule: where?.field ?? null,
          detail: message,
          detailZh: message,
          clause: analyzer.items[0] ?? '',
          failing: false,
          blocking: [],
        },
      ],
    };
  }
  if (outcome.verdict === 'pass' && outcome.scope === 0) {
    return { ...base, ...outcome, verdict: 'error', summary: `nothing to judge: ${outcome.summary}`, summaryZh: `無資料可判斷：${outcome.summaryZh}` };
  }
  if (outcome.verdict === 'pass' && outcome.findings.some((f) => f.failing)) {
    return { ...base, ...outcome, verdict: 'fail' };
  }
  return { ...base, ...outcome };
}

/** The verdict that follows from findings: fail if any fails, error if records could not be judged, else pass. */
export function verdictOf(findings: readonly AnalyzerFinding[], undetermined: number): Verdict {
  if (findings.some((f) => f.failing)) return 'fail';
  if (undetermined > 0) return 'error';
  return 'pass';
}
