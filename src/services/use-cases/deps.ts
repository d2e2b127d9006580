import type { CatalogVersion } from '../../core/catalog/catalog-version.js';
import type { ApplicabilityRule } from '../../core/applicability/applicability-rule.js';
import type { EvidenceBlobStore } from '../../core/ports/evidence-blobs.js';
import type { Clock, IdSource } from '../../core/ports/clock.js';
import type { InspectionStore } from '../../core/ports/repositories.js';

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
