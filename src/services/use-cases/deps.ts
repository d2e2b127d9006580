import type { CatalogVersion } from '../../core/catalog/catalog-version.js';
import type { ApplicabilityRule } from '../../core/applicability/applicability-rule.js';
import type { EvidenceBlobStore } from '../../core/ports/evidence-blobs.js';
import type { Clock, IdSource } from '../../core/ports/clock.js';
import type { InspectionStore } from '../../core/ports/repositories.js';
import type { InspectionService } from '../inspection-service.js';

/**
 * What the inspection use cases are given: ports only (the core declares them, storage
 * implements them). Each use case takes these and the acting Actor explicitly; there is no
 * service object holding everything.
 */
export interface InspectionDeps {
  readonly store: InspectionStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Crash-test hook: called at named points so tests can stop or kill the process exactly there. */
  readonly fault?: (point: string) => void;
}

/** The catalog a run freezes: the version a firm names (or the latest in force) and the applicability rules. */
export interface CatalogSource {
  version(ref?: string): CatalogVersion;
  rules(): readonly ApplicabilityRule[];
}

export interface EvidenceDeps extends InspectionDeps {
  readonly blobs: EvidenceBlobStore;
}

/**
 * What the output use cases (reports, OSCAL, packages, the e-signature history) are given. The
 * report is still assembled through the façade (it verifies the audit chain, decrypts cited
 * evidence, reads frozen catalog versions and the signing key), so they take it whole until
 * those reads are ports too; the Actor check and the bytes-not-files contract are theirs already.
 */
export interface OutputDeps {
  readonly inspections: InspectionService;
}

/** A file a use case produced: a suggested name, its media type, and its bytes. Shells decide where (and whether) it is written. */
export interface FileOutput {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}
