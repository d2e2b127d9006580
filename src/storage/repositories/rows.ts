import type { FindingSeverity, FindingStatus } from '../../core/inspection/finding.js';
import type { ResultSource, ResultStatus } from '../../core/inspection/item-result.js';
import type { Frequency } from '../../core/catalog/catalog-node.js';
import type { FirmProfile } from '../../core/profile/firm-profile.js';
import type { Evidence, Finding, Firm, InspectionRun, Signoff, StoredResult } from '../../core/ports/records.js';
import type { EvidenceTable, FindingsTable, FirmsTable, InspectionRunsTable, ItemResultsTable, RunSignoffsTable } from '../schema.js';

/**
 * Rows ⇄ domain values. The only place that knows both shapes: the columns are text in both
 * dialects (the audit chain hashes rows), the values the use cases see are typed.
 */

export const firmOf = (r: FirmsTable): Firm => ({
  id: r.id,
  name: r.name,
  licence: r.licence,
  profile: JSON.parse(r.profile_json) as FirmProfile,
  createdAt: r.created_at,
});

export const firmRow = (f: Firm): FirmsTable => ({
  id: f.id,
  name: f.name,
  licence: f.licence,
  profile_json: JSON.stringify(f.profile),
  created_at: f.createdAt,
});

export const runOf = (r: InspectionRunsTable): InspectionRun => ({
  id: r.id,
  firmId: r.firm_id,
  catalogVersionId: r.catalog_version_id,
  catalogHash: r.catalog_hash,
  period: r.period,
  frequency: r.frequency as Frequency,
  applicability: JSON.parse(r.applicability_json) as InspectionRun['applicability'],
  profileHash: r.profile_hash,
  startedAt: r.started_at,
  startedBy: r.started_by,
});

export const runRow = (r: InspectionRun): InspectionRunsTable => ({
  id: r.id,
  firm_id: r.firmId,
  catalog_version_id: r.catalogVersionId,
  catalog_hash: r.catalogHash,
  period: r.period,
  frequency: r.frequency,
  applicability_json: JSON.stringify(r.applicability),
  profile_hash: r.profileHash,
  started_at: r.startedAt,
  started_by: r.startedBy,
});

export const resultOf = (r: ItemResultsTable, evidence: readonly string[]): StoredResult => ({
  id: r.id,
  runId: r.run_id,
  path: r.path,
  code: r.code,
  status: r.status as ResultStatus,
  justification: r.justification,
  source: r.source as ResultSource,
  expiresOn: r.expires_on,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  contentHash: r.content_hash,
  revision: Number(r.revision),
  evidence: [...evidence].sort(),
});

export const resultRow = (r: StoredResult): ItemResultsTable => ({
  id: r.id,
  run_id: r.runId,
  path: r.path,
  code: r.code,
  status: r.status,
  justification: r.justification,
  source: r.source,
  expires_on: r.expiresOn,
  recorded_by: r.recordedBy,
  recorded_at: r.recordedAt,
  content_hash: r.contentHash,
  revision: r.revision,
});

export const evidenceOf = (r: EvidenceTable): Evidence => ({
  id: r.id,
  firmId: r.firm_id,
  sha256: r.sha256,
  size: Number(r.size),
  name: r.name,
  collectedAt: r.collected_at,
  uploadedAt: r.uploaded_at,
  uploadedBy: r.uploaded_by,
  expiresOn: r.expires_on,
});

export const evidenceRow = (e: Evidence): EvidenceTable => ({
  id: e.id,
  firm_id: e.firmId,
  sha256: e.sha256,
  size: e.size,
  name: e.name,
  collected_at: e.collectedAt,
  uploaded_at: e.uploadedAt,
  uploaded_by: e.uploadedBy,
  expires_on: e.expiresOn,
});

export const findingOf = (r: FindingsTable): Finding => ({
  id: r.id,
  firmId: r.firm_id,
  runId: r.run_id,
  resultId: r.result_id,
  path: r.path,
  severity: r.severity as FindingSeverity,
  status: r.status as FindingStatus,
  rootCause: r.root_cause,
  correctiveAction: r.corrective_action,
  owner: r.owner,
  dueOn: r.due_on,
  effectivenessCheck: r.effectiveness_check,
  verifiedBy: r.verified_by,
  verifiedAt: r.verified_at,
  previousFindingId: r.previous_finding_id,
  openedAt: r.opened_at,
  openedBy: r.opened_by,
});

export const findingRow = (f: Finding): FindingsTable => ({
  id: f.id,
  firm_id: f.firmId,
  run_id: f.runId,
  result_id: f.resultId,
  path: f.path,
  severity: f.severity,
  status: f.status,
  root_cause: f.rootCause,
  corrective_action: f.correctiveAction,
  owner: f.owner,
  due_on: f.dueOn,
  effectiveness_check: f.effectivenessCheck,
  verified_by: f.verifiedBy,
  verified_at: f.verifiedAt,
  previous_finding_id: f.previousFindingId,
  opened_at: f.openedAt,
  opened_by: f.openedBy,
});

export const signoffOf = (r: RunSignoffsTable): Signoff => ({
  id: r.id,
  runId: r.run_id,
  signedBy: r.signed_by,
  signedAt: r.signed_at,
  role: r.role,
  authentication: r.authentication,
  resultsHash: r.results_hash,
});

export const signoffRow = (s: Signoff): RunSignoffsTable => ({
  id: s.id,
  run_id: s.runId,
  signed_by: s.signedBy,
  signed_at: s.signedAt,
  role: s.role,
  authentication: s.authentication,
  results_hash: s.resultsHash,
});
