import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Migrations take `Kysely<any>` and stay frozen in time: never edit one that has shipped; add
 * the next. Only portable column types (text, integer), so the same migration runs on SQLite
 * and PostgreSQL.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
const migrations: Record<string, Migration> = {
  '0001_inspections': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('firms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('licence', 'text', (c) => c.notNull().unique())
        .addColumn('profile_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('catalog_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('effective_date', 'text')
        .addColumn('content_json', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('inspection_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('firm_id', 'text', (c) => c.notNull().references('firms.id'))
        .addColumn('catalog_version_id', 'text', (c) => c.notNull().references('catalog_versions.id'))
        .addColumn('catalog_hash', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('frequency', 'text', (c) => c.notNull())
        .addColumn('applicability_json', 'text', (c) => c.notNull())
        .addColumn('profile_hash', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('inspection_runs_firm_period', ['firm_id', 'period'])
        .execute();
      await db.schema
        .createTable('item_results')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull().references('inspection_runs.id'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('justification', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('expires_on', 'text')
        .addColumn('recorded_by', 'text')
        .addColumn('recorded_at', 'text')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addUniqueConstraint('item_results_run_path', ['run_id', 'path'])
        .execute();
      await db.schema
        .createTable('evidence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('firm_id', 'text', (c) => c.notNull().references('firms.id'))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('collected_at', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('expires_on', 'text')
        .addUniqueConstraint('evidence_firm_sha', ['firm_id', 'sha256'])
        .execute();
      await db.schema
        .createTable('result_evidence')
        .addColumn('result_id', 'text', (c) => c.notNull().references('item_results.id'))
        .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence.id'))
        .addPrimaryKeyConstraint('result_evidence_pk', ['result_id', 'evidence_id'])
        .execute();
      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('result_id', 'text', (c) => c.notNull().references('item_results.id'))
        .addColumn('approved_by', 'text', (c) => c.notNull())
        .addColumn('approved_at', 'text', (c) => c.notNull())
        .addColumn('approved_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('findings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('firm_id', 'text', (c) => c.notNull().references('firms.id'))
        .addColumn('run_id', 'text', (c) => c.notNull().references('inspection_runs.id'))
        .addColumn('result_id', 'text', (c) => c.notNull().references('item_results.id'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('root_cause', 'text')
        .addColumn('corrective_action', 'text')
        .addColumn('owner', 'text')
        .addColumn('due_on', 'text')
        .addColumn('effectiveness_check', 'text')
        .addColumn('verified_by', 'text')
        .addColumn('verified_at', 'text')
        .addColumn('previous_finding_id', 'text', (c) => c.references('findings.id'))
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('before_hash', 'text')
        .addColumn('after_hash', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('findings_firm_path').on('findings').columns(['firm_id', 'path']).execute();
      await db.schema.createIndex('item_results_run').on('item_results').column('run_id').execute();
    },
  },
  '0002_analyzer_reports': {
    // The full report of an analyzer recorded into a run: the findings, row by row, that the
    // inspection report shows next to the result.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('analyzer_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull().references('inspection_runs.id'))
        .addColumn('analyzer', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('items_json', 'text', (c) => c.notNull())
        .addColumn('evidence_json', 'text', (c) => c.notNull())
        .addColumn('report_json', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('analyzer_reports_run').on('analyzer_reports').column('run_id').execute();
    },
  },
  '0003_result_recordings': {
    // Every recording of an item's result, with the content hash recorded: maker-checker asks
    // "did the approver ever record this content?", not only "is the approver the last recorder?".
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('result_recordings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('result_id', 'text', (c) => c.notNull().references('item_results.id'))
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('result_recordings_result').on('result_recordings').columns(['result_id', 'content_hash']).execute();
    },
  },
  '0004_signed_inspection': {
    // The signed inspection (TWSE 臺證輔字第1060504884號: a signed-off report is kept read-only, a
    // correction is a new revision). A revision is a second run of the same firm and period, so
    // the one-run-per-period constraint goes (revisions are unique instead, in run_revisions).
    // New facts live in new tables: adding a column to an audited table would change the hash
    // of every stored row and break the audit trail.
    async up(db: Kysely<any>) {
      const postgres = await sql`select version() as v`
        .execute(db)
        .then((r) => String((r.rows[0] as { v?: string } | undefined)?.v ?? '').startsWith('PostgreSQL'))
        .catch(() => false);
      if (postgres) {
        await sql`alter table inspection_runs drop constraint inspection_runs_firm_period`.execute(db);
      } else {
        // SQLite cannot drop a table constraint: rebuild the table with the same columns and
        // rows (row hashes stay the same), foreign keys off while the parent is swapped. Kysely
        // runs SQLite migrations outside a transaction, so the pragma takes effect.
        await sql`pragma foreign_keys = off`.execute(db);
        try {
          await db.schema
            .createTable('inspection_runs_0004')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('firm_id', 'text', (c) => c.notNull().references('firms.id'))
            .addColumn('catalog_version_id', 'text', (c) => c.notNull().references('catalog_versions.id'))
            .addColumn('catalog_hash', 'text', (c) => c.notNull())
            .addColumn('period', 'text', (c) => c.notNull())
            .addColumn('frequency', 'text', (c) => c.notNull())
            .addColumn('applicability_json', 'text', (c) => c.notNull())
            .addColumn('profile_hash', 'text', (c) => c.notNull())
            .addColumn('started_at', 'text', (c) => c.notNull())
            .addColumn('started_by', 'text', (c) => c.notNull())
            .execute();
          await sql`insert into inspection_runs_0004 select id, firm_id, catalog_version_id, catalog_hash, period, frequency, applicability_json, profile_hash, started_at, started_by from inspection_runs`.execute(
            db,
          );
          await db.schema.dropTable('inspection_runs').execute();
          await db.schema.alterTable('inspection_runs_0004').renameTo('inspection_runs').execute();
        } finally {
          await sql`pragma foreign_keys = on`.execute(db);
        }
      }
      await db.schema.createIndex('inspection_runs_firm_period_idx').on('inspection_runs').columns(['firm_id', 'period']).execute();
      await db.schema
        .createTable('run_revisions')
        .addColumn('id', 'text', (c) => c.primaryKey()) // the run that is this revision
        .addColumn('firm_id', 'text', (c) => c.notNull().references('firms.id'))
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('revises_run_id', 'text', (c) => c.notNull().references('inspection_runs.id'))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('run_revisions_firm_period_revision', ['firm_id', 'period', 'revision'])
        .addUniqueConstraint('run_revisions_revises', ['revises_run_id'])
        .execute();
      await db.schema
        .createTable('run_signoffs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull().unique().references('inspection_runs.id'))
        .addColumn('signed_by', 'text', (c) => c.notNull())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('authentication', 'text', (c) => c.notNull())
        .addColumn('results_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('firm_retention')
        .addColumn('id', 'text', (c) => c.primaryKey()) // the firm's id
        .addColumn('years', 'integer', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();
      // The event's HMAC under a key kept outside the database (audit.key); null for events
      // written before it existed. audit_events rows are not row-hashed, so a column is safe.
      await db.schema.alterTable('audit_events').addColumn('mac', 'text').execute();
    },
  },
  '0005_people': {
    // People and sign-in (issue 11): accounts with argon2id password hashes, role grants per
    // firm, second factors (TOTP secrets sealed with a key derived from the vault key; passkeys),
    // recovery codes stored hashed, and every sign-in attempt. These are audited tables (the
    // chain records each change); sessions are not: they change on every request, hold only a
    // hash of the cookie, and mean nothing after a restore.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique()) // NFKC, lower case: compared folded
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('password_changed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('account_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('firm_id', 'text', (c) => c.references('firms.id')) // null: every firm
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('account_grants_account').on('account_grants').column('account_id').execute();
      await db.schema
        .createTable('second_factors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('kind', 'text', (c) => c.notNull()) // totp | webauthn
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret', 'text') // TOTP: the sealed secret; never in clear
        .addColumn('credential_id', 'text') // WebAuthn: base64url credential id
        .addColumn('public_key', 'text') // WebAuthn: base64url COSE public key
        .addColumn('counter', 'integer', (c) => c.notNull()) // WebAuthn signature counter; TOTP last accepted time step (no replay)
        .addColumn('transports', 'text')
        .addColumn('confirmed_at', 'text') // TOTP: null until a first code proved the enrolment
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('second_factors_account').on('second_factors').column('account_id').execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('recovery_codes_account').on('recovery_codes').column('account_id').execute();
      await db.schema
        .createTable('login_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull().unique()) // the order attempts happened in (two can share an instant)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull()) // SHA-256 of the folded username tried: locks unknown names too
        .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull()) // password | totp | recovery | webauthn | reauth | unlock
        .addColumn('outcome', 'text', (c) => c.notNull()) // success | failure | refused | unlock
        .addColumn('reason', 'text')
        .execute();
      await db.schema.createIndex('login_attempts_subject').on('login_attempts').columns(['subject', 'seq']).execute();
      await db.schema.createIndex('login_attempts_address').on('login_attempts').columns(['address', 'at']).execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the cookie's token: a database reader cannot sign in
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('stage', 'text', (c) => c.notNull()) // second_factor | enrol_totp | signed_in
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('factor_at', 'text')
        .addColumn('challenge', 'text') // the WebAuthn challenge in flight
        .execute();
      await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();
    },
  },
  '0006_rejections': {
    // A supervisor's rejection of a recorded result (issue 12 item 3: the e-signature history
    // lists rejections): a new table, not a column, for the reason given at 0004.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rejections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('result_id', 'text', (c) => c.notNull().references('item_results.id'))
        .addColumn('rejected_by', 'text', (c) => c.notNull())
        .addColumn('rejected_at', 'text', (c) => c.notNull())
        .addColumn('rejected_hash', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rejections_result').on('rejections').column('result_id').execute();
    },
  },
  '0007_catalog_versions': {
    // Imported catalog versions move from one machine's disk into the database (ADR-0003), so
    // every process on one store sees the same catalog. A table of its own, not columns on
    // catalog_versions (the versions runs froze): a new column would change the row hash the
    // audit chain recorded for every existing row. The id is the version's name (runs refer to
    // it); hash is the SHA-256 of the canonical JSON of the content, re-checked on every read.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('catalog_imports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('effective_date', 'text')
        .addColumn('source_kind', 'text', (c) => c.notNull())
        .addColumn('content_json', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0008_read_indexes': {
    // The run page's reads (issue 11, load): a run's approvals by result, and the audit events of
    // its results and reviews by entity (review order, the last recording) — without these each
    // is a scan of the whole table, which grows with every write the store ever took.
    async up(db: Kysely<any>) {
      await db.schema.createIndex('approvals_result').on('approvals').column('result_id').execute();
      await db.schema.createIndex('audit_events_entity').on('audit_events').columns(['entity', 'entity_id']).execute();
    },
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
