import type { Kysely } from 'kysely';
import { chainHash, GENESIS_HASH } from '../../src/core/audit/audit-chain.js';
import type { Database } from '../../src/storage/schema.js';

/** The attack a database writer can make: change event `seq`'s actor and recompute every hash from genesis. */
export async function rewriteFromGenesis(db: Kysely<Database>, seq: number): Promise<void> {
  const events = await db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
  let prev = GENESIS_HASH;
  for (const e of events) {
    const body = {
      seq: Number(e.seq),
      at: e.at,
      actor: Number(e.seq) === seq ? 'mallory' : e.actor,
      action: e.action,
      entity: e.entity,
      entityId: e.entity_id,
      beforeHash: e.before_hash,
      afterHash: e.after_hash,
    };
    const hash = chainHash(prev, body);
    await db
      .updateTable('audit_events')
      .set({ actor: body.actor, prev_hash: prev, hash: `tmp-${hash}` })
      .where('seq', '=', e.seq)
      .execute();
    prev = hash;
  }
  // Two passes: hashes are unique, and a new hash may equal an old one of another event.
  await db
    .updateTable('audit_events')
    .set((eb) => ({ hash: eb.fn<string>('substr', [eb.ref('hash'), eb.val(5)]) }))
    .execute();
}
