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

/** A reviewer's rejection of exactly one recording (its content hash), with the reason. */
export interface ResultRejectionsTable {
  id: string;
  result_id: string;
  rejected_by: string;
  rejected_at: string;
  rejected_hash: string;
  reason: string;
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

export interface Database {
  firms: FirmsTable;
  catalog_versions: CatalogVersionsTable;
  inspection_runs: InspectionRunsTable;
  item_results: ItemResultsTable;
  result_recordings: ResultRecordingsTable;
  evidence: EvidenceTable;
  result_evidence: ResultEvidenceTable;
  approvals: ApprovalsTable;
  result_rejections: ResultRejectionsTable;
  findings: FindingsTable;
  analyzer_reports: AnalyzerReportsTable;
  run_revisions: RunRevisionsTable;
  run_signoffs: RunSignoffsTable;
  firm_retention: FirmRetentionTable;
  audit_events: AuditEventsTable;
}

/** Audited tables, in the order a restore inserts them (parents first), with how a row is named. */
export const AUDITED_TABLES = [
  { table: 'firms', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'catalog_versions', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'inspection_runs', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'item_results', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'result_recordings', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'evidence', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'result_evidence', key: (r: Record<string, unknown>) => `${String(r.result_id)}:${String(r.evidence_id)}` },
  { table: 'approvals', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'result_rejections', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'findings', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'analyzer_reports', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'run_revisions', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'run_signoffs', key: (r: Record<string, unknown>) => String(r.id) },
  { table: 'firm_retention', key: (r: Record<string, unknown>) => String(r.id) },
] as const satisfies readonly { table: keyof Database; key: (r: Record<string, unknown>) => string }[];

export type AuditedTable = (typeof AUDITED_TABLES)[number]['table'];
