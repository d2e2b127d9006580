import type { AppliesTo, Frequency } from './catalog-node.js';

/**
 * Facts about the whole mechanism that the amendment table does not print (codes, frequencies
 * and scopes of points it elides), from the exchange's public rule pages. Kept as data
 * (`data/catalog/mechanism.yaml`) next to the catalog, and marked `reference` wherever used, so
 * that nobody mistakes them for printed text.
 */
export interface MechanismReference {
  readonly source: string;
  readonly entries: readonly ReferenceEntry[];
}

export interface ReferenceEntry {
  readonly path: string;
  readonly title?: string | undefined;
  readonly titleEn?: string | undefined;
  readonly code?: string | undefined;
  readonly frequency?: Frequency | undefined;
  readonly appliesTo?: AppliesTo | undefined;
  readonly note?: string | undefined;
}

export const EMPTY_REFERENCE: MechanismReference = { source: 'none', entries: [] };

/** Textual corrections for a specific source file, where the extracted text lost strike-through. */
export interface SourceCorrection {
  readonly column: 'amended' | 'current';
  readonly path: string;
  readonly field: 'title' | 'text' | 'effectiveDate';
  readonly from: string | null;
  readonly to: string | null;
  readonly why: string;
}

export interface SourceCorrections {
  /** The corrections apply only to the file with exactly this SHA-256. */
  readonly sourceSha256: string;
  readonly corrections: readonly SourceCorrection[];
}

/** English readings of a version's items, keyed by path; not official translations. */
export interface EnglishOverlay {
  readonly source: string;
  readonly entries: Readonly<Record<string, { readonly title?: string | undefined; readonly text?: string | undefined }>>;
}
