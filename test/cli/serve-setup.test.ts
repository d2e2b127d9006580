import { describe, expect, it } from 'vitest';
import { spawnCcheck } from '../helpers/child-cli.js';
import { useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();

/** Resolves with stdout once it matches `pattern` (the server says what it does; no timing guessed), or rejects if the child exits first. */
function waitForOutput(c: ReturnType<typeof spawnCcheck>, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    c.proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    void c.done.then((r) => reject(new Error(`ccheck serve exited: ${JSON.stringify(r)}`)));
  });
}

describe('ccheck serve on a store without accounts (issue 11 item 5)', () => {
  it('prints a one-time setup address whose token creates the first administrator once; no default credentials', async () => {
    expect((await home.ccheck('init')).code).toBe(0);
    const c = spawnCcheck(['serve', '--port', '0'], home.env, home.dir);
    try {
      const [, url, token] = await waitForOutput(c, /open (http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([\w-]+) /);
      expect(await (await fetch(`${url}/api/setup`)).json()).toEqual({ needs_admin: true });
      const create = (t: string) =>
        fetch(`${url}/api/setup/admin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ setup_token: t, username: 'first.admin', display_name: 'First', password: 'correct horse battery staple' }),
        });
      expect((await create(`${token}-wrong`)).status).toBe(403);
      expect((await create(token!)).status).toBe(201);
      expect(await (await create(token!)).json()).toMatchObject({ code: 'SETUP_DONE' });
      // The session routes are there, and refuse without a session.
      expect((await fetch(`${url}/api/auth/session`)).status).toBe(401);
    } finally {
      c.proc.kill('SIGTERM');
      await c.done;
    }
  });
});
