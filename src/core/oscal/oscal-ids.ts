import { createHash } from 'node:crypto';

/**
 * Namespace of ccheck's own OSCAL properties and parts (a URN, so it names no web address we do
 * not own). OSCAL lets any organisation qualify a name with its namespace; readers that do not
 * know it skip those properties.
 */
export const CCHECK_NS = 'urn:ccheck:oscal';

/** The OSCAL versions whose NIST JSON schemas the exports are tested against. */
export const OSCAL_VERSIONS = ['1.1.3', '1.2.1'] as const;
export type OscalVersion = (typeof OSCAL_VERSIONS)[number];

/** A fixed namespace UUID for ccheck's name-based (version 5) UUIDs. */
const CCHECK_UUID_NAMESPACE = 'c0a1c3e4-1d2b-5e6f-8a9b-0c1d2e3f4a5b';

/**
 * RFC 4122 version 5 UUID of `name`: the same record always gets the same UUID, so exporting a
 * run twice gives the same document and a diff shows only what changed. OSCAL accepts v4 and v5.
 */
export function uuidV5(name: string): string {
  const ns = Buffer.from(CCHECK_UUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * OSCAL ids are XML NCNames (no `/` or brackets): `7/(1)/d/(a)` → `p7.1.d.a`. Readable, and
 * reversible for the mechanism's four printed levels.
 */
export function controlIdOf(path: string): string {
  return `p${path.replace(/[()]/g, '').replace(/\//g, '.')}`;
}

/** The id of a control's statement part, the target of an assessment finding. */
export function statementIdOf(path: string): string {
  return `${controlIdOf(path)}_smt`;
}
