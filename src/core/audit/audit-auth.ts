import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What the hash chain alone cannot give: whoever can write the database can recompute every
 * hash from genesis, or cut the tail. Two things kept outside the database close that:
 * - each event's MAC under the installation's audit key (audit.key, beside the vault key), which
 *   a database writer cannot compute;
 * - witnesses: the chain head (seq, hash) appended to a file outside the database at every
 *   sign-off, backup and key creation; the chain must still hold each witnessed head.
 */
export interface Witness {
  readonly seq: number;
  readonly head: string;
  readonly at: string;
  /** Why the head was witnessed: `audit-key` (MACs begin after this seq), `signoff …`, `backup`. */
  readonly reason: string;
}

export interface AuthProblem {
  readonly seq: number | null;
  readonly kind: 'mac_invalid' | 'mac_missing' | 'mac_unverifiable' | 'witness_mismatch' | 'tail_cut';
  readonly detail: string;
}

/** The MAC of one event: its seq and chain hash (the hash covers the body and the previous hash). */
export function eventMac(key: Uint8Array, seq: number, hash: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(`ccheck audit event\n${seq}\n${hash}`).digest('hex')}`;
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks every event's MAC and every witness. Events before the key existed carry no MAC and
 * are reported as unauthenticated (not as a problem); from the seq the `audit-key` witness
 * names, or the first event with a MAC if earlier, every event must carry a valid one.
 */
export function verifyAuthenticity(
  events: readonly { readonly seq: number; readonly hash: string; readonly mac: string | null }[],
  key: Uint8Array | null,
  witnesses: readonly Witness[],
): { readonly problems: readonly AuthProblem[]; readonly unauthenticatedBefore: number | null } {
  const problems: AuthProblem[] = [];
  const keyFrom = witnesses.filter((w) => w.reason === 'audit-key').map((w) => w.seq + 1);
  const firstMac = events.find((e) => e.mac !== null)?.seq;
  const required = Math.min(...keyFrom, firstMac ?? Infinity);
  for (const e of events) {
    if (e.mac === null) {
      if (e.seq >= required) {
        problems.push({
          seq: e.seq,
          kind: 'mac_missing',
          detail: `event ${e.seq} has no MAC although the audit key existed: it was written or rewritten outside ccheck`,
        });
        break;
      }
      continue;
    }
    if (!key) {
      problems.push({
        seq: e.seq,
        kind: 'mac_unverifiable',
        detail: `event ${e.seq} carries a MAC but no audit key is available to check it (audit.key or CCHECK_AUDIT_KEY)`,
      });
      break;
    }
    if (!sameMac(e.mac, eventMac(key, e.seq, e.hash))) {
      problems.push({
        seq: e.seq,
        kind: 'mac_invalid',
        detail: `event ${e.seq}'s MAC does not match: the event was rewritten by someone without the audit key`,
      });
      break;
    }
  }
  const bySeq = new Map(events.map((e) => [e.seq, e.hash]));
  const last = events.length ? events[events.length - 1]!.seq : 0;
  for (const w of witnesses) {
    if (w.seq === 0) continue;
    if (w.seq > last) {
      problems.push({
        seq: w.seq,
        kind: 'tail_cut',
        detail: `the chain ends at event ${last}, but event ${w.seq} was witnessed at ${w.at} (${w.reason}): its last events were deleted`,
      });
    } else if (bySeq.get(w.seq) !== w.head) {
      problems.push({
        seq: w.seq,
        kind: 'witness_mismatch',
        detail: `event ${w.seq} is not the one witnessed at ${w.at} (${w.reason}): the chain was rewritten`,
      });
    }
  }
  const unauthenticated = Number.isFinite(required) ? required : last + 1;
  return { problems, unauthenticatedBefore: unauthenticated > 1 ? unauthenticated : null };
}

/** One witness line, as appended to the witness file. */
export function witnessLine(w: Witness): string {
  return `${JSON.stringify({ seq: w.seq, head: w.head, at: w.at, reason: w.reason })}\n`;
}

/** Reads the witness file's lines; a line that is not a witness is an error naming the line. */
export function parseWitnesses(text: string, file: string): { witnesses: Witness[]; bad: { line: number; detail: string }[] } {
  const witnesses: Witness[] = [];
  const bad: { line: number; detail: string }[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const w = JSON.parse(l) as Partial<Witness>;
      if (typeof w.seq !== 'number' || typeof w.head !== 'string' || typeof w.at !== 'string' || typeof w.reason !== 'string')
        throw new Error('fields missing');
      witnesses.push({ seq: w.seq, head: w.head, at: w.at, reason: w.reason });
    } catch (e) {
      bad.push({ line: i + 1, detail: `${file} line ${i + 1}: not a witness (${(e as Error).message})` });
    }
  });
  return { witnesses, bad };
}
