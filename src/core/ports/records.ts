import type { ApplicabilityDecision } from '../applicability/evaluate-applicability.js';
import type { FirmProfile } from '../profile/firm-profile.js';
import type { FindingSeverity, FindingStatus } from '../inspection/finding.js';
import type { ResultSource, ResultStatus } from '../inspection/item-result.js';
import type { ReviewFact } from '../inspection/review.js';
import type { Frequency } from '../catalog/catalog-node.js';

/**
 * The inspection's records as the use cases see them: plain immutable values, named in the
 * glossary's words. Repositories translate them to and from table rows; nothing above storage
 * sees a row.
 */

export interface Firm {
  readonly id: string;
  readonly name: string;
  readonly licence: string;
  readonly profile: FirmProfile;
  readonly createdAt: string;
}

export interface InspectionRun {
  readonly id: string;
  readonly firmId: string;
  readonly catalogVersionId: string;
  readonly catalogHash: string;
  readonly period: string;
  readonly frequency: Frequency;
  /** Applicability frozen at the start, in catalog order: a later profile change never rewrites history. */
  readonly applicability: readonly ApplicabilityDecision[];
  readonly profileHash: string;
  readonly startedAt: string;
  readonly startedBy: string;
}

/** A run with its revision number (1 is the run as first started) and what it revises. */
export interface RunRevision {
  readonly run: InspectionRun;
  readonly revision: number;
  readonly revisesRunId: string | null;
}

/** One item's result as stored (the current recording). */
export interface StoredResult {
  readonly id: string;
  readonly runId: string;
  readonly path: string;
  readonly code: string | null;
  readonly status: ResultStatus;
  readonly justification: string | null;
  readonly source: ResultSource;
  readonly expiresOn: string | null;
  readonly recordedBy: string | null;
  readonly recordedAt: string | null;
  readonly contentHash: string;
  readonly revision: number;
  /** SHA-256 of the evidence it rests on, sorted. */
  readonly evidence: readonly string[];
}

export interface Evidence {
  readonly id: string;
  readonly firmId: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly collectedAt: string;
  readonly uploadedAt: string;
  readonly uploadedBy: string;
  readonly expiresOn: string | null;
}

/**
 * A supervisor's review of one recording: an approval binds to the content hash it approved; a
 * rejection sends the item back to the officer with a reason. `seq` is the audit event that
 * wrote it: the chain, not the clock, orders reviews against recordings.
 */
export interface Review extends ReviewFact {
  readonly id: string;
  readonly resultId: string;
}

export interface Finding {
  readonly id: string;
  readonly firmId: string;
  readonly runId: string;
  readonly resultId: string;
  readonly path: string;
  readonly severity: FindingSeverity;
  readonly status: FindingStatus;
  readonly rootCause: string | null;
  readonly correctiveAction: string | null;
  readonly owner: string | null;
  readonly dueOn: string | null;
  readonly effectivenessCheck: string | null;
  readonly verifiedBy: string | null;
  readonly verifiedAt: string | null;
  readonly previousFindingId: string | null;
  readonly openedAt: string;
  readonly openedBy: string;
}

export interface Signoff {
  readonly id: string;
  readonly runId: string;
  readonly signedBy: string;
  readonly signedAt: string;
  readonly role: string;
  readonly authentication: string;
  readonly resultsHash: string;
}

/** The end of the audit chain: the last event's sequence number and hash ('genesis' at 0). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}
