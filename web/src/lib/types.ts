/**
 * The API's JSON as the pages read it (snake_case, as in docs/API.md of the api stream). Fields
 * the pages do not use are left out; optional fields are those the server may omit.
 */
export type Role = 'admin' | 'officer' | 'supervisor' | 'ciso' | 'auditor' | 'examiner';
export interface GrantJson {
  role: Role;
  firm_id: string | null;
}
export interface AccountJson {
  id: string;
  username: string;
  display_name: string;
  grants: GrantJson[];
  disabled?: boolean;
  locked?: boolean;
}
export interface SessionJson {
  account: AccountJson;
  csrf_token: string;
  idle_expires_at: string;
  expires_at: string;
  factor_at: string | null;
}
export type LoginStage =
  { stage: 'second_factor'; methods: ('totp' | 'webauthn' | 'recovery')[] } | { stage: 'enrol_totp' } | { stage: 'signed_in'; account: AccountJson };

export interface FirmJson {
  id: string;
  licence?: string;
  name: string;
}
export interface FirmDetailJson {
  firm: FirmJson & { retention_years?: number | null };
  profile?: Record<string, unknown>;
  applicability?: { version?: string; applies?: number; not_applicable?: number };
}

export type ResultStatus = 'pass' | 'fail' | 'partial' | 'not_applicable' | 'error' | 'not_run';
export interface RunItemJson {
  path: string;
  code?: string | null;
  title?: string | null;
  text?: string | null;
  applies: boolean;
  why?: string | null;
  result?: {
    status: ResultStatus;
    effective_status?: ResultStatus;
    source?: string;
    note?: string | null;
    justification?: string | null;
    expires_on?: string | null;
    recorded_by?: string | null;
    recorded_at?: string | null;
  } | null;
  approval?: { state: string; by?: string | null; at?: string | null } | null;
  rejection?: { by?: string | null; at?: string | null; reason?: string | null } | null;
  evidence?: { sha256: string; name: string; size: number; collected_at?: string | null }[];
  analyzer?: {
    verdicts?: { analyzer: string; verdict: string }[];
    findings?: {
      analyzer?: string;
      kind?: string;
      severity?: string;
      failing?: boolean;
      clause?: string | null;
      detail?: string;
      detail_zh?: string;
      file?: string | null;
      message?: string;
      rows?: string[];
    }[];
  } | null;
}
export interface SignatureJson {
  signed: boolean;
  revision?: number;
  revises?: string | number | null;
  signed_by?: string | null;
  signed_at?: string | null;
}
/** One row of `GET …/runs/:period/signatures`: who, when, what (content hash), how authenticated. */
export interface SignatureEventJson {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  item: string | null;
  hash: string | null;
  authentication: string;
  reason?: string | null;
}
export interface SignatureHistoryJson {
  revision: number;
  revises: string | null;
  signoff: SignatureJson;
  history: SignatureEventJson[];
}
export interface RunJson {
  run: { id?: string; period: string; catalog_version?: string; signature?: SignatureJson };
  items: RunItemJson[];
}
export interface RunSummaryJson {
  id?: string;
  period: string;
  revision?: number;
  signed?: boolean;
  started_by?: string;
}
export interface PlanEntryJson {
  path: string;
  code?: string | null;
  title?: string | null;
  frequency?: string;
  period?: string;
  due: string;
  status: string;
}
export interface FindingJson {
  id: string;
  path: string;
  period?: string;
  severity?: string | null;
  status: string;
  owner?: string | null;
  due_on?: string | null;
  opened_at?: string | null;
  repeat_of?: string | null;
  age_days?: number;
}
export interface StatusCounts {
  compliant?: number;
  non_compliant?: number;
  undetermined?: number;
  excluded?: number;
  total?: number;
}
export interface DashboardJson {
  latest_period?: string | null;
  by_point?: (StatusCounts & { point: string })[];
  by_code?: (StatusCounts & { code: string })[];
  trend?: (StatusCounts & { period: string; revision?: number; signed?: boolean; rate?: number | null })[];
  overdue?: { path: string; period?: string; due: string; status?: string }[];
  findings_by_age?: { bucket: string; count: number }[];
  catalog_change?: { from?: string; to?: string; added?: number; modified?: number; removed?: number; renumbered?: number } | null;
}
export interface AuditEventJson {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity?: string | null;
  entity_id?: string | null;
}
export interface PasskeyJson {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}
export interface EvidenceJson {
  sha256: string;
  name: string;
  size: number;
  collected_at?: string | null;
  uploaded_at?: string | null;
  uploaded_by?: string | null;
}
export interface AnalyzerOptionJson {
  name: string;
  description: string;
  required: boolean;
  default?: unknown;
  schema?: Record<string, unknown>;
}
export interface AnalyzerJson {
  id: string;
  title: string;
  title_en: string;
  items: string[];
  inputs: { name: string; formats: string[]; description: string }[];
  options: AnalyzerOptionJson[];
}
export interface JobJson {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: { done: number; total: number | null };
  result?: { analyzer?: string; verdict?: string; recorded?: string[]; skipped?: string[]; findings?: number };
  error?: { code: string; message: string };
  created_at: string;
  finished_at: string | null;
}
