import i18next, { type TFunction } from 'i18next';
import type { ErrorCode } from '../core/errors.js';

export type Lang = 'zh-TW' | 'en';

/** zh-TW first: English only when the environment or `--lang` asks for it. */
export function detectLang(env: NodeJS.ProcessEnv): Lang {
  const v = env.CCHECK_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || '';
  return /^en/i.test(v) ? 'en' : 'zh-TW';
}

export function parseLang(value: string): Lang {
  if (/^zh/i.test(value)) return 'zh-TW';
  if (/^en/i.test(value)) return 'en';
  throw new Error(`unknown language "${value}" (zh-TW or en)`);
}

const zh = {
  error: '錯誤',
  loc: { file: '檔案 {{file}}', line: '第 {{line}} 行', row: '第 {{row}} 列', field: '欄位「{{field}}」' },
  kind: { added: '新增', modified: '修正', renumbered: '項次調整', renumbered_and_modified: '項次調整及修正', removed: '刪除' },
  appliesTo: { internet_order_brokers: '網路下單', all_brokers: '所有證券商', colocation_users: '主機共置' },
  frequency: { monthly: '每月', semiannual: '半年', annual: '年度' },
  strength: { shall: '應', should: '宜', mixed: '應/宜' },
  status: { text: '', elided: '略' },
  col: {
    id: '版本',
    effective: '生效日',
    hash: '雜湊',
    nodes: '項次數',
    source: '來源',
    path: '項次',
    code: '代碼',
    frequency: '頻率',
    applies: '適用',
    strength: '應/宜',
    content: '內容',
    kind: '異動',
    oldPath: '原項次',
    old: '現行條文',
    new: '修正條文',
  },
  show: {
    title: '標題',
    text: '條文',
    textEn: '英文',
    rationale: '說明',
    guideline: '參考規範',
    reason: '適用理由',
    tier: '依資安分級',
    amended: '修正文字',
    unresolved: '（無法自原表確定，候選：{{candidates}}）',
    effective: '項次生效日',
    allBrokers: '另適用於所有證券商之項目',
    truncated: '原表於 {{path}} 之後以「以下略」省略。',
    basis: '依據',
  },
  diff: { summary: '{{from}} → {{to}}：共 {{n}} 項異動（{{counts}}）' },
  import: {
    wrote: '已寫入版本 {{id}}（{{hash}}，{{n}} 個項次）',
    unchanged: '版本 {{id}} 已存在且內容相同，未變更',
    dryRun: '試算模式：未寫入任何資料',
    corrections: '套用原表更正 {{n}} 項（刪除線在文字檔中遺失）',
    unresolved: '{{n}} 個項次的「說明」無法自原表確定對應，已記錄候選說明',
    changes: '兩版本間共 {{n}} 項異動：ccheck catalog diff {{from}} {{to}}',
    filled: '以公司檢查表補齊 {{n}} 個原表省略（略）的項次',
    added: '新增 {{n}} 個項次',
    conflict: '第 {{row}} 列 {{path}} {{field}} 與法規原文不同，保留原文',
  },
  template: { wrote: '已寫出檢查表範本 {{file}}（{{n}} 列）' },
  date: { iso: '西元', roc: '民國' },
};

const en: typeof zh = {
  error: 'Error',
  loc: { file: 'file {{file}}', line: 'line {{line}}', row: 'row {{row}}', field: 'field "{{field}}"' },
  kind: { added: 'added', modified: 'modified', renumbered: 'renumbered', renumbered_and_modified: 'renumbered+modified', removed: 'removed' },
  appliesTo: { internet_order_brokers: 'internet-order', all_brokers: 'all brokers', colocation_users: 'co-location' },
  frequency: { monthly: 'monthly', semiannual: 'semi-annual', annual: 'annual' },
  strength: { shall: 'shall', should: 'should', mixed: 'shall/should' },
  status: { text: '', elided: '(elided)' },
  col: {
    id: 'version',
    effective: 'effective',
    hash: 'hash',
    nodes: 'items',
    source: 'source',
    path: 'path',
    code: 'code',
    frequency: 'frequency',
    applies: 'applies to',
    strength: 'strength',
    content: 'content',
    kind: 'change',
    oldPath: 'old path',
    old: 'current text',
    new: 'amended text',
  },
  show: {
    title: 'title',
    text: 'text',
    textEn: 'English',
    rationale: 'rationale',
    guideline: 'guideline',
    reason: 'applicability',
    tier: 'tier-dependent',
    amended: 'amended words',
    unresolved: '(not decidable from the source; candidates: {{candidates}})',
    effective: 'item effective',
    allBrokers: 'items that also bind all brokers',
    truncated: 'The source omits everything after {{path}} (以下略).',
    basis: 'basis',
  },
  diff: { summary: '{{from}} → {{to}}: {{n}} changes ({{counts}})' },
  import: {
    wrote: 'wrote version {{id}} ({{hash}}, {{n}} items)',
    unchanged: 'version {{id}} already exists with the same content; unchanged',
    dryRun: 'dry run: nothing was written',
    corrections: 'applied {{n}} corrections to the source text (strike-through is lost in the text file)',
    unresolved: '{{n}} items: the 說明 (rationale) could not be tied to them from the source; candidates recorded',
    changes: '{{n}} changes between the versions: ccheck catalog diff {{from}} {{to}}',
    filled: 'filled {{n}} elided (略) items from the firm checklist',
    added: 'added {{n}} items',
    conflict: 'row {{row}} {{path}} {{field}} differs from the regulation text; the regulation text is kept',
  },
  template: { wrote: 'wrote checklist template {{file}} ({{n}} rows)' },
  date: { iso: 'Gregorian', roc: 'ROC' },
};

/**
 * Error messages live in the one error table (src/core/error-table.ts) and never name a flag or
 * a command. What the CLI user can do next does: one hint line after the message, here.
 */
const HINTS: Partial<Record<ErrorCode, { readonly zh: string; readonly en: string }>> = {
  INPUT_UNKNOWN_ENCODING: { zh: '或以 --encoding 指定編碼。', en: 'or name the encoding with --encoding.' },
  OUTPUT_EXISTS: {
    zh: '請指定新的檔案或資料夾；指令提供 --force 時，可加 --force 覆寫。',
    en: 'choose a new file or folder; where the command offers --force, add it to replace the file.',
  },
  CATALOG_VERSION_NOT_FOUND: { zh: '請執行 ccheck catalog versions 查看。', en: 'see: ccheck catalog versions' },
  FIRM_NOT_FOUND: { zh: '請執行 ccheck firm list 查看。', en: 'see: ccheck firm list' },
  RUN_NOT_FOUND: { zh: '請先執行 ccheck inspect start。', en: 'start one first: ccheck inspect start' },
  RUN_SIGNED: { zh: '更正請建立新版次：ccheck inspect revise。', en: 'to correct it, make a new revision: ccheck inspect revise' },
  RUN_NOT_SIGNED: { zh: '簽核：ccheck inspect sign。', en: 'sign it off: ccheck inspect sign' },
  RUN_REVISED: {
    zh: '另一更正版已先建立：請以 ccheck inspect show 檢視最新版次，並就該版更正。',
    en: 'another revision came first: see the latest with ccheck inspect show, and correct that one.',
  },
  ANALYZER_NOT_FOUND: { zh: '請執行 ccheck analyzers 查看可用的自動化檢查。', en: 'see the analyzers: ccheck analyzers' },
  ANALYZER_OPTION_INVALID: { zh: '請執行 ccheck analyzers 查看可用選項。', en: 'see the options: ccheck analyzers' },
  EVIDENCE_FOLDER_EMPTY: {
    zh: 'README 的 ccheck run 一節列出各自動化檢查讀取的檔案。',
    en: 'the README section "ccheck run" lists the files each analyzer reads.',
  },
  STORE_NOT_INITIALISED: { zh: '請先執行 ccheck init。', en: 'run ccheck init first.' },
  VAULT_KEY_MISSING: {
    zh: '請設定 CCHECK_VAULT_KEY 或 CCHECK_VAULT_KEY_FILE，或執行 ccheck init。',
    en: 'set CCHECK_VAULT_KEY or CCHECK_VAULT_KEY_FILE, or run ccheck init.',
  },
  AUDIT_KEY_MISSING: {
    zh: '請自寫入此資料庫的安裝複製 audit.key，或設定 CCHECK_AUDIT_KEY；新的安裝請執行 ccheck init。',
    en: 'copy audit.key from the installation that wrote this database, or set CCHECK_AUDIT_KEY; a new installation runs ccheck init.',
  },
  DATABASE_UNREACHABLE: { zh: '請確認 DATABASE_URL。', en: 'check DATABASE_URL.' },
  AUDIT_CHAIN_BROKEN: { zh: '詳情：ccheck audit verify。', en: 'details: ccheck audit verify' },
};

/** The CLI's hint line for an error code, or null when the message says all. */
export function hintFor(code: ErrorCode, lang: Lang): string | null {
  const hint = HINTS[code];
  if (!hint) return null;
  return lang === 'zh-TW' ? `提示：${hint.zh}` : `Hint: ${hint.en}`;
}

export type Translate = TFunction;

export function createTranslator(lang: Lang): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
    resources: { 'zh-TW': { translation: zh }, en: { translation: en } },
  });
  return instance.getFixedT(lang);
}
