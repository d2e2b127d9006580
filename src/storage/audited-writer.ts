import type { Kysely } from 'kysely';
import { eventMac, verifyAuthenticity, type Witness } from '../core/audit/audit-auth.js';
import { chainHash, GENESIS_HASH, rowHash, verifyChain, type AuditEvent } from '../core/audit/audit-chain.js';
import { AUDITED_TABLES, type AuditedTable, type Database } from './schema.js';

type Row = Record<string, unknown>;
type Key = Record<string, string>;
/* eslint-disable @typescript-eslint/no-explicit-any -- table names are dynamic here; callers keep the types */

const keyOf = (table: AuditedTable, row: Row) => AUDITED_TABLES.find((t) => t.table === table)!.key(row);

/**
 * Every write goes through here, inside a write transaction: the row is written, read back as
 * stored, and an audit event with the row's hash before and after is appended to the chain in
 * the same transaction. Nothing is written without its event, and no event without its write.
 */
export class AuditedWriter {
  private head: { seq: number; hash: string } | null = null;

  constructor(
    private readonly tx: Kysely<Database>,
    private readonly actor: string,
    private readonly at: string,
    /** The installation's audit key: each event is MACed with it (null only for stores before keys). */
    private readonly macKey: Uint8Array | null = null,
  ) {}

  private get db(): Kysely<any> {
    return this.tx;
  }

  private async read(table: AuditedTable, key: Key): Promise<Row | undefined> {
    let q = this.db.selectFrom(table as string).selectAll();
    for (const [k, v] of Object.entries(key)) q = q.where(k, '=', v);
    return await q.executeTakeFirst();
  }

  private async append(action: string, entity: AuditedTable, entityId: string, before: Row | undefined, after: Row | undefined): Promise<void> {
    if (!this.head) {
      const last = await this.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      this.head = last ? { seq: Number(last.seq), hash: String(last.hash) } : { seq: 0, hash: GENESIS_HASH };
    }
    const body = {
      seq: this.head.seq + 1,
      at: this.at,
      actor: this.actor,
      action,
      entity,
      entityId,
      beforeHash: before ? rowHash(before) : null,
      afterHash: after ? rowHash(after) : null,
    };
    const hash = chainHash(this.head.hash, body);
    await this.db
      .insertInto('audit_events')
      .values({
        seq: body.seq,
        at: body.at,
        actor: body.actor,
        action,
        entity,
        entity_id: entityId,
        before_hash: body.beforeHash,
        after_hash: body.afterHash,
        prev_hash: this.head.hash,
        hash,
        mac: this.macKey ? eventMac(this.macKey, body.seq, hash) : null,
      })
      .execute();
    this.head = { seq: body.seq, hash };
  }

  async insert<T extends AuditedTable>(table: T, row: Database[T], action = `${table}.insert`): Promise<Database[T]> {
    const r = row as unknown as Row;
    await this.db.insertInto(table).values(r).execute();
    const key: Key = table === 'result_evidence' ? { result_id: String(r.result_id), evidence_id: String(r.evidence_id) } : { id: String(r.id) };
    const stored = (await this.read(table, key))!;
    await this.append(action, table, keyOf(table, stored), undefined, stored);
    return stored as unknown as Database[T];
  }

  async update<T extends AuditedTable>(table: T, id: string, patch: Partial<Database[T]>, action = `${table}.update`): Promise<Database[T]> {
    const before = await this.read(table, { id });
    if (!before) throw new Error(`${table} ${id} not found`);
    await this.db
      .updateTable(table as string)
      .set(patch as unknown as Row)
      .where('id', '=', id)
      .execute();
    const after = (await this.read(table, { id }))!;
    await this.append(action, table, id, before, after);
    return after as unknown as Database[T];
  }

  async delete(table: AuditedTable, key: Key, action = `${table}.delete`): Promise<void> {
    const before = await this.read(table, key);
    if (!before) return;
    let q = this.db.deleteFrom(table);
    for (const [k, v] of Object.entries(key)) q = q.where(k, '=', v);
    await q.execute();
    await this.append(action, table, keyOf(table, before), before, undefined);
  }
}

/**
 * Reads the whole chain and every audited row, and checks one against the other; given the audit
 * key and the witnesses (kept outside the database), also each event's MAC and each witnessed head.
 */
export async function verifyAuditTrail(
  db: Kysely<Database>,
  auth?: { key: Uint8Array | null; witnesses: readonly Witness[] },
  /** Called between reading the chain and reading the rows (a test stops the process there to race a writer). */
  afterChainRead?: () => void,
) {
  const any = db as unknown as Kysely<any>;
  const rows = (await any.selectFrom('audit_events').selectAll().orderBy('seq').execute()) as Row[];
  afterChainRead?.();
  const events: AuditEvent[] = rows.map((r) => ({
    seq: Number(r.seq),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    entity: String(r.entity),
    entityId: String(r.entity_id),
    beforeHash: (r.before_hash as string | null) ?? null,
    afterHash: (r.after_hash as string | null) ?? null,
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  }));
  const current = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const t of AUDITED_TABLES) {
    for (const r of (await any.selectFrom(t.table).selectAll().execute()) as Row[]) {
      const key = `${t.table}/${t.key(r)}`;
      current.set(key, rowHash(r));
      // What a person recognises: the item path of a result or finding, the name of a file.
      const label = (r.path ?? r.name ?? r.period ?? r.licence) as string | undefined;
      if (label) labels.set(key, label);
    }
  }
  const result = verifyChain(events, current);
  const authenticity = auth
    ? verifyAuthenticity(
        rows.map((r) => ({ seq: Number(r.seq), hash: String(r.hash), mac: (r.mac as string | null | undefined) ?? null })),
        auth.key,
        auth.witnesses,
      )
    : null;
  const problems = [
    ...result.problems.map((p) => ({ ...p, label: labels.get(`${p.entity}/${p.entityId}`) ?? null })),
    ...(authenticity?.problems ?? []).map((p) => ({ ...p, entity: null, entityId: null, label: null })),
  ];
  return {
    ...result,
    ok: problems.length === 0,
    problems,
    /** Events before this seq carry no MAC (written before the audit key existed); null when all do, or unchecked. */
    unauthenticatedBefore: authenticity?.unauthenticatedBefore ?? null,
    lastSeq: events.length ? events[events.length - 1]!.seq : 0,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
