import { safeMessage } from './presenters/safe-message.js';
import { errorMessage, httpStatusOf, type AnyErrorCode, type ErrorLang } from '../core/error-table.js';
import type { CoreError, SourceLocation } from '../core/errors.js';

export { httpStatusOf };

/** The one error body every client sees: a stable code and a short message, never a stack, SQL or a path (9/(12)). */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly problems?: readonly { field: string | null; line?: number; en: string; zh: string }[];
}

/**
 * The language of a request's messages: zh-TW first; English when the client prefers it
 * (`Accept-Language: en`, `en-US,en;q=0.9`, or English weighted above Chinese).
 */
export function errorLangOf(acceptLanguage: string | string[] | undefined): ErrorLang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^\s*q=([\d.]+)\s*$/.exec(r)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.q > 0 && (l.tag.startsWith('en') || l.tag.startsWith('zh')))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.tag.startsWith('en') ? 'en' : 'zh-TW';
}

/** The body of an error code from the error table, in the request's language. */
export function apiErrorBody(code: AnyErrorCode, lang: ErrorLang, params: Readonly<Record<string, unknown>> = {}): ApiErrorBody {
  return { code, message: stripPaths(errorMessage(code, lang, params)) };
}

/** A field the request may not carry, by name (REQUEST_INVALID's `unknown_field` message; `location.field`). */
export function unknownFieldBody(field: string, lang: ErrorLang): ApiErrorBody {
  return { ...apiErrorBody('REQUEST_INVALID', lang, { context: 'unknown_field', field }), location: { field } };
}

/** Thrown by a handler that reads its body itself (no body schema): the error handler answers unknownFieldBody. */
export class UnknownFieldError extends Error {
  constructor(readonly field: string) {
    super(`unknown field ${field}`);
  }
}

/** A CoreError's body: the table's message in the request's language and where in the user's file. */
export function coreErrorBody(error: CoreError, lang: ErrorLang): ApiErrorBody {
  // Locations name the user's own file (an upload's name, a row, a field), never a server path.
  const loc = error.location;
  const location = loc
    ? {
        ...(loc.file ? { file: loc.file.split(/[\\/]/).pop() } : {}),
        ...(loc.line ? { line: loc.line } : {}),
        ...(loc.row ? { row: loc.row } : {}),
        ...(loc.field ? { field: loc.field } : {}),
      }
    : undefined;
  // Every problem of an input checked as a whole (a profile), with its field, never a file path.
  const problems = error.problems.map((p) => ({
    field: p.location.field ?? null,
    ...(p.location.line ? { line: p.location.line } : {}),
    en: safeMessage(p.en),
    zh: safeMessage(p.zh),
  }));
  return { ...apiErrorBody(error.code, lang, error.params), ...(location ? { location } : {}), ...(problems.length ? { problems } : {}) };
}

/** A parameter may hold a local path (a folder, a file): the API never shows one (item paths such as 7/(1)/d stay). */
const stripPaths = safeMessage;
