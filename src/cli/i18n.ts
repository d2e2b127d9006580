import i18next, { type TFunction } from 'i18next';

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
  errors: {
    AMENDMENT_NOT_A_COMPARISON_TABLE: '找不到「修正條文 / 現行條文 / 說明」三欄（以 Tab 分隔）的標題列：這不是修正對照表。',
    AMENDMENT_TRUNCATED: '表格不完整，檔案似乎被截斷。',
    AMENDMENT_MALFORMED_MARKUP: '標記格式錯誤（{{what}}）。',
    AMENDMENT_NO_ITEMS: '表格中找不到任何編號項次。',
    AMENDMENT_ORPHAN_LABEL: '項次標籤「{{label}}」出現在其上層項次之前。',
    AMENDMENT_DUPLICATE_PATH: '項次 {{path}} 重複出現。',
    AMENDMENT_CORRECTION_STALE: '來源文字與更正檔不符（{{path}} {{field}}）。',
    CATALOG_VERSION_NOT_FOUND: '找不到檢查項目版本「{{ref}}」（請執行 ccheck catalog versions 查看）。',
    CATALOG_VERSION_AMBIGUOUS: '雜湊前綴 {{ref}} 對應多個版本，請輸入更長的前綴。',
    CATALOG_VERSION_CONFLICT: '版本「{{id}}」已存在且內容不同；版本不可修改，請以其他代號匯入。',
    CATALOG_VERSION_CORRUPT: '版本檔的內容與其雜湊值不符：檔案在匯入後被修改過。',
    CATALOG_NODE_NOT_FOUND: '版本 {{version}} 中沒有項次 {{path}}。',
    CATALOG_INVALID_PATH: '「{{path}}」不是項次路徑（例如 7/(1)/d/(a)）。',
    CHECKLIST_MISSING_COLUMN: '缺少欄位「{{column}} / {{columnEn}}」。',
    CHECKLIST_INVALID_VALUE: '欄位值不正確（{{what}}）：「{{value}}」。',
    CHECKLIST_DUPLICATE_PATH: '項次 {{path}} 已在第 {{row}} 列出現過。',
    CHECKLIST_EMPTY: '標題列之下沒有任何項次資料。',
    INPUT_UNKNOWN_ENCODING: '文字編碼既非 UTF-8 也非 Big5：請另存為 UTF-8（或使用 --encoding）。',
    INPUT_FILE_NOT_FOUND: '無法讀取檔案。',
    INPUT_UNSUPPORTED_FORMAT: '無法讀取此檔案格式（需要 .xlsx 或 .csv）。',
    DATE_INVALID: '日期「{{input}}」不正確。',
    PROFILE_INVALID: '公司基本資料有 {{count}} 個問題：',
    COMPLETIONS_INVALID: '完成紀錄檔有誤：{{what}}',
    PLAN_INVALID_RANGE: '期間起日晚於迄日。',
    OUTPUT_EXISTS: '檔案已存在；如要覆寫請加 --force。',
    RESULT_INVALID: '查核結果不完整（{{what}}）。',
    RESULT_SELF_APPROVAL: '{{actor}} 為此結果之紀錄者，不得自行覆核（覆核須由他人為之）。',
    RESULT_NOT_FOUND: '找不到查核結果。',
    RUN_NOT_FOUND: '找不到 {{period}} 的查核，請先執行 ccheck inspect start。',
    RUN_EXISTS: '{{period}} 的查核已存在。',
    RUN_ITEM_NOT_IN_RUN: '項次 {{path}} 不在本次查核範圍（查核頻率不同或不存在）。',
    FIRM_NOT_FOUND: '找不到證券商「{{ref}}」（請執行 ccheck firm list）。',
    FIRM_EXISTS: '許可證字號 {{licence}} 的證券商已存在。',
    FINDING_NOT_FOUND: '找不到缺失 {{id}}。',
    FINDING_INVALID_TRANSITION: '缺失 {{id}} 無法由 {{from}} 變更為 {{to}}。',
    EVIDENCE_NOT_FOUND: '找不到佐證 {{sha256}}。',
    VAULT_KEY_MISSING: '找不到佐證加密金鑰：請設定 CCHECK_VAULT_KEY 或 CCHECK_VAULT_KEY_FILE，或執行 ccheck init。',
    VAULT_KEY_WRONG: '佐證加密金鑰不符：此佐證以其他金鑰加密。',
    VAULT_CORRUPT: '佐證檔完整性檢查失敗（可能遭竄改或損毀）。',
    STORE_NOT_INITIALISED: '資料庫尚未建立：請先執行 ccheck init。',
    STORE_BUSY: '資料庫忙碌中（另一個 ccheck 正在寫入），請稍後再試。',
    BACKUP_INVALID: '備份檔不完整或遭修改，未還原任何資料。',
    RESTORE_TARGET_NOT_EMPTY: '目標資料庫已有資料（{{table}}），請還原至空資料庫。',
    AUDIT_CHAIN_BROKEN: '稽核軌跡已遭破壞。',
    UNEXPECTED: '發生未預期的錯誤：{{message}}',
  },
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
  errors: Object.fromEntries(Object.keys(zh.errors).map((k) => [k, ''])) as typeof zh.errors,
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
