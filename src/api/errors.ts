import type { ErrorCode } from '../core/errors.js';

/**
 * The HTTP status of each error code. Provisional: the error-table work (issue 10, item 4) replaces
 * this with one typed table beside the CLI's exit codes and both languages' messages.
 */
export function httpStatusOf(code: ErrorCode | 'UNEXPECTED' | 'REQUEST_INVALID' | 'ROUTE_NOT_FOUND' | 'RATE_LIMITED'): number {
  if (code === 'AUTH_REQUIRED' || code === 'AUTH_INVALID_CREDENTIALS' || code === 'AUTH_FACTOR_INVALID') return 401;
  if (code === 'FORBIDDEN' || code === 'FACTOR_NOT_FRESH' || code === 'CSRF_INVALID' || code === 'SETUP_TOKEN_INVALID' || code === 'AUTH_ENROLMENT_REQUIRED')
    return 403;
  if (code === 'RATE_LIMITED' || code === 'AUTH_LOCKED' || code === 'AUTH_THROTTLED') return 429;
  if (code === 'UNEXPECTED') return 500;
  if (code === 'INPUT_TOO_LARGE') return 413;
  if (code.endsWith('_NOT_FOUND') && code !== 'INPUT_FILE_NOT_FOUND') return 404;
  if (
    code === 'STORE_NOT_INITIALISED' ||
    code === 'STORE_BUSY' ||
    code === 'VAULT_KEY_MISSING' ||
    code === 'VAULT_KEY_WRONG' ||
    code === 'DATABASE_UNREACHABLE' ||
    code === 'AUDIT_KEY_MISSING'
  )
    return 503;
  if (
    code.endsWith('_EXISTS') ||
    code.endsWith('_CONFLICT') ||
    code === 'RESULT_SELF_APPROVAL' ||
    code === 'RUN_SIGNED' ||
    code === 'RUN_SIGNOFF_SELF' ||
    code === 'RUN_NOT_READY_FOR_SIGNOFF' ||
    code === 'RUN_NOT_SIGNED' ||
    code === 'RETENTION_ACTIVE' ||
    code === 'FINDING_INVALID_TRANSITION' ||
    code === 'RESTORE_TARGET_NOT_EMPTY' ||
    code === 'SETUP_DONE' ||
    code === 'ACCOUNT_LAST_ADMIN'
  )
    return 409;
  if (code === 'AUDIT_CHAIN_BROKEN' || code === 'VAULT_CORRUPT' || code === 'CATALOG_VERSION_CORRUPT') return 500;
  return 400;
}
