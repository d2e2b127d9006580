/**
 * What `POST /api/packages/verify` answers (the same check as `ccheck package verify --store`,
 * issue 12), and the lines the verify page shows for it. Pure: the page translates each line's key.
 */
export interface PackageProblemJson {
  readonly file: string;
  /** signature_invalid · manifest_invalid · file_changed · file_missing · file_unlisted · key_mismatch */
  readonly kind: string;
  readonly detail: string;
}

export interface PackageVerifyJson {
  readonly ok: boolean;
  readonly fingerprint: string | null;
  readonly firm: string | null;
  readonly period: string | null;
  readonly revision: number | null;
  readonly files: number;
  readonly audit_head: { readonly seq: number; readonly hash: string } | null;
  readonly store: { readonly checked: boolean; readonly holds_head: boolean; readonly detail: string } | null;
  readonly problems: readonly PackageProblemJson[];
}

export type LineTone = 'ok' | 'bad' | 'info';

/** One line of the result: an i18n key under `verify.` and its parameters. */
export interface VerifyLine {
  readonly tone: LineTone;
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** `sha256:0123…` → its first 12 hex digits, enough to compare by eye; the full hash stays in a title. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) return '';
  return hash.replace(/^sha256:/, '').slice(0, 12);
}

/** The verdict first, then what the package is, its key, the audit head and the store, then every problem. */
export function verifyLines(v: PackageVerifyJson): VerifyLine[] {
  const lines: VerifyLine[] = [];
  lines.push(v.ok ? { tone: 'ok', key: 'valid', params: {} } : { tone: 'bad', key: 'invalid', params: { n: v.problems.length } });
  if (v.firm) lines.push({ tone: 'info', key: 'package', params: { firm: v.firm, period: v.period ?? '', revision: v.revision ?? 1, files: v.files } });
  lines.push(v.fingerprint ? { tone: 'info', key: 'fingerprint', params: { fingerprint: v.fingerprint } } : { tone: 'bad', key: 'noFingerprint', params: {} });
  if (v.audit_head) lines.push({ tone: 'info', key: 'head', params: { seq: v.audit_head.seq, hash: shortHash(v.audit_head.hash) } });
  // A package can be intact and still not be this store's: the signed audit head must still be in the chain.
  if (!v.store || !v.store.checked) lines.push({ tone: 'info', key: 'storeUnchecked', params: { detail: v.store?.detail ?? '' } });
  else if (v.store.holds_head) lines.push({ tone: 'ok', key: 'storeHolds', params: { detail: v.store.detail } });
  else lines.push({ tone: 'bad', key: 'storeMissing', params: { detail: v.store.detail } });
  for (const p of v.problems) lines.push({ tone: 'bad', key: 'problem', params: { file: p.file, kind: p.kind, detail: p.detail } });
  return lines;
}
