import type { AnyErrorCode, ShellErrorCode } from './error-table.js';

/**
 * Where in an input a problem was found. Every user-facing error names the file, and where it
 * can, the line (text formats) or row (tables) and the field, so that a compliance officer can
 * open the file and fix it without reading code.
 */
export interface SourceLocation {
  readonly file?: string;
  readonly line?: number;
  readonly row?: number;
  readonly field?: string;
}

/**
 * Stable error codes: SCREAMING_SNAKE with an area prefix. Never rename one; add a new one. A code
 * is added in one place, the error table (./error-table.ts), which gives it its exit code, HTTP
 * status and both languages' messages; this type follows from the table's keys.
 */
export type ErrorCode = Exclude<AnyErrorCode, ShellErrorCode>;

/** One of several problems found in one input, each in both languages a person reads. */
export interface Problem {
  readonly location: SourceLocation;
  readonly en: string;
  readonly zh: string;
}

/** Parameters are plain values so that messages can be rendered in zh-TW and English later. */
export type ErrorParams = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * The one error type the core throws. The shells (CLI, API) map `code` to an exit code or an
 * HTTP status and render the message in the user's language; the core never formats for people.
 */
export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly location: SourceLocation | undefined;
  /** Every problem found, when an input is checked as a whole (a profile reports all at once). */
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, params: ErrorParams = {}, location?: SourceLocation, problems: readonly Problem[] = []) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.params = params;
    this.location = location;
    this.problems = problems;
  }
}

export function isCoreError(value: unknown): value is CoreError {
  return value instanceof CoreError;
}
