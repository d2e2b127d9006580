import type { Kysely } from 'kysely';
import type { Firm } from '../../core/ports/records.js';
import type { FirmRepository } from '../../core/ports/repositories.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { Database } from '../schema.js';
import { firmOf, firmRow } from './rows.js';
import { writerOf } from './writer-of.js';

export class KyselyFirmRepository implements FirmRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly w: AuditedWriter | null,
  ) {}

  async list(): Promise<Firm[]> {
    return (await this.db.selectFrom('firms').selectAll().orderBy('name').execute()).map(firmOf);
  }

  async matching(ref: string): Promise<Firm[]> {
    const rows = await this.db
      .selectFrom('firms')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('licence', '=', ref), eb('name', '=', ref)]))
      .execute();
    return rows.map(firmOf);
  }

  async byLicence(licence: string): Promise<Firm | null> {
    const r = await this.db.selectFrom('firms').selectAll().where('licence', '=', licence).executeTakeFirst();
    return r ? firmOf(r) : null;
  }

  async add(firm: Firm): Promise<Firm> {
    return firmOf(await writerOf(this.w).insert('firms', firmRow(firm)));
  }

  async updateProfile(firm: Firm): Promise<Firm> {
    const row = firmRow(firm);
    return firmOf(await writerOf(this.w).update('firms', firm.id, { name: row.name, profile_json: row.profile_json }, 'firms.update_profile'));
  }
}
