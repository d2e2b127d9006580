/**
 * The e-signature history of one run (TWSE 臺證輔字第1060504884號: when an outside party inspects,
 * the whole history of the electronic sign-off is produced and printed on demand): every record,
 * approval, rejection, sign-off and revision, who, when, what exactly (the content hash), and how the person
 * was authenticated. Assembled from the audit trail; this is the shape the reports print.
 */
export type SignatureAction = 'start' | 'record' | 'approve' | 'reject' | 'signoff' | 'revise';

export interface SignatureEvent {
  /** The audit event's sequence number: the history is in chain order. */
  readonly seq: number;
  /** ISO instant (UTC); reports print it in Taipei time. */
  readonly at: string;
  readonly actor: string;
  /** recorder · reviewer · ciso · operator */
  readonly role: string;
  readonly action: SignatureAction;
  /** The item a record or approval is about; null for the run as a whole. */
  readonly item: string | null;
  /** What was recorded, approved or signed: the result's content hash, or the sign-off's results hash. */
  readonly hash: string | null;
  readonly authentication: string;
  /** Why a reviewer rejected the result (rejections only). */
  readonly reason?: string | null;
}

/** The signature part of a report: which revision it is, its sign-off, its history, the key that signs packages. */
export interface ReportSignature {
  readonly revision: number;
  readonly revisesRunId: string | null;
  readonly signoff: { readonly by: string; readonly at: string; readonly role: string; readonly authentication: string; readonly resultsHash: string } | null;
  readonly history: readonly SignatureEvent[];
  /** The installation's package-signing public key (Ed25519) and its fingerprint, when one exists. */
  readonly signingKey: { readonly publicKeyPem: string; readonly fingerprint: string } | null;
}

/** How a CLI actor is authenticated while there are no accounts: named, not proven. */
export const LOCAL_OPERATOR = 'local operator (CLI; named by --as / CCHECK_USER / login name)';

/** The history in chain order; the audit chain, not the clock, decides what came first. */
export function orderHistory(events: readonly SignatureEvent[]): SignatureEvent[] {
  return [...events].sort((a, b) => a.seq - b.seq);
}
