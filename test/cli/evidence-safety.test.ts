import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCcheck } from '../helpers/cli.js';
import { spawnCcheck, waitUntilStopped } from '../helpers/child-cli.js';
import { LICENCE, useCliHome } from '../helpers/cli-home.js';

const home = useCliHome();
const ccheck = home.ccheck;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function initWithFirm(): Promise<void> {
  expect((await ccheck('init')).code).toBe(0);
  expect((await ccheck('firm', 'add', '--profile', 'firm.yaml')).code).toBe(0);
}

/** The one blob file of a content hash in the home's vault. */
const blobOf = (sha: string) => path.join(home.dir, 'home', 'vault', sha.slice(0, 2), `${sha}.enc`);

describe('evidence is never lost while every command says it succeeded (issue 15)', () => {
  it('keeps an upload in progress when a second command (ccheck init) runs at that moment', async () => {
    await initWithFirm();
    // 8 MiB of varied bytes: large enough to be read in several chunks, small enough to be quick.
    const content = Buffer.concat(Array.from({ length: 8 }, (_, i) => createHash('sha512').update(String(i)).digest()).map((h) => Buffer.alloc(1 << 20, h)));
    writeFileSync(path.join(home.dir, 'big.log'), content);
    const upload = spawnCcheck(
      ['evidence', 'add', 'big.log', '--firm', LICENCE, '--collected-at', '2026-11-27', '--json'],
      {
        ...home.env,
        CCHECK_FAULT: 'evidence.mid-vault:stop',
      },
      home.dir,
    );
    // The upload stops itself after its first MiB, with its temp file open in vault/tmp.
    await waitUntilStopped(upload);
    expect(readdirSync(path.join(home.dir, 'home', 'vault', 'tmp'))).toHaveLength(1);
    const init = await spawnCcheck(['init'], home.env, home.dir).done;
    expect(init.code, init.err).toBe(0);
    expect(readdirSync(path.join(home.dir, 'home', 'vault', 'tmp'))).toHaveLength(1); // not another process's to remove
    upload.proc.kill('SIGCONT');
    const done = await upload.done;
    expect(done.code, done.err).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ sha256: sha256(content), size: content.length });

    const got = await ccheck('evidence', 'get', sha256(content), '-o', 'back.log');
    expect(got.code, got.err).toBe(0);
    expect(sha256(readFileSync(path.join(home.dir, 'back.log')))).toBe(sha256(content));
    expect(readdirSync(path.join(home.dir, 'home', 'vault', 'tmp'))).toEqual([]);
  }, 60_000);

  it('repairs a stored blob that does not verify by the next upload of the same content, instead of trusting its name', async () => {
    await initWithFirm();
    writeFileSync(path.join(home.dir, 'policy.txt'), '遠端連線管理辦法 v3\n');
    const sha = sha256(readFileSync(path.join(home.dir, 'policy.txt')));
    expect((await ccheck('evidence', 'add', 'policy.txt', '--firm', LICENCE, '--collected-at', '2026-11-27')).code).toBe(0);
    // What the race used to leave: only a 16-byte tag under the content's name.
    writeFileSync(blobOf(sha), Buffer.alloc(16, 1));
    expect((await ccheck('evidence', 'get', sha, '-o', 'a.txt')).code).toBe(6);
    const again = await ccheck('evidence', 'add', 'policy.txt', '--firm', LICENCE, '--collected-at', '2026-11-27');
    expect(again.code, again.err).toBe(0);
    const got = await ccheck('evidence', 'get', sha, '-o', 'b.txt');
    expect(got.code, got.err).toBe(0);
    expect(readFileSync(path.join(home.dir, 'b.txt'), 'utf8')).toBe('遠端連線管理辦法 v3\n');
  });

  it('backs up and restores a store holding an empty evidence file', async () => {
    await initWithFirm();
    writeFileSync(path.join(home.dir, 'empty.txt'), '');
    writeFileSync(path.join(home.dir, 'note.txt'), 'not empty\n');
    expect((await ccheck('evidence', 'add', 'empty.txt', '--firm', LICENCE, '--collected-at', '2026-11-27')).code).toBe(0);
    expect((await ccheck('evidence', 'add', 'note.txt', '--firm', LICENCE, '--collected-at', '2026-11-27')).code).toBe(0);
    const got = await ccheck('evidence', 'get', sha256(Buffer.alloc(0)), '-o', 'empty-back.txt');
    expect(got.code, got.err).toBe(0);
    expect(statSync(path.join(home.dir, 'empty-back.txt')).size).toBe(0);

    const b = await ccheck('backup', 'bk', '--json');
    expect(b.code, b.err).toBe(0);
    // Restore into another home with the same key.
    const other = home.otherHome();
    const r = await runCcheck(['restore', 'bk', '--json'], { env: other, cwd: home.dir });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ verified: true });
    const list = await runCcheck(['evidence', 'list', '--firm', LICENCE, '--json'], { env: other, cwd: home.dir });
    expect((JSON.parse(list.out) as { evidence: { name: string; size: number }[] }).evidence.map((e) => [e.name, e.size]).sort()).toEqual([
      ['empty.txt', 0],
      ['note.txt', 10],
    ]);
  });
});
