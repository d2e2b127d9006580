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

/** Stable error codes: SCREAMING_SNAKE with an area prefix. Never rename one; add a new one. */
export type ErrorCode =
  | 'INPUT_UNKNOWN_ENCODING'
  | 'INPUT_FILE_NOT_FOUND'
  | 'INPUT_UNSUPPORTED_FORMAT'
  | 'AMENDMENT_NOT_A_COMPARISON_TABLE'
  | 'AMENDMENT_TRUNCATED'
  | 'AMENDMENT_MALFORMED_MARKUP'
  | 'AMENDMENT_NO_ITEMS'
  | 'AMENDMENT_ORPHAN_LABEL'
  | 'AMENDMENT_DUPLICATE_PATH'
  | 'AMENDMENT_CORRECTION_STALE'
  | 'CATALOG_VERSION_NOT_FOUND'
  | 'CATALOG_VERSION_AMBIGUOUS'
  | 'CATALOG_VERSION_CONFLICT'
  | 'CATALOG_VERSION_CORRUPT'
  | 'CATALOG_NODE_NOT_FOUND'
  | 'CATALOG_INVALID_PATH'
  | 'CHECKLIST_MISSING_COLUMN'
  | 'CHECKLIST_INVALID_VALUE'
  | 'CHECKLIST_DUPLICATE_PATH'
  | 'CHECKLIST_EMPTY'
  | 'DATE_INVALID'
  | 'PROFILE_INVALID'
  | 'COMPLETIONS_INVALID'
  | 'PLAN_INVALID_RANGE'
  | 'OUTPUT_EXISTS'
  | 'RESULT_INVALID'
  | 'RESULT_SELF_APPROVAL'
  | 'ACTOR_NAME_INVALID'
  | 'RESULT_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'RUN_EXISTS'
  | 'RUN_ITEM_NOT_IN_RUN'
  | 'RUN_NOT_READY_FOR_SIGNOFF'
  | 'RUN_SIGNOFF_SELF'
  | 'RUN_SIGNED'
  | 'RUN_NOT_SIGNED'
  | 'RETENTION_ACTIVE'
  | 'AUDIT_KEY_MISSING'
  | 'PACKAGE_INVALID'
  | 'FIRM_NOT_FOUND'
  | 'FIRM_EXISTS'
  | 'FINDING_NOT_FOUND'
  | 'FINDING_INVALID_TRANSITION'
  | 'EVIDENCE_NOT_FOUND'
  | 'VAULT_KEY_MISSING'
  | 'VAULT_KEY_WRONG'
  | 'VAULT_CORRUPT'
  | 'STORE_NOT_INITIALISED'
  | 'STORE_BUSY'
  | 'BACKUP_INVALID'
  | 'RESTORE_TARGET_NOT_EMPTY'
  | 'AUDIT_CHAIN_BROKEN'
  | 'OSCAL_INVALID'
  | 'OSCAL_NOT_A_CATALOG'
  | 'OSCAL_TOO_DEEP'
  | 'OSCAL_DUPLICATE_PATH'
  | 'OSCAL_SCHEMA_INVALID'
  | 'EVIDENCE_MANIFEST_INVALID'
  | 'EVIDENCE_FOLDER_EMPTY'
  | 'ANALYZER_OPTION_INVALID'
  /** A file over the size ccheck reads for its kind (a profile, a manifest, a workbook's contents). */
  | 'INPUT_TOO_LARGE'
  /** YAML aliases (*name) that expand far beyond the file itself (billion laughs). */
  | 'INPUT_YAML_ALIAS_LIMIT'
  /** An XLSX whose archive declares sizes or compression ratios no workbook needs (a zip bomb). */
  | 'INPUT_ARCHIVE_SUSPICIOUS'
  /** NUL or other control characters in a name or text field. */
  | 'INPUT_CONTROL_CHARACTER'
  /** The PostgreSQL server cannot be reached or refuses the login (not the same as an empty store). */
  | 'DATABASE_UNREACHABLE'
  /** An analyzer could not judge its evidence (verdict `error`): `ccheck analyze` exits non-zero. */
  | 'ANALYSIS_INCONCLUSIVE'
  /** Not signed in, or the session ended (idle or absolute timeout). */
  | 'AUTH_REQUIRED'
  /** Signed in, but the role table does not allow this action for this firm. */
  | 'FORBIDDEN'
  /** Approve, sign off and people changes need a second factor checked moments ago. */
  | 'FACTOR_NOT_FRESH'
  /** A job id that does not exist, finished long ago, or belongs to someone else (never told apart). */
  | 'JOB_NOT_FOUND'
  /** Wrong username or password, or a disabled account: one answer, so usernames cannot be probed. */
  | 'AUTH_INVALID_CREDENTIALS'
  /** Too many failed sign-ins for this username: locked until the time in the message. */
  | 'AUTH_LOCKED'
  /** Too many failed sign-ins from this address (a sliding window): wait until the time in the message. */
  | 'AUTH_THROTTLED'
  /** A TOTP, recovery code or passkey that does not check out. */
  | 'AUTH_FACTOR_INVALID'
  /** The account has no second factor yet: enrol TOTP before anything else. */
  | 'AUTH_ENROLMENT_REQUIRED'
  /** A password that a guessing tool would try early (too short, common, the username …). */
  | 'PASSWORD_WEAK'
  | 'USERNAME_INVALID'
  | 'ACCOUNT_EXISTS'
  | 'ACCOUNT_NOT_FOUND'
  /** The change would leave no enabled administrator. */
  | 'ACCOUNT_LAST_ADMIN'
  /** The first administrator exists already: setup runs once. */
  | 'SETUP_DONE'
  /** The one-time setup token is missing, wrong or used. */
  | 'SETUP_TOKEN_INVALID'
  /** A changing request without the CSRF token of this browser (header x-csrf-token). */
  | 'CSRF_INVALID'
  | 'PASSKEY_NOT_FOUND'
  | 'ROLE_INVALID';

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
