import type { ItemResultView } from '../../core/inspection/item-result.js';
import type { SignatureEvent } from '../../core/inspection/signature-history.js';
import { ageInDays } from '../../services/dashboard-service.js';
import type { Rejection } from '../../services/review-service.js';
import type { RunItemView, RunSummary, RunView } from '../../services/run-view-service.js';
import type { FindingRow as FindingsTable, RunRow as InspectionRunsTable, SignoffRow as RunSignoffsTable } from './rows.js';
import { arr, bool, int, out, str, strOrNull } from '../schemas.js';
import { decisionSchema, presentDecision } from './firm.js';

const intOrNull = { type: 'integer', nullable: true };

export function presentRunHead(run: InspectionRunsTable, revision: number, signed: boolean) {
  return {
    id: run.id,
    period: run.period,
    frequency: run.frequency,
    revision,
    catalog_version: run.catalog_version_id,
    catalog_hash: run.catalog_hash,
    started_at: run.started_at,
    started_by: run.started_by,
    signed,
  };
}
export const runHeadSchema = out({
  id: str,
  period: str,
  frequency: str,
  revision: int,
  catalog_version: str,
  catalog_hash: str,
  started_at: str,
  started_by: str,
  signed: bool,
});

export const presentRunSummary = (r: RunSummary) => presentRunHead(r.run, r.revision, r.signed);

export function presentResult(r: ItemResultView) {
  return {
    status: r.status,
    effective_status: r.effectiveStatus,
    source: r.source,
    // `note` is the contract's word for what the core calls the justification.
    note: r.justification,
    justification: r.justification,
    expires_on: r.expiresOn,
    recorded_by: r.recordedBy,
    recorded_at: r.recordedAt,
  };
}
export const resultSchema = out({
  status: str,
  effective_status: str,
  source: str,
  note: strOrNull,
  justification: strOrNull,
  expires_on: strOrNull,
  recorded_by: strOrNull,
  recorded_at: strOrNull,
});

export const approvalSchema = { ...out({ state: str, by: str, at: str }), nullable: true };
export const rejectionSchema = { ...out({ by: str, at: str, reason: str, hash: str }), nullable: true };
export const presentRejection = (r: Rejection | null) => (r ? { by: r.by, at: r.at, reason: r.reason, hash: r.hash } : null);

const findingLocation = out({ file: strOrNull, line: intOrNull, rule: strOrNull });

export function presentItem(i: RunItemView) {
  return {
    path: i.path,
    code: i.code,
    title: i.title,
    text: i.text,
    applies: i.decision?.applies ?? i.result.status !== 'not_applicable',
    why: i.decision ? i.decision.reasonZh || i.decision.reason : (i.result.justification ?? ''),
    applicability: presentDecision(i.decision),
    result: presentResult(i.result),
    approval: i.result.approval ? { state: i.result.approval.state, by: i.result.approval.by, at: i.result.approval.at } : null,
    rejection: presentRejection(i.rejection),
    evidence: i.evidence.map((e) => ({ sha256: e.sha256, name: e.name, size: e.size, collected_at: e.collectedAt })),
    analyzer: {
      verdicts: i.verdicts.map((v) => ({ analyzer: v.analyzer, verdict: v.verdict })),
      findings: i.findings.map((f) => ({
        analyzer: f.analyzer,
        kind: f.kind,
        severity: f.severity,
        failing: f.failing,
        clause: f.clause,
        detail: f.detail,
        detail_zh: f.detailZh,
        file: f.file,
        line: f.line,
        rule: f.rule,
        blocking: f.blocking.map((b) => ({ file: b.file, line: b.line, rule: b.rule })),
      })),
    },
  };
}
export const itemSchema = out({
  path: str,
  code: strOrNull,
  title: strOrNull,
  text: strOrNull,
  applies: bool,
  why: str,
  applicability: { ...decisionSchema, nullable: true },
  result: resultSchema,
  approval: approvalSchema,
  rejection: rejectionSchema,
  evidence: arr(out({ sha256: str, name: str, size: int, collected_at: str })),
  analyzer: out({
    verdicts: arr(out({ analyzer: str, verdict: str })),
    findings: arr(
      out({
        analyzer: str,
        kind: str,
        severity: str,
        failing: bool,
        clause: str,
        detail: str,
        detail_zh: str,
        file: strOrNull,
        line: intOrNull,
        rule: strOrNull,
        blocking: arr(findingLocation),
      }),
    ),
  }),
});

export function presentSignature(revision: number, revises: string | null, signoff: RunSignoffsTable | null) {
  return {
    signed: signoff !== null,
    revision,
    revises,
    signed_by: signoff?.signed_by ?? null,
    signed_at: signoff?.signed_at ?? null,
    role: signoff?.role ?? null,
    authentication: signoff?.authentication ?? null,
    results_hash: signoff?.results_hash ?? null,
  };
}
export const signatureSchema = out({
  signed: bool,
  revision: int,
  revises: strOrNull,
  signed_by: strOrNull,
  signed_at: strOrNull,
  role: strOrNull,
  authentication: strOrNull,
  results_hash: strOrNull,
});

export function presentRunView(v: RunView) {
  return {
    firm: { id: v.firm.id, name: v.firm.name, licence: v.firm.licence },
    run: { ...presentRunHead(v.run, v.revision, v.signoff !== null), signature: presentSignature(v.revision, v.revises, v.signoff) },
    items: v.items.map(presentItem),
  };
}
export const runViewSchema = out({
  firm: out({ id: str, name: str, licence: str }),
  run: { ...runHeadSchema, properties: { ...(runHeadSchema.properties as object), signature: signatureSchema } },
  items: arr(itemSchema),
});

export function presentHistoryEvent(e: SignatureEvent) {
  return {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    role: e.role,
    action: e.action,
    item: e.item,
    hash: e.hash,
    authentication: e.authentication,
    reason: e.reason ?? null,
  };
}
export const historyEventSchema = out({
  seq: int,
  at: str,
  actor: str,
  role: str,
  action: str,
  item: strOrNull,
  hash: strOrNull,
  authentication: str,
  reason: strOrNull,
});

export function presentFinding(f: FindingsTable, period: string | null, today: string) {
  return {
    id: f.id,
    path: f.path,
    period,
    severity: f.severity,
    status: f.status,
    owner: f.owner,
    due_on: f.due_on,
    root_cause: f.root_cause,
    corrective_action: f.corrective_action,
    effectiveness_check: f.effectiveness_check,
    verified_by: f.verified_by,
    verified_at: f.verified_at,
    opened_at: f.opened_at,
    opened_by: f.opened_by,
    repeat_of: f.previous_finding_id,
    age_days: ageInDays(f.opened_at, today),
  };
}
export const findingSchema = out({
  id: str,
  path: str,
  period: strOrNull,
  severity: str,
  status: str,
  owner: strOrNull,
  due_on: strOrNull,
  root_cause: strOrNull,
  corrective_action: strOrNull,
  effectiveness_check: strOrNull,
  verified_by: strOrNull,
  verified_at: strOrNull,
  opened_at: str,
  opened_by: str,
  repeat_of: strOrNull,
  age_days: int,
});
