import os from 'node:os';
import { errorMessage, exitCodeOf, EXIT } from '../core/error-table.js';
import { localOperator, type Actor } from '../core/people/actor.js';
import { isCoreError, type ErrorCode } from '../core/errors.js';
import { hintFor, type Lang, type Translate } from './i18n.js';

/** What a command may touch: streams and environment are passed in, so tests run the CLI in-process. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Answers for commands that ask (profile init --ask); the process's stdin when absent. */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface CliContext {
  readonly io: CliIo;
  readonly lang: Lang;
  readonly t: Translate;
  readonly json: boolean;
  readonly home: string;
  readonly width: number;
  print(line?: string): void;
  printJson(value: unknown): void;
}

// Exit codes live in the one error table (src/core/error-table.ts), beside HTTP statuses and messages.
export { EXIT };

/** The process exit code of an error code, from the error table. */
export const exitCodeFor: (code: ErrorCode) => number = exitCodeOf;

/**
 * Renders an error for a person: a short line in the chosen language with the stable code and
 * where the problem is, then the other language, so an officer and an engineer read the same.
 */
export function renderError(err: unknown, ctx: Pick<CliContext, 'lang' | 't' | 'json'>, other: Translate): { text: string; exit: number } {
  if (!isCoreError(err)) {
    // Some libraries throw errors without a message: name the error's kind rather than print nothing.
    const message = (err instanceof Error ? err.message || err.name : String(err)) || 'unknown error';
    if (ctx.json) return { text: JSON.stringify({ error: { code: 'UNEXPECTED', message } }), exit: EXIT.unexpected };
    return { text: `${ctx.t('error')} [UNEXPECTED] ${errorMessage('UNEXPECTED', ctx.lang, { message })}`, exit: EXIT.unexpected };
  }
  const exit = exitCodeFor(err.code);
  const loc = err.location;
  const zhT = ctx.lang === 'zh-TW' ? ctx.t : other;
  const zhWhere = loc
    ? [
        loc.file && zhT('loc.file', { file: loc.file }),
        loc.line && zhT('loc.line', { line: loc.line }),
        loc.row && zhT('loc.row', { row: loc.row }),
        loc.field && zhT('loc.field', { field: loc.field }),
      ]
        .filter(Boolean)
        .join('，')
    : '';
  const zhLine = `錯誤 [${err.code}] ${zhWhere ? `${zhWhere}：` : ''}${errorMessage(err.code, 'zh-TW', err.params)}`;
  // The English line is the thrower's own message: it names the file, line and value exactly.
  const enLine = `Error [${err.code}] ${err.message || errorMessage(err.code, 'en', err.params)}`;
  // What to do next, in CLI terms (a flag, a command): the table's messages never name one.
  const hint = hintFor(err.code, ctx.lang);
  const problems = err.problems.map((p) => {
    const where = [p.location.line && `line ${p.location.line}`, p.location.field].filter(Boolean).join(', ');
    const zhWhereP = [p.location.line && `第 ${p.location.line} 行`, p.location.field && `欄位 ${p.location.field}`].filter(Boolean).join('，');
    return { ...p, text: ctx.lang === 'zh-TW' ? `  - ${zhWhereP}：${p.zh}\n    ${where}: ${p.en}` : `  - ${where}: ${p.en}\n    ${zhWhereP}：${p.zh}` };
  });
  if (ctx.json) {
    return {
      text: JSON.stringify({
        error: {
          code: err.code,
          message: err.message,
          message_zh: zhLine,
          location: loc ?? null,
          problems: problems.map(({ location, en, zh }) => ({ location, en, zh })),
          ...(hint ? { hint } : {}),
        },
      }),
      exit,
    };
  }
  const head = ctx.lang === 'zh-TW' ? `${zhLine}\n${enLine}` : `${enLine}\n${zhLine}`;
  return { text: [head, ...problems.map((p) => p.text), ...(hint ? [hint] : [])].join('\n'), exit };
}

/**
 * Who is acting: --as, else CCHECK_USER, else the login name, as a local operator (never in an
 * account's form: ACTOR_NAME_INVALID). Recorded in every audit event.
 */
export function operatorOf(ctx: Pick<CliContext, 'io'>, as?: string): Actor {
  return localOperator(as?.trim() || ctx.io.env.CCHECK_USER?.trim() || os.userInfo().username);
}

/** The acting local operator's name, as the audit trail records it. */
export function actorOf(ctx: Pick<CliContext, 'io'>, as?: string): string {
  return operatorOf(ctx, as).name;
}
