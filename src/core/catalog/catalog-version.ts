import { createHash } from 'node:crypto';
import type { IsoDate } from '../dates.js';
import type { CatalogNode } from './catalog-node.js';
import type { SourceCorrection } from './mechanism-reference.js';

export type VersionSource =
  | {
      readonly kind: 'amendment_table';
      readonly column: 'amended' | 'current';
      /** SHA-256 of the source file's bytes, so a version can be traced to exactly one file. */
      readonly sha256: string;
      readonly fileName: string;
    }
  | {
      readonly kind: 'firm_checklist';
      readonly baseId: string;
      readonly baseHash: string;
      readonly sha256: string;
      readonly fileName: string;
    }
  | {
      /** An OSCAL catalog (ccheck's own export, or any other, e.g. NIST SP 800-53). */
      readonly kind: 'oscal_catalog';
      readonly uuid: string;
      readonly oscalVersion: string;
      readonly sha256: string;
      readonly fileName: string;
    };

/** Everything that makes up a version's content; the hash is taken over exactly this. */
export interface CatalogVersionContent {
  readonly title: string;
  readonly effectiveDate: IsoDate | null;
  /** Why the date is what it is, when the source does not print it. */
  readonly effectiveDateNote: string | null;
  /** Legal basis printed in the source, e.g. the FSC consent letter. */
  readonly basis: string | null;
  readonly source: VersionSource;
  /** The source ends with (以下略): nodes after this path exist but were not printed. */
  readonly truncatedAfter: string | null;
  /** Corrections applied to the extracted source text (lost strike-through), kept for the record. */
  readonly corrections: readonly SourceCorrection[];
  readonly nodes: readonly CatalogNode[];
}

/** One immutable text of the mechanism: id + effective date + content hash. */
export interface CatalogVersion extends CatalogVersionContent {
  readonly id: string;
  /** `sha256:` + hex of the canonical JSON of the content. */
  readonly hash: string;
}

/**
 * JSON with object keys sorted at every depth, so the same content always hashes the same
 * whatever order a parser or a later edit produced the keys in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashVersionContent(content: CatalogVersionContent): string {
  const body: CatalogVersionContent = {
    title: content.title,
    effectiveDate: content.effectiveDate,
    effectiveDateNote: content.effectiveDateNote,
    basis: content.basis,
    source: content.source,
    truncatedAfter: content.truncatedAfter,
    corrections: content.corrections,
    nodes: content.nodes,
  };
  return `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;
}

export function createCatalogVersion(id: string, content: CatalogVersionContent): CatalogVersion {
  return deepFreeze({ id, ...content, hash: hashVersionContent(content) });
}

/** True when the stored hash still matches the content: a version file edited by hand fails. */
export function verifyVersionHash(version: CatalogVersion): boolean {
  return hashVersionContent(version) === version.hash;
}

export function findNode(version: CatalogVersion, path: string): CatalogNode | undefined {
  return version.nodes.find((n) => n.path === path);
}

/** The node and everything under it, in catalog order. */
export function subtree(version: CatalogVersion, path: string): CatalogNode[] {
  return version.nodes.filter((n) => n.path === path || n.path.startsWith(`${path}/`));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
