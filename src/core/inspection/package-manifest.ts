import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/catalog-version.js';
import { CoreError } from '../errors.js';

/**
 * The package of a signed revision (臺證輔字第1060504884號: 查核報告、查核明細表、查核工作底稿及附件,
 * with the e-signature history): one archive whose manifest names every file with its SHA-256 and
 * the audit chain head at sign-off. The installation signs the manifest's canonical form with its
 * Ed25519 key; an examiner checks the signature, then every file against the manifest.
 */
export interface PackageManifest {
  readonly format: 'ccheck-package/1';
  readonly firm: { readonly name: string; readonly licence: string };
  readonly period: string;
  readonly revision: number;
  readonly runId: string;
  readonly revisesRunId: string | null;
  readonly signoff: { readonly by: string; readonly at: string; readonly role: string; readonly authentication: string; readonly resultsHash: string };
  /** The audit chain at sign-off: the sign-off event's seq and hash. */
  readonly auditHead: { readonly seq: number; readonly hash: string };
  readonly createdAt: string;
  readonly signingKey: { readonly fingerprint: string; readonly publicKeyPem: string };
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly size: number }[];
}

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

/** The exact bytes that are signed: canonical JSON (sorted keys), files sorted by path. */
export function manifestBytes(m: PackageManifest): Buffer {
  return Buffer.from(canonicalJson({ ...m, files: [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) }), 'utf8');
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A public key's fingerprint: SHA-256 of its DER (SubjectPublicKeyInfo), as colon-separated hex pairs. */
export function publicKeyFingerprint(spkiDer: Uint8Array): string {
  return `SHA256:${sha256Hex(spkiDer).match(/../g)!.join(':')}`;
}

export interface PackageProblem {
  readonly file: string;
  readonly kind: 'signature_invalid' | 'manifest_invalid' | 'file_changed' | 'file_missing' | 'file_unlisted' | 'key_mismatch';
  readonly detail: string;
}

/**
 * Compares the archive's files with the manifest: each listed file present with its hash, no
 * file that the manifest does not list (except the manifest and its signature).
 */
export function compareFiles(m: PackageManifest, actual: ReadonlyMap<string, string>): PackageProblem[] {
  const problems: PackageProblem[] = [];
  const listed = new Set<string>();
  for (const f of m.files) {
    listed.add(f.path);
    const got = actual.get(f.path);
    if (got === undefined) problems.push({ file: f.path, kind: 'file_missing', detail: `${f.path} is listed in the manifest but not in the package` });
    else if (got !== f.sha256)
      problems.push({ file: f.path, kind: 'file_changed', detail: `${f.path} was changed: its SHA-256 is ${got}, the manifest says ${f.sha256}` });
  }
  for (const p of actual.keys())
    if (!listed.has(p) && p !== MANIFEST_FILE && p !== SIGNATURE_FILE)
      problems.push({ file: p, kind: 'file_unlisted', detail: `${p} is in the package but not in the manifest` });
  return problems;
}

/** Parses a manifest, refusing one that is not a ccheck package manifest. */
export function parseManifest(text: string): PackageManifest {
  let m: Partial<PackageManifest>;
  try {
    m = JSON.parse(text) as Partial<PackageManifest>;
  } catch (e) {
    throw new CoreError(
      'PACKAGE_INVALID',
      `${MANIFEST_FILE}: not JSON (${(e as Error).message})`,
      { what: `${MANIFEST_FILE} is not JSON` },
      { file: MANIFEST_FILE },
    );
  }
  if (m.format !== 'ccheck-package/1' || !Array.isArray(m.files) || !m.auditHead || !m.signingKey)
    throw new CoreError(
      'PACKAGE_INVALID',
      `${MANIFEST_FILE}: not a ccheck package manifest`,
      { what: `${MANIFEST_FILE} is not a ccheck package manifest` },
      { file: MANIFEST_FILE },
    );
  return m as PackageManifest;
}
