import type { FindingSeverity, FindingStatus } from '../inspection/finding.js';
import type { ResultContent } from '../inspection/item-result.js';
import type { ChainHead, Evidence, Finding, Firm, InspectionRun, Review, RunRevision, Signoff, StoredResult } from './records.js';

/**
 * What the inspection use cases need from a store, and nothing more (src/storage/repositories
 * implements it with Kysely on SQLite and PostgreSQL). Reads work anywhere; writes work only
 * inside `InspectionStore.write`, where each one is appended to the audit chain in the same
 * transaction as the row it writes.
 */

export interface FirmRepository {
  list(): Promise<Firm[]>;
  /** Every firm whose id, licence number or exact name is `ref`. */
  matching(ref: string): Promise<Firm[]>;
  byLicence(licence: string): Promise<Firm | null>;
  add(firm: Firm): Promise<Firm>;
  updateProfile(firm: Firm): Promise<Firm>;
}

export interface CatalogVersionRef {
  readonly id: string;
  readonly hash: string;
}

export interface RunRepository {
  /** Every revision of the firm's run of the period, in revision order. */
  forPeriod(firmId: string, period: string): Promise<RunRevision[]>;
  /** Runs whose id starts with `prefix`, with their firm's licence. */
  byIdPrefix(prefix: string): Promise<{ run: InspectionRun; licence: string }[]>;
  list(firmId?: string): Promise<InspectionRun[]>;
  byId(id: string): Promise<InspectionRun | null>;
  add(run: InspectionRun): Promise<InspectionRun>;
  /** Stores `run` as the next revision of its period (audited as run.revise), pointing at the run it revises. */
  addRevision(
    run: InspectionRun,
    revision: { readonly revision: number; readonly revisesRunId: string; readonly createdBy: string; readonly createdAt: string },
  ): Promise<InspectionRun>;
  /** Copies the analyzers' full reports of one run into another, still sealed as stored, each under a fresh id. */
  copyAnalyzerReports(fromRunId: string, toRunId: string, newId: () => string): Promise<number>;
  signoff(runId: string): Promise<Signoff | null>;
  addSignoff(signoff: Signoff): Promise<Signoff>;
  /** The catalog version a run freezes is stored once, by id; returns the stored hash, or null. */
  storedCatalogVersion(id: string): Promise<CatalogVersionRef | null>;
  storeCatalogVersion(version: CatalogVersionRef & { effectiveDate: string | null; contentJson: string }, at: string): Promise<void>;
}

/** A result written for the first time, when a run starts (by ccheck, not by a person). */
export interface InitialResult {
  readonly id: string;
  readonly content: ResultContent;
  readonly code: string | null;
  readonly contentHash: string;
}

export interface ResultRepository {
  inRun(runId: string): Promise<StoredResult[]>;
  byPath(runId: string, path: string): Promise<StoredResult | null>;
  byId(id: string): Promise<StoredResult | null>;
  add(result: InitialResult): Promise<StoredResult>;
  /**
   * Copies a stored result into another run (a revision) as its first revision: the same content,
   * evidence links and recorder (the recording too, so the recorder still may not approve it), no review.
   */
  copyInto(
    from: StoredResult,
    copy: { readonly id: string; readonly runId: string; readonly contentHash: string; readonly recordingId: string; readonly recordedAt: string },
  ): Promise<StoredResult>;
  /** Records new content: links exactly `evidenceIds`, bumps the revision, and keeps who recorded which hash. */
  record(
    current: StoredResult,
    content: ResultContent,
    recording: { readonly id: string; readonly by: string; readonly at: string; readonly contentHash: string },
    evidenceIds: readonly string[],
  ): Promise<StoredResult>;
  /** Everyone who recorded the current content of any result of the run (maker-checker at sign-off). */
  currentRecordersOfRun(runId: string): Promise<string[]>;
  /** Everyone who ever recorded exactly `contentHash` for the result (maker-checker). */
  recordersOf(resultId: string, contentHash: string): Promise<string[]>;
  /** For each result, the audit sequence number of its last recording (absent: never recorded by a person or analyzer). */
  lastRecordingSeq(resultIds: readonly string[]): Promise<Map<string, number>>;
}

export interface EvidenceRepository {
  bySha(firmId: string, sha256: readonly string[]): Promise<Evidence[]>;
  add(evidence: Evidence): Promise<Evidence>;
  list(firmId: string): Promise<Evidence[]>;
  /** Every SHA-256 the database records for any firm, with a name, for the vault check. */
  all(): Promise<{ sha256: string; name: string }[]>;
}

export interface ReviewRepository {
  /** Every approval and rejection of the results, in chain order. */
  forResults(resultIds: readonly string[]): Promise<Review[]>;
  approve(review: Omit<Review, 'kind' | 'reason' | 'seq'>): Promise<Review>;
  reject(review: Omit<Review, 'kind' | 'seq'> & { readonly reason: string }): Promise<Review>;
}

export interface FindingPatch {
  readonly severity?: FindingSeverity;
  readonly status?: FindingStatus;
  readonly rootCause?: string;
  readonly correctiveAction?: string;
  readonly owner?: string;
  readonly dueOn?: string;
  readonly effectivenessCheck?: string;
  readonly verifiedBy?: string;
  readonly verifiedAt?: string;
}

export interface FindingRepository {
  list(firmId?: string): Promise<Finding[]>;
  byIdPrefix(prefix: string): Promise<Finding[]>;
  /** The result's finding that is not verified closed, if any. */
  openFor(resultId: string): Promise<Finding | null>;
  /** The latest finding on the same item of the firm in an earlier period (a repeat finding links to it). */
  earlierFor(firmId: string, path: string, before: { runId: string; period: string }): Promise<Finding | null>;
  add(finding: Finding, repeat: boolean): Promise<Finding>;
  update(id: string, patch: FindingPatch, action: string): Promise<Finding>;
}

export interface AuditChain {
  /** The last event, read directly (no walk of the chain). */
  head(): Promise<ChainHead>;
}

/** The repositories of one store; inside `write` they are bound to its transaction. */
export interface InspectionRepositories {
  readonly firms: FirmRepository;
  readonly runs: RunRepository;
  readonly results: ResultRepository;
  readonly evidence: EvidenceRepository;
  readonly reviews: ReviewRepository;
  readonly findings: FindingRepository;
  readonly audit: AuditChain;
}

export interface InspectionStore extends InspectionRepositories {
  /**
   * Runs `fn` as one write transaction whose every write is audited under `actorLabel`: all of it
   * commits or none of it does. A write nested inside another joins it.
   */
  write<T>(actorLabel: string, fn: (tx: InspectionRepositories) => Promise<T>): Promise<T>;
}
