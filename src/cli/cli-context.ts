import { isCoreError, type ErrorCode } from '../core/errors.js';
import type { Lang, Translate } from './i18n.js';

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

/** Exit codes, documented in the README: scripts can tell bad input from a missing version. */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, badInput: 3, notFound: 4, conflict: 5, corrupt: 6, environment: 7 } as const;

export function exitCodeFor(code: ErrorCode): number {
  if (code.endsWith('_NOT_FOUND') && code !== 'INPUT_FILE_NOT_FOUND') return EXIT.notFound;
  if (code === 'CATALOG_VERSION_CONFLICT' || code === 'CATALOG_VERSION_AMBIGUOUS' || code === 'OUTPUT_EXISTS') return EXIT.conflict;
  if (
    code === 'CATALOG_VERSION_CORRUPT' ||
    code === 'AUDIT_CHAIN_BROKEN' ||
    code === 'VAULT_CORRUPT' ||
    code === 'BACKUP_INVALID' ||
    code === 'PACKAGE_INVALID'
  )
    return EXIT.corrupt;
  if (
    code === 'STORE_NOT_INITIALISED' ||
    code === 'STORE_BUSY' ||
    code === 'VAULT_KEY_MISSING' ||
    code === 'VAULT_KEY_WRONG' ||
    code === 'DATABASE_UNREACHABLE' ||
    code === 'AUDIT_KEY_MISSING'
  )
    return EXIT.environment;
  if (
    code === 'RESULT_SELF_APPROVAL' ||
    code === 'RUN_EXISTS' ||
    code === 'RUN_SIGNED' ||
    code === 'RUN_SIGNOFF_SELF' ||
    code === 'RUN_NOT_READY_FOR_SIGNOFF' ||
    code === 'RETENTION_ACTIVE' ||
    code === 'FIRM_EXISTS' ||
    code === 'RESTORE_TARGET_NOT_EMPTY' ||
    code === 'FINDING_INVALID_TRANSITION' ||
    code === 'ACCOUNT_EXISTS' ||
    code === 'ACCOUNT_LAST_ADMIN' ||
    code === 'SETUP_DONE'
  )
    return EXIT.conflict;
  return EXIT.badInput;
}

/**
 * Renders an error for a person: a short line in the chosen language with the stable code and
 * where the problem is, then the other language, so an officer and an engineer read the same.
 */
export function renderError(err: unknown, ctx: Pick<CliContext, 'lang' | 't' | 'json'>, other: Translate): { text: string; exit: number } {
  if (!isCoreError(err)) {
    // Some libraries throw errors without a message: name the error's kind rather than print nothing.
    const message = (err instanceof Error ? err.message || err.name : String(err)) || 'unknown error';
    if (ctx.json) return { text: JSON.stringify({ error: { code: 'UNEXPECTED', message } }), exit: EXIT.unexpected };
    return { text: `${ctx.t('error')} [UNEXPECTED] ${ctx.t('errors.UNEXPECTED', { message })}`, exit: EXIT.unexpected };
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
  const params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  const zhLine = `錯誤 [${err.code}] ${zhWhere ? `${zhWhere}：` : ''}${zhT(`errors.${err.code}`, params)}`;
  const enLine = `Error [${err.code}] ${err.message}`;
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
        },
      }),
      exit,
    };
  }
  const head = ctx.lang === 'zh-TW' ? `${zhLine}\n${enLine}` : `${enLine}\n${zhLine}`;
  return { text: [head, ...problems.map((p) => p.text)].join('\n'), exit };
}
