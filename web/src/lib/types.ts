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
  profile?: Record<string, unknown>;
  applicability?: { applicable: number; not_applicable: number };
}

export type ResultStatus = 'compliant' | 'partial' | 'non_compliant' | 'not_applicable' | 'open';
export interface RunItemJson {
  path: string;
  title?: string;
  text: string;
  frequency?: string;
  applies: boolean;
  why?: string | string[];
  result?: {
    status: ResultStatus;
    note?: string | null;
    justification?: string | null;
    expires_on?: string | null;
    recorded_by?: string | null;
    recorded_at?: string | null;
  } | null;
  approval?: { state: 'approved' | 'rejected' | 'pending'; by?: string | null; at?: string | null; reason?: string | null } | null;
  evidence?: { sha256: string; name: string; size: number; collected_at?: string | null }[];
  analyzer?: { verdict?: string | null; findings?: { message?: string; severity?: string; rows?: unknown }[] } | null;
}
export interface RunJson {
  period: string;
  revision?: number;
  signed?: boolean;
  signature?: { signed: boolean; signed_by?: string | null; signed_at?: string | null; revision?: number; revises?: number | null };
  items: RunItemJson[];
}
export interface RunSummaryJson {
  period: string;
  revision?: number;
  signed?: boolean;
  counts?: Partial<Record<ResultStatus, number>>;
}
export interface PlanEntryJson {
  path: string;
  title?: string;
  due_on: string;
  state: 'done' | 'overdue' | 'due' | 'upcoming';
  frequency?: string;
}
export interface FindingJson {
  id: string;
  path: string;
  title?: string;
  status: string;
  owner?: string | null;
  due_on?: string | null;
  opened_on?: string | null;
  recurrence?: number;
  period?: string;
  note?: string | null;
}
export interface DashboardJson {
  by_point?: { point: string; compliant?: number; partial?: number; non_compliant?: number; not_applicable?: number; open?: number }[];
  by_cc?: { cc: string; compliant?: number; partial?: number; non_compliant?: number; not_applicable?: number; open?: number }[];
  trend?: { period: string; compliant?: number; partial?: number; non_compliant?: number; open?: number; not_applicable?: number }[];
  overdue?: { path: string; title?: string; due_on: string }[];
  findings_by_age?: { bucket: string; count: number }[];
  catalog_changes?: {
    version?: string;
    added?: number;
    modified?: number;
    removed?: number;
    renumbered?: number;
    items?: { path: string; kind: string }[];
  } | null;
}
export interface AuditEventJson {
  seq: number;
  at: string;
  actor: string;
  action: string;
  firm_id?: string | null;
  subject?: string | null;
}
