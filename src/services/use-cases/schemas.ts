import { z } from 'zod';
import { CoreError } from '../../core/errors.js';
import { FINDING_SEVERITIES, FINDING_STATUSES } from '../../core/inspection/finding.js';
import { OSCAL_VERSIONS } from '../../core/oscal/oscal-ids.js';
import { RESULT_STATUSES } from '../../core/inspection/item-result.js';
import type { Finding, Review, StoredResult } from '../../core/ports/records.js';

/**
 * The inputs of the inspection use cases, as zod schemas shared by the CLI and the API (a route
 * validates its body with the same schema a command validates its flags with), and the JSON
 * shapes both print (docs/JSON.md). Dates arrive already as ISO dates: a shell turns what a
 * person typed (民國 dates included) into one before it builds an input.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, 'a date as YYYY-MM-DD');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/u, 'a SHA-256 in hex');

export const itemRefSchema = z.object({
  firm: z.string().min(1),
  period: z.string().min(1),
  /** The item's path, e.g. 7/(1)/d/(b). */
  path: z.string().min(1),
});

export const recordResultInputSchema = z.object({
  status: z.enum(RESULT_STATUSES),
  justification: z.string().nullish(),
  source: z.enum(['analyzer', 'attestation', 'system']),
  expiresOn: isoDate.nullish(),
  evidence: z.array(sha256).optional(),
  severity: z.enum(FINDING_SEVERITIES).optional(),
});
export type RecordResultInputParsed = z.infer<typeof recordResultInputSchema>;

export const rejectInputSchema = itemRefSchema.extend({ reason: z.string().trim().min(5, 'a reason of at least 5 characters') });

export const findingUpdateSchema = z.object({
  severity: z.enum(FINDING_SEVERITIES).optional(),
  rootCause: z.string().min(1).optional(),
  correctiveAction: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  dueOn: isoDate.optional(),
  to: z.enum(FINDING_STATUSES).optional(),
  effectivenessCheck: z.string().optional(),
});

/** A firm's retention in years (the range itself is the core's rule: assertRetentionYears). */
export const retentionInputSchema = z.object({ firm: z.string().min(1), years: z.number() });

export const startRunInputSchema = z.object({ firm: z.string().min(1), period: z.string().min(1), version: z.string().min(1).optional() });

export const evidenceMetaSchema = z.object({ collectedAt: z.string().min(10), expiresOn: isoDate.nullish() });

/** Which revision of a period's run an output is made of (default: the latest). */
export const runRefSchema = z.object({ firm: z.string().min(1), period: z.string().min(1), revision: z.number().int().min(1).optional() });

export const REPORT_LANGS = ['zh-TW', 'en'] as const;
export const reportInputSchema = runRefSchema.extend({ format: z.enum(['html', 'xlsx', 'pdf']), lang: z.enum(REPORT_LANGS).default('zh-TW') });
export const packageInputSchema = runRefSchema.extend({ lang: z.enum(REPORT_LANGS).default('zh-TW') });
export const findingsRegisterInputSchema = z.object({ firm: z.string().min(1).optional(), format: z.enum(['xlsx', 'csv']) });
export const oscalOptionsSchema = z.object({ oscalVersion: z.enum(OSCAL_VERSIONS), now: z.string().min(10) });

/**
 * Parses an input, or throws RESULT_INVALID naming the field and what is wrong with it (the
 * message speaks of the field, never of a CLI flag or an HTTP body).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'input';
  throw new CoreError('RESULT_INVALID', `${subject}: ${field}: ${issue.message}`, { what: `${field}: ${issue.message}`, path: subject }, { field });
}

// ── what --json prints and the API serves ─────────────────────────────────────────────────

export const findingOutputSchema = z.object({
  id: z.string(),
  firm_id: z.string(),
  run_id: z.string(),
  path: z.string(),
  severity: z.enum(FINDING_SEVERITIES),
  status: z.enum(FINDING_STATUSES),
  root_cause: z.string().nullable(),
  corrective_action: z.string().nullable(),
  owner: z.string().nullable(),
  due_on: z.string().nullable(),
  effectiveness_check: z.string().nullable(),
  verified_by: z.string().nullable(),
  verified_at: z.string().nullable(),
  previous_finding_id: z.string().nullable(),
  opened_at: z.string(),
  opened_by: z.string(),
});
export type FindingOutput = z.infer<typeof findingOutputSchema>;

export function presentFinding(f: Finding): FindingOutput {
  return {
    id: f.id,
    firm_id: f.firmId,
    run_id: f.runId,
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
  };
}

export const recordingOutputSchema = z.object({
  path: z.string(),
  status: z.enum(RESULT_STATUSES),
  content_hash: z.string(),
  revision: z.number().int(),
  finding: z.object({ id: z.string(), status: z.enum(FINDING_STATUSES), previous: z.string().nullable() }).nullable(),
});

export function presentRecording(r: { result: StoredResult; finding: Finding | null }): z.infer<typeof recordingOutputSchema> {
  return {
    path: r.result.path,
    status: r.result.status,
    content_hash: r.result.contentHash,
    revision: r.result.revision,
    finding: r.finding ? { id: r.finding.id, status: r.finding.status, previous: r.finding.previousFindingId } : null,
  };
}

export const reviewOutputSchema = z.object({
  path: z.string(),
  review: z.enum(['approve', 'reject']),
  by: z.string(),
  at: z.string(),
  hash: z.string(),
  reason: z.string().nullable(),
});

export function presentReview(path: string, r: Review): z.infer<typeof reviewOutputSchema> {
  return { path, review: r.kind, by: r.by, at: r.at, hash: r.hash, reason: r.reason };
}
