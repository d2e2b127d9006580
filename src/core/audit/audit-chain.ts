import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/catalog-version.js';

/** The hash before the first event. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/** One write, as recorded: who did what to which row, with the row's hash before and after. */
export interface AuditEventBody {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly beforeHash: string | null;
  readonly afterHash: string | null;
}

export interface AuditEvent extends AuditEventBody {
  readonly prevHash: string;
  readonly hash: string;
}

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** Each event's hash covers the previous hash: changing, removing or inserting an event breaks every later link. */
export function chainHash(prevHash: string, body: AuditEventBody): string {
  return sha(`${prevHash}\n${canonicalJson(body)}`);
}

/** The hash of a stored row, as the chain records it (`null` for a deleted row). */
export function rowHash(row: Readonly<Record<string, unknown>>): string {
  return sha(canonicalJson(row));
}

export interface ChainProblem {
  readonly seq: number | null;
  readonly entity: string | null;
  readonly entityId: string | null;
  readonly kind: 'event_altered' | 'link_broken' | 'sequence_gap' | 'row_changed' | 'row_missing' | 'row_unrecorded';
  readonly detail: string;
}

/**
 * Walks the chain in order and names the first broken link; then compares every current row
 * with the hash the chain last recorded for it, so that a row edited directly in the database is
 * named too.
 */
export function verifyChain(
  events: Iterable<AuditEvent>,
  currentRows: ReadonlyMap<string, string>,
): { readonly ok: boolean; readonly events: number; readonly head: string; readonly problems: readonly ChainProblem[] } {
  const problems: ChainProblem[] = [];
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let chainOk = true;
  const lastAfter = new Map<string, string | null>();
  for (const e of events) {
    count++;
    if (chainOk) {
      const { prevHash, hash, ...body } = e;
      if (e.seq !== expectedSeq) {
        problems.push({
          seq: e.seq,
          entity: e.entity,
          entityId: e.entityId,
          kind: 'sequence_gap',
          detail: `expected event ${expectedSeq}, found ${e.seq}: events were removed or inserted`,
        });
        chainOk = false;
      } else if (prevHash !== prev) {
        problems.push({ seq: e.seq, entity: e.entity, entityId: e.entityId, kind: 'link_broken', detail: `event ${e.seq} does not follow event ${e.seq - 1}` });
        chainOk = false;
      } else if (chainHash(prevHash, body) !== hash) {
        problems.push({
          seq: e.seq,
          entity: e.entity,
          entityId: e.entityId,
          kind: 'event_altered',
          detail: `event ${e.seq} (${e.action} ${e.entity} ${e.entityId}) was changed after it was written`,
        });
        chainOk = false;
      }
      prev = hash;
      expectedSeq++;
    }
    lastAfter.set(`${e.entity}/${e.entityId}`, e.afterHash);
  }
  for (const [key, recorded] of lastAfter) {
    const [entity, ...rest] = key.split('/');
    const entityId = rest.join('/');
    const now = currentRows.get(key);
    if (recorded === null && now !== undefined) {
      problems.push({ seq: null, entity: entity!, entityId, kind: 'row_changed', detail: `${entity} ${entityId} was deleted by ccheck but exists again` });
    } else if (recorded !== null && now === undefined) {
      problems.push({ seq: null, entity: entity!, entityId, kind: 'row_missing', detail: `${entity} ${entityId} was deleted outside ccheck` });
    } else if (recorded !== null && now !== recorded) {
      problems.push({
        seq: null,
        entity: entity!,
        entityId,
        kind: 'row_changed',
        detail: `${entity} ${entityId} was changed outside ccheck (its content no longer matches the audit trail)`,
      });
    }
  }
  for (const key of currentRows.keys()) {
    if (!lastAfter.has(key)) {
      const [entity, ...rest] = key.split('/');
      problems.push({
        seq: null,
        entity: entity!,
        entityId: rest.join('/'),
        kind: 'row_unrecorded',
        detail: `${key} was written outside ccheck (no audit event)`,
      });
    }
  }
  return { ok: problems.length === 0, events: count, head: prev, problems };
}
