import type { Kysely } from 'kysely';
import { GENESIS_HASH } from '../../core/audit/audit-chain.js';
import type { ChainHead } from '../../core/ports/records.js';
import type { AuditChain } from '../../core/ports/repositories.js';
import type { Database } from '../schema.js';

export class KyselyAuditChain implements AuditChain {
  constructor(private readonly db: Kysely<Database>) {}

  /** One indexed read of the last event: learning the head never walks the chain. */
  async head(): Promise<ChainHead> {
    const last = await this.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return last ? { seq: Number(last.seq), hash: String(last.hash) } : { seq: 0, hash: GENESIS_HASH };
  }
}
