/**
 * Table types for Kysely. Every column is text, integer or null, in both dialects, so that a
 * row reads back identically from SQLite and PostgreSQL: the audit chain hashes rows, and a
 * backup taken from one database restores into the other.
 */
export interface FirmsTable {
  id: string;
  name: string;
  licence: string;
  profile_json: string;
  created_at: string;
}

export interface CatalogVersionsTable {
  id: string;
  hash: string;
  effective_date: string | null;
  content_json: string;
  stored_at: string;
}

/** A catalog version imported by a user (shipped versions stay files in data/catalog/versions). */
export interface CatalogImportsTable {
  id: string;
  hash: string;
  title: string;
  effective_date: string | null;
  source_kind: string;
  /** The canonical JSON of the whole version (id and hash included). */
  content_json: string;
  imported_at: string;
  imported_by: string;
}

export interface InspectionRunsTable {
  id: string;
  firm_id: string;
  catalog_version_id: string;
  catalog_hash: string;
  period: string;
  frequency: string;
  /** Applicability frozen at the start: a later amendment or profile change never rewrites history. */
  applicability_json: string;
  profile_hash: string;
  started_at: string;
  started_by: string;
}

export interface ItemResultsTable {
  id: string;
  run_id: string;
  path: string;
  code: string | null;
  status: string;
  justification: string | null;
  source: string;
  expires_on: string | null;
  recorded_by: string | null;
  recorded_at: string | null;
  content_hash: string;
  revision: number;
}

/** One recording of a result: who recorded which content (maker-checker looks at all of them). */
export interface ResultRecordingsTable {
  id: string;
  result_id: string;
  content_hash: string;
  recorded_by: string;
  recorded_at: string;
  revision: number;
}

export interface EvidenceTable {
  id: string;
  firm_id: string;
  sha256: string;
  size: number;
  name: string;
  collected_at: string;
  uploaded_at: string;
  uploaded_by: string;
  expires_on: string | null;
}

export interface ResultEvidenceTable {
  result_id: string;
  evidence_id: string;
}

export interface ApprovalsTable {
  id: string;
  result_id: string;
  approved_by: string;
  approved_at: string;
  approved_hash: string;
}

export interface FindingsTable {
  id: string;
  firm_id: string;
  run_id: string;
  result_id: string;
  path: string;
  severity: string;
  status: string;
  root_cause: string | null;
  corrective_action: string | null;
  owner: string | null;
  due_on: string | null;
  effectiveness_check: string | null;
  verified_by: string | null;
  verified_at: string | null;
  previous_finding_id: string | null;
  opened_at: string;
  opened_by: string;
}

export interface AnalyzerReportsTable {
  id: string;
  run_id: string;
  analyzer: string;
  verdict: string;
  items_json: string;
  evidence_json: string;
  report_json: string;
  recorded_by: string;
  recorded_at: string;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before_hash: string | null;
  after_hash: string | null;
  prev_hash: string;
  hash: string;
  /** HMAC-SHA256 of the event under the installation's audit key; null before the key existed. */
  mac: string | null;
}

/** A revision of a run: a correction of a signed run, which stays as it was. */
export interface RunRevisionsTable {
  id: string;
  firm_id: string;
  period: string;
  revision: number;
  revises_run_id: string;
  created_by: string;
  created_at: string;
}

/** A supervisor's rejection of exactly one recording (its content hash), with the reason: the item goes back to the officer. */
export interface RejectionsTable {
  id: string;
  result_id: string;
  rejected_by: string;
  rejected_at: string;
  rejected_hash: string;
  reason: string;
}

/** The CISO's sign-off of a run (the whole run, read-only from then on). */
export interface RunSignoffsTable {
  id: string;
  run_id: string;
  signed_by: string;
  signed_at: string;
  role: string;
  authentication: string;
  results_hash: string;
}

/** How long a firm keeps its signed inspections (the firm's id is the key). */
export interface FirmRetentionTable {
  id: string;
  years: number;
  set_by: string;
  set_at: string;
}

/** A person who signs in. `username` is stored folded (NFKC, lower case); `disabled` is 0 or 1. */
export interface AccountsTable {
  id: string;
  username: string;
  display_name: string;
  /** argon2id (PHC string). */
  password_hash: string;
  disabled: number;
  created_at: string;
  created_by: string;
  password_changed_at: string;
}

/** A role held for one firm (firm_id) or every firm (null). */
export interface AccountGrantsTable {
  id: string;
  account_id: string;
  role: string;
  firm_id: string | null;
  granted_at: string;
  granted_by: string;
}

/** A TOTP authenticator (secret sealed) or a WebAuthn passkey. */
export interface SecondFactorsTable {
  id: string;
  account_id: string;
  kind: string;
  name: string;
  secret: string | null;
  credential_id: string | null;
  public_key: string | null;
  counter: number;
  transports: string | null;
  confirmed_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** One recovery code, hashed; used once. */
export interface RecoveryCodesTable {
  id: string;
  account_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** Every sign-in attempt, success and failure (never the password): the throttle reads them, the chain records them. */
export interface LoginAttemptsTable {
  id: string;
  /** The order attempts happened in, under the write lock: two attempts can share an instant. */
  seq: number;
  at: string;
  subject: string;
  account_id: string | null;
  address: string;
  stage: string;
  outcome: string;
  reason: string | null;
}

/** A session: the cookie's token hashed. Not audited (it changes on every request). */
export interface SessionsTable {
  id: string;
  account_id: string;
  stage: string;
  method: string;
  address: string;
  created_at: string;
  last_seen_at: string;
  factor_at: string | null;
  challenge: string | null;
}

export interface Database {
  firms: FirmsTable;
  catalog_versions: CatalogVersionsTable;
  catalog_imports: CatalogImportsTable;
  inspection_runs: InspectionRunsTable;
  item_results: ItemResultsTable;
  result_recordings: ResultRecordingsTable;
  evidence: EvidenceTable;
  result_evidence: ResultEvidenceTable;
  approvals: ApprovalsTable;
  rejections: RejectionsTable;
  findings: FindingsTable;
  analyzer_reports: AnalyzerReportsTable;
  run_revisions: RunRevisionsTable;
  run_signoffs: RunSignoffsTable;
  firm_retention: FirmRetentionTable;
  accounts: AccountsTable;
  account_grants: AccountGrantsTable;
  second_factors: SecondFactorsTable;
  recovery_codes: RecoveryCodesTable;
  login_attempts: LoginAttemptsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
}

/** Audited tables, in the order a restore inserts them (parents first), with how a row is named. */
export const AUDITED_TABLES = [
  { table: 'firms', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'catalog_versions', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'catalog_imports', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'inspection_runs', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'item_results', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'result_recordings', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'evidence', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'result_evidence', key: (r: Record<string, unknown>) => `${String(r.result_id)}:${String(r.evidence_id)}` },
  { table: 'approvals', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'rejections', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'findings', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'analyzer_reports', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'run_revisions', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'run_signoffs', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'firm_retention', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'accounts', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'account_grants', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'second_factors', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'recovery_codes', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'login_attempts', key: (r: Record<string, unknown>) => String(r.id) },
] as const satisfies readonly { table: keyof Database; key: (r: Record<string, unknown>) => string }[];

export type AuditedTable = (typeof AUDITED_TABLES)[number]['table'];
