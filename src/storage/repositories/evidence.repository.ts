import type { Kysely } from 'kysely';
import type { Evidence } from '../../core/ports/records.js';
import type { EvidenceRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database } from '../schema.js';
import { evidenceOf, evidenceRow } from './rows.js';
import { writerOf } from './writer-of.js';

export class KyselyEvidenceRepository implements EvidenceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  async bySha(firmId: string, sha256: readonly string[]): Promise<Evidence[]> {
    if (!sha256.length) return [];
    return (await this.db.selectFrom('evidence').selectAll().where('firm_id', '=', firmId).where('sha256', 'in', sha256).execute()).map(evidenceOf);
  }

  async add(evidence: Evidence): Promise<Evidence> {
    return evidenceOf(await writerOf(this.w).insert('evidence', evidenceRow(evidence)));
  }

  async list(firmId: string): Promise<Evidence[]> {
    return (await this.db.selectFrom('evidence').selectAll().where('firm_id', '=', firmId).orderBy('uploaded_at').execute()).map(evidenceOf);
  }

  all(): Promise<{ sha256: string; name: string }[]> {
    return this.db.selectFrom('evidence').select(['sha256', 'name']).orderBy('sha256').execute();
  }
}
