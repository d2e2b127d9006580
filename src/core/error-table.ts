/**
 * The one error table: every error code with its CLI exit code, its HTTP status and its message
 * in zh-TW and English. The CLI and the API both render from here, so a code means the same
 * thing to a script, a browser and a person.
 *
 * Adding a code is a one-place change: add an entry below. `ErrorCode` (src/core/errors.ts) is
 * derived from this table's keys, and `satisfies` makes an entry without an exit code, a status
 * or either message a type error.
 *
 * Messages speak of the problem (the file, row, field, item), never of a CLI flag or command:
 * the API serves them too. The CLI adds its own hint line after the message (src/cli/i18n.ts,
 * `hints`). Parameters are written `{{name}}`; `variants` are chosen by the error's `context`
 * parameter (a more exact message for one kind of the problem).
 */

/** Exit codes, documented in the README: scripts can tell bad input from a missing version. */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, badInput: 3, notFound: 4, conflict: 5, corrupt: 6, environment: 7 } as const;
export type ExitKind = Exclude<keyof typeof EXIT, 'ok'>;

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

export interface ErrorMessage {
  readonly zh: string;
  readonly en: string;
}

export interface ErrorSpec extends ErrorMessage {
  readonly exit: ExitKind;
  readonly http: HttpStatus;
  readonly variants?: Readonly<Record<string, ErrorMessage>>;
}

/** Codes only a shell raises (never a CoreError): the CLI's and the API's own failures. */
export const SHELL_ERROR_CODES = ['UNEXPECTED', 'REQUEST_INVALID', 'ROUTE_NOT_FOUND', 'RATE_LIMITED'] as const;
export type ShellErrorCode = (typeof SHELL_ERROR_CODES)[number];

// Grouped by area; within an area, in the order the codes were introduced. Never rename a code.
export const ERROR_TABLE = {
  // ── input files ──
  INPUT_UNKNOWN_ENCODING: {
    exit: 'badInput',
    http: 400,
    zh: '文字編碼既非 UTF-8 也非 Big5：請另存為 UTF-8。',
    en: 'the text is neither UTF-8 nor Big5: save it as UTF-8.',
  },
  INPUT_FILE_NOT_FOUND: { exit: 'badInput', http: 400, zh: '無法讀取檔案。', en: 'the file cannot be read.' },
  INPUT_UNSUPPORTED_FORMAT: {
    exit: 'badInput',
    http: 400,
    zh: '無法讀取此檔案：格式或內容不符（原因見英文說明）。',
    en: 'this file cannot be read: its format or content does not match.',
    variants: {
      workbook: {
        zh: '無法讀取為 Excel 活頁簿（.xlsx）：檔案可能損毀、加密或不是 XLSX 格式。',
        en: 'not readable as an Excel workbook (.xlsx): the file may be damaged, encrypted or not XLSX.',
      },
      yaml: { zh: 'YAML 語法錯誤：{{detail}}', en: 'YAML syntax error: {{detail}}' },
      csv: { zh: '不是有效的 CSV 檔案。', en: 'not a valid CSV file.' },
      extension: { zh: '無法讀取此檔案格式（需要 .xlsx 或 .csv）。', en: 'this kind of file cannot be read (an .xlsx or .csv file is needed).' },
      sheet: { zh: '活頁簿中找不到工作表「{{sheet}}」。', en: 'the workbook has no sheet "{{sheet}}".' },
      content: { zh: '檔案內容不符合預期的格式。', en: 'the content does not have the expected format.' },
    },
  },
  /** A file over the size ccheck reads for its kind (a profile, a manifest, a workbook's contents). */
  INPUT_TOO_LARGE: {
    exit: 'badInput',
    http: 413,
    zh: '檔案超過 ccheck 對此類檔案的上限（{{what_zh}}，上限 {{limit}}），未讀取。',
    en: 'the file is over the limit for its kind ({{what}}, limit {{limit}}); it was not read.',
  },
  /** YAML aliases (*name) that expand far beyond the file itself (billion laughs). */
  INPUT_YAML_ALIAS_LIMIT: {
    exit: 'badInput',
    http: 400,
    zh: 'YAML 別名（*name）展開後遠大於檔案本身，不予接受；請直接寫出內容。',
    en: 'YAML aliases (*name) expand far beyond the file itself and are refused; write the values out instead.',
  },
  /** An XLSX whose archive declares sizes or compression ratios no workbook needs (a zip bomb). */
  INPUT_ARCHIVE_SUSPICIOUS: {
    exit: 'badInput',
    http: 400,
    zh: '此 XLSX 壓縮檔宣告的大小或壓縮比超過任何活頁簿所需（{{reason_zh}}），為避免耗盡記憶體，未解壓縮。',
    en: 'the XLSX archive declares sizes or compression ratios no workbook needs; it was not unpacked.',
  },
  /** NUL or other control characters in a name or text field. */
  INPUT_CONTROL_CHARACTER: {
    exit: 'badInput',
    http: 400,
    zh: '內容含有控制字元 {{char}}（例如 NUL），名稱與文字欄位不得含有控制字元。',
    en: 'the content holds the control character {{char}}; no name or text field may hold one.',
  },

  // ── amendment comparison tables ──
  AMENDMENT_NOT_A_COMPARISON_TABLE: {
    exit: 'badInput',
    http: 400,
    zh: '找不到「修正條文 / 現行條文 / 說明」三欄（以 Tab 分隔）的標題列：這不是修正對照表。',
    en: 'no header row with the three tab-separated columns 修正條文 / 現行條文 / 說明: this is not an amendment comparison table.',
  },
  AMENDMENT_TRUNCATED: { exit: 'badInput', http: 400, zh: '表格不完整，檔案似乎被截斷。', en: 'the table is incomplete: the file seems cut short.' },
  AMENDMENT_MALFORMED_MARKUP: { exit: 'badInput', http: 400, zh: '標記格式錯誤（{{what}}）。', en: 'malformed markup ({{what}}).' },
  AMENDMENT_NO_ITEMS: { exit: 'badInput', http: 400, zh: '表格中找不到任何編號項次。', en: 'the table holds no numbered item.' },
  AMENDMENT_ORPHAN_LABEL: {
    exit: 'badInput',
    http: 400,
    zh: '項次標籤「{{label}}」出現在其上層項次之前。',
    en: 'the item label "{{label}}" comes before the item it belongs to.',
  },
  AMENDMENT_DUPLICATE_PATH: { exit: 'badInput', http: 400, zh: '項次 {{path}} 重複出現。', en: 'item {{path}} appears twice.' },
  AMENDMENT_CORRECTION_STALE: {
    exit: 'badInput',
    http: 400,
    zh: '來源文字與更正檔不符（{{path}} {{field}}）。',
    en: 'the source text no longer matches the corrections file ({{path}} {{field}}).',
  },

  // ── catalog ──
  CATALOG_VERSION_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到檢查項目版本「{{ref}}」。', en: 'no catalog version "{{ref}}".' },
  CATALOG_VERSION_AMBIGUOUS: {
    exit: 'conflict',
    http: 400,
    zh: '雜湊前綴 {{ref}} 對應多個版本，請輸入更長的前綴。',
    en: 'the hash prefix {{ref}} matches several versions; give a longer prefix.',
  },
  CATALOG_VERSION_CONFLICT: {
    exit: 'conflict',
    http: 409,
    zh: '版本「{{id}}」已存在且內容不同；版本不可修改，請以其他代號匯入。',
    en: 'version "{{id}}" exists with other content; versions never change, so import it under another id.',
  },
  CATALOG_VERSION_CORRUPT: {
    exit: 'corrupt',
    http: 500,
    zh: '版本的內容（檔案或資料庫中）與其雜湊值不符：匯入後被修改過。',
    en: "the version's content does not match its hash: it was changed after it was imported.",
  },
  CATALOG_NODE_NOT_FOUND: { exit: 'notFound', http: 404, zh: '版本 {{version}} 中沒有項次 {{path}}。', en: 'version {{version}} has no item {{path}}.' },
  CATALOG_INVALID_PATH: {
    exit: 'badInput',
    http: 400,
    zh: '「{{path}}」不是項次路徑（例如 7/(1)/d/(a)）。',
    en: '"{{path}}" is not an item path (such as 7/(1)/d/(a)).',
  },
  CHECKLIST_MISSING_COLUMN: {
    exit: 'badInput',
    http: 400,
    zh: '缺少欄位「{{column}} / {{columnEn}}」。',
    en: 'the column "{{column}} / {{columnEn}}" is missing.',
  },
  CHECKLIST_INVALID_VALUE: { exit: 'badInput', http: 400, zh: '欄位值不正確（{{what}}）：「{{value}}」。', en: 'invalid value ({{what}}): "{{value}}".' },
  CHECKLIST_DUPLICATE_PATH: {
    exit: 'badInput',
    http: 400,
    zh: '項次 {{path}} 已在第 {{row}} 列出現過。',
    en: 'item {{path}} already appears in row {{row}}.',
  },
  CHECKLIST_EMPTY: { exit: 'badInput', http: 400, zh: '標題列之下沒有任何項次資料。', en: 'no item rows below the header row.' },

  // ── profile and plan ──
  DATE_INVALID: { exit: 'badInput', http: 400, zh: '日期「{{input}}」不正確。', en: 'the date "{{input}}" is not valid.' },
  PROFILE_INVALID: { exit: 'badInput', http: 400, zh: '公司基本資料有 {{count}} 個問題：', en: 'the firm profile has {{count}} problem(s):' },
  COMPLETIONS_INVALID: { exit: 'badInput', http: 400, zh: '完成紀錄檔有誤：{{what}}', en: 'the completions file is wrong: {{what}}' },
  PLAN_INVALID_RANGE: { exit: 'badInput', http: 400, zh: '期間起日晚於迄日。', en: 'the period starts after it ends.' },
  OUTPUT_EXISTS: { exit: 'conflict', http: 409, zh: '檔案已存在，未覆寫。', en: 'the file already exists; it was not replaced.' },

  // ── inspection runs, results, sign-off ──
  RESULT_INVALID: { exit: 'badInput', http: 400, zh: '查核結果不完整（{{what}}）。', en: 'the result is incomplete ({{what}}).' },
  RESULT_SELF_APPROVAL: {
    exit: 'conflict',
    http: 409,
    zh: '{{actor}} 為此結果之紀錄者，不得自行覆核或退回（覆核須由他人為之）。',
    en: '{{actor}} recorded this result and may not approve or reject it (someone else must).',
  },
  ACTOR_NAME_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '使用者名稱「{{name}}」含有看不見的格式或控制字元（{{codepoint}}），請以一般文字輸入姓名。',
    en: 'the name "{{name}}" holds an invisible formatting or control character ({{codepoint}}); write the name in plain text.',
    variants: {
      // context 'account': a local operator's name in an account's form (localOperator).
      account: {
        zh: '使用者名稱「{{name}}」為帳號之格式（… [account id]），本機操作者請以一般姓名表示。',
        en: 'the name "{{name}}" has the form of an account (… [account id]); a local operator gives a plain name.',
      },
    },
  },
  RESULT_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到查核結果。', en: 'no such result.' },
  RUN_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到 {{period}} 的查核。', en: 'no inspection for {{period}}.' },
  RUN_EXISTS: { exit: 'conflict', http: 409, zh: '{{period}} 的查核已存在。', en: 'the inspection for {{period}} already exists.' },
  RUN_ITEM_NOT_IN_RUN: {
    exit: 'badInput',
    http: 400,
    zh: '項次 {{path}} 不在本次查核範圍（查核頻率不同或不存在）。',
    en: 'item {{path}} is not part of this inspection (another frequency, or no such item).',
  },
  RUN_NOT_READY_FOR_SIGNOFF: {
    exit: 'conflict',
    http: 409,
    zh: '{{period}} 尚有 {{count}} 個項次未有有效且已覆核之結果，不得簽核：{{items}}',
    en: '{{period}} cannot be signed off: {{count}} item(s) have no valid approved result: {{items}}',
  },
  RUN_SIGNOFF_SELF: {
    exit: 'conflict',
    http: 409,
    zh: '{{actor}} 曾紀錄 {{period}} 之查核結果，不得自行簽核（簽核須由紀錄者以外之人為之）。',
    en: '{{actor}} recorded results of {{period}} and may not sign it off (someone who recorded none must).',
  },
  RUN_SIGNED: {
    exit: 'conflict',
    http: 409,
    zh: '{{period}} 已由 {{by}} 簽核完竣，依規定以唯讀方式保存，拒絕{{what}}（更正須建立新版次）。',
    en: '{{period}} was signed off by {{by}} and is kept read-only: {{what}} refused (a correction is a new revision).',
  },
  RUN_REVISED: {
    exit: 'conflict',
    http: 409,
    zh: '{{period}} 第 {{revision}} 版已有更正版（第 {{latest}} 版），更正應以最新版次為之。',
    en: '{{period}} revision {{revision}} was already corrected (revision {{latest}} is the latest): revise the latest.',
  },
  RUN_NOT_SIGNED: { exit: 'badInput', http: 409, zh: '{{period}} 尚未簽核，無法{{what}}。', en: '{{period}} is not signed off: cannot {{what}}.' },
  RETENTION_ACTIVE: {
    exit: 'conflict',
    http: 409,
    zh: '{{what}} 仍在保存期限內（至 {{until}}），不得刪除。',
    en: '{{what}} is kept until {{until}} (retention) and may not be deleted.',
  },
  FIRM_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到證券商「{{ref}}」。', en: 'no firm "{{ref}}".' },
  FIRM_EXISTS: { exit: 'conflict', http: 409, zh: '許可證字號 {{licence}} 的證券商已存在。', en: 'a firm with licence {{licence}} already exists.' },
  FINDING_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到缺失 {{id}}。', en: 'no finding {{id}}.' },
  FINDING_INVALID_TRANSITION: {
    exit: 'conflict',
    http: 409,
    zh: '缺失 {{id}} 無法由 {{from}} 變更為 {{to}}。',
    en: 'finding {{id}} cannot go from {{from}} to {{to}}.',
  },

  // ── evidence and the vault ──
  EVIDENCE_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到佐證 {{sha256}}。', en: 'no evidence {{sha256}}.' },
  EVIDENCE_MANIFEST_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '佐證清單 ccheck-evidence.yaml 有 {{count}} 個問題。',
    en: 'the evidence manifest ccheck-evidence.yaml has {{count}} problem(s).',
  },
  EVIDENCE_FOLDER_EMPTY: {
    exit: 'badInput',
    http: 400,
    zh: '佐證資料夾 {{dir}} 中沒有任何自動化檢查可讀的檔案。',
    en: 'the evidence folder {{dir}} holds no file an analyzer reads.',
  },
  VAULT_KEY_MISSING: { exit: 'environment', http: 503, zh: '找不到佐證加密金鑰。', en: 'the evidence encryption key is missing.' },
  VAULT_KEY_WRONG: {
    exit: 'environment',
    http: 503,
    zh: '佐證加密金鑰不符：此佐證以其他金鑰加密。',
    en: 'wrong evidence encryption key: this evidence was encrypted with another key.',
  },
  VAULT_CORRUPT: {
    exit: 'corrupt',
    http: 500,
    zh: '佐證檔完整性檢查失敗（可能遭竄改或損毀）。',
    en: 'an evidence file failed its integrity check (changed or damaged).',
  },

  // ── the store, backups, the audit trail, packages ──
  STORE_NOT_INITIALISED: { exit: 'environment', http: 503, zh: '資料庫尚未建立。', en: 'the database is not set up.' },
  STORE_BUSY: {
    exit: 'environment',
    http: 503,
    zh: '資料庫忙碌中（另一個 ccheck 正在寫入），請稍後再試。',
    en: 'the database is busy (another process is writing to it); try again shortly.',
  },
  /** The PostgreSQL server cannot be reached or refuses the login (not the same as an empty store). */
  DATABASE_UNREACHABLE: {
    exit: 'environment',
    http: 503,
    zh: '無法連線至資料庫伺服器 {{host}}（{{reason_zh}}）：請確認伺服器已啟動、帳號密碼正確。',
    en: 'cannot reach the database server {{host}}: check that it runs and that the account and password are right.',
  },
  BACKUP_INVALID: {
    exit: 'corrupt',
    http: 400,
    zh: '備份檔不完整或遭修改，未還原任何資料。',
    en: 'the backup is incomplete or was changed; nothing was restored.',
  },
  RESTORE_TARGET_NOT_EMPTY: {
    exit: 'conflict',
    http: 409,
    zh: '目標資料庫已有資料（{{table}}），請還原至空資料庫。',
    en: 'the target database already holds data ({{table}}); restore into an empty database.',
  },
  AUDIT_CHAIN_BROKEN: { exit: 'corrupt', http: 500, zh: '稽核軌跡已遭破壞。', en: 'the audit trail is broken.' },
  AUDIT_KEY_MISSING: {
    exit: 'environment',
    http: 503,
    zh: '找不到稽核軌跡金鑰（{{file}}）。',
    en: 'the audit trail key is missing ({{file}}).',
  },
  PACKAGE_INVALID: { exit: 'corrupt', http: 400, zh: '查核封存檔驗證失敗：{{what}}', en: 'the inspection package does not verify: {{what}}' },

  // ── OSCAL ──
  OSCAL_INVALID: { exit: 'badInput', http: 400, zh: '不是 ccheck 可讀取的 OSCAL 目錄（catalog）。', en: 'not an OSCAL catalog ccheck can read.' },
  OSCAL_NOT_A_CATALOG: {
    exit: 'badInput',
    http: 400,
    zh: '這是 OSCAL {{model}}，不是目錄（catalog）；只有目錄可匯入為檢查項目版本。',
    en: 'this is an OSCAL {{model}}, not a catalog; only a catalog becomes a catalog version.',
  },
  OSCAL_TOO_DEEP: {
    exit: 'badInput',
    http: 400,
    zh: '控制項 {{id}} 巢狀超過 4 層，ccheck 最多保留 4 層。',
    en: 'control {{id}} is nested deeper than the 4 levels ccheck keeps.',
  },
  OSCAL_DUPLICATE_PATH: { exit: 'badInput', http: 400, zh: '兩個控制項的標籤路徑相同：{{path}}。', en: 'two controls have the same label path: {{path}}.' },
  OSCAL_SCHEMA_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '不符合 NIST OSCAL JSON Schema（{{problems}} 個問題）。',
    en: "does not match NIST's OSCAL JSON Schema ({{problems}} problem(s)).",
  },

  // ── analyzers ──
  ANALYZER_NOT_FOUND: { exit: 'badInput', http: 400, zh: '沒有名為「{{id}}」的自動化檢查。', en: 'there is no analyzer "{{id}}".' },
  ANALYZER_OPTION_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '自動化檢查 {{analyzer}} 的選項「{{option}}」不正確。',
    en: 'the option "{{option}}" of the analyzer {{analyzer}} is not valid.',
  },
  /** An analyzer could not judge its evidence (verdict `error`): `ccheck analyze` exits non-zero. */
  ANALYSIS_INCONCLUSIVE: {
    exit: 'badInput',
    http: 400,
    zh: '自動化檢查 {{analyzer}} 無法判定（結果為 error），請檢查上列訊息所指的佐證檔案。',
    en: 'the analyzer {{analyzer}} could not judge its evidence (verdict error); check the evidence files named above.',
  },

  // ── people and access ──
  /** Not signed in, or the session ended (idle or absolute timeout). */
  AUTH_REQUIRED: { exit: 'badInput', http: 401, zh: '請先登入（或登入已逾時）。', en: 'sign in first (or your session ended).' },
  /** Signed in, but the role table does not allow this action for this firm. */
  FORBIDDEN: { exit: 'badInput', http: 403, zh: '您的角色不得執行此動作（{{action}}）。', en: 'your role does not allow this ({{action}}).' },
  /** Approve, sign off and people changes need a second factor checked moments ago. */
  FACTOR_NOT_FRESH: {
    exit: 'badInput',
    http: 403,
    zh: '此動作須再次驗證第二因素（{{seconds}} 秒內）。',
    en: 'confirm your second factor again to do this (within {{seconds}} seconds).',
  },

  // ── people and sign-in ──
  AUTH_INVALID_CREDENTIALS: { exit: 'badInput', http: 401, zh: '帳號或密碼錯誤。', en: 'wrong username or password.' },
  AUTH_LOCKED: {
    exit: 'conflict',
    http: 429,
    zh: '登入失敗次數過多，帳號已暫時鎖定至 {{until}}。',
    en: 'too many failed sign-ins: the account is locked until {{until}}.',
  },
  AUTH_THROTTLED: {
    exit: 'environment',
    http: 429,
    zh: '此來源位址登入失敗次數過多，請於 {{until}} 後再試。',
    en: 'too many failed sign-ins from this address: try again after {{until}}.',
  },
  AUTH_FACTOR_INVALID: { exit: 'badInput', http: 401, zh: '驗證碼或通行金鑰不正確。', en: 'that code or passkey is not valid.' },
  AUTH_ENROLMENT_REQUIRED: {
    exit: 'badInput',
    http: 403,
    zh: '請先設定第二因素（TOTP 驗證器）。',
    en: 'set up your second factor (a TOTP authenticator) first.',
  },
  PASSWORD_WEAK: {
    exit: 'badInput',
    http: 400,
    zh: '密碼強度不足（{{reason}}）：至少 {{min}} 個字元，且不得為常見密碼、帳號名稱、連續或重複字元。',
    en: 'the password is too weak ({{reason}}): at least {{min}} characters, not common, not the username, no sequence or repetition.',
  },
  USERNAME_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '帳號名稱須為 3 至 64 個英數字或「. _ - @」，並以英數字開頭。',
    en: 'a username is 3 to 64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit.',
  },
  ACCOUNT_EXISTS: { exit: 'conflict', http: 409, zh: '此帳號名稱已有人使用。', en: 'that username is taken.' },
  ACCOUNT_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到此帳號。', en: 'no such account.' },
  ACCOUNT_LAST_ADMIN: {
    exit: 'conflict',
    http: 409,
    zh: '此變更將使系統沒有任何可用的系統管理者，已拒絕。',
    en: 'refused: no enabled administrator would be left.',
  },
  SETUP_DONE: {
    exit: 'conflict',
    http: 409,
    zh: '第一位系統管理者已建立，初始設定僅能執行一次。',
    en: 'the first administrator exists already; setup runs once.',
  },
  SETUP_TOKEN_INVALID: {
    exit: 'badInput',
    http: 403,
    zh: '初始設定代碼不正確或已使用（請見啟動伺服器時印出的網址）。',
    en: 'the setup token is wrong or used (see the address printed when the server started).',
  },
  PASSKEY_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到此通行金鑰。', en: 'no such passkey.' },
  ROLE_INVALID: {
    exit: 'badInput',
    http: 400,
    zh: '沒有「{{role}}」這個角色（admin、officer、supervisor、ciso、auditor、examiner）。',
    en: 'no role "{{role}}" (admin, officer, supervisor, ciso, auditor, examiner).',
  },
  // ── the HTTP API's jobs ──
  /** A job id that does not exist, finished long ago, or belongs to someone else (never told apart). */
  JOB_NOT_FOUND: { exit: 'notFound', http: 404, zh: '找不到此工作（{{id}}）。', en: 'no such job ({{id}}).' },
  // ── shell-only codes (SHELL_ERROR_CODES) ──
  UNEXPECTED: { exit: 'unexpected', http: 500, zh: '發生未預期的錯誤：{{message}}', en: 'unexpected error: {{message}}' },
  REQUEST_INVALID: {
    exit: 'usage',
    http: 400,
    zh: '無法處理此請求。',
    en: 'the request could not be processed.',
    variants: {
      // context 'unknown_field': a body field or query parameter the route does not take (misspelt?), refused rather than dropped.
      unknown_field: { zh: '此請求不接受欄位「{{field}}」（是否拼錯？）。', en: 'this request takes no field "{{field}}" (misspelt?).' },
    },
  },
  ROUTE_NOT_FOUND: { exit: 'usage', http: 404, zh: '沒有這個路徑。', en: 'no such route.' },
  RATE_LIMITED: { exit: 'environment', http: 429, zh: '請求過於頻繁，請稍後再試。', en: 'too many requests; wait and try again.' },
  CSRF_INVALID: {
    exit: 'usage',
    http: 403,
    zh: '請求缺少有效的跨站請求偽造（CSRF）權杖，請重新整理頁面後再試。',
    en: 'the request lacks a valid CSRF token; reload the page and try again.',
  },
} as const satisfies Record<string, ErrorSpec>;

/** Every code in the table: the core's codes and the shells' own. */
export type AnyErrorCode = keyof typeof ERROR_TABLE;

export type ErrorLang = 'zh-TW' | 'en';

/**
 * A code's message in one language with its parameters filled in. Arrays are joined with ", ";
 * a parameter the thrower did not give is left out rather than printed as `{{name}}`.
 */
export function errorMessage(code: AnyErrorCode, lang: ErrorLang, params: Readonly<Record<string, unknown>> = {}): string {
  const spec: ErrorSpec = ERROR_TABLE[code];
  const context = typeof params.context === 'string' ? params.context : undefined;
  const chosen = (context !== undefined ? spec.variants?.[context] : undefined) ?? spec;
  const template = lang === 'zh-TW' ? chosen.zh : chosen.en;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    const v = params[name];
    if (Array.isArray(v)) return v.join(', ');
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  });
}

/** The process exit code of an error code (see EXIT). */
export function exitCodeOf(code: AnyErrorCode): number {
  return EXIT[ERROR_TABLE[code].exit];
}

/** The HTTP status of an error code. */
export function httpStatusOf(code: AnyErrorCode): HttpStatus {
  return ERROR_TABLE[code].http;
}
