import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreError } from '../core/errors.js';

/**
 * First come, first served among the processes that write one SQLite file.
 *
 * SQLite's own busy handler is not a queue: a writer that finds the file locked sleeps (up to
 * 100 ms at a time) and tries again, and whoever happens to try just after a commit wins. Under
 * contention on a busy machine one writer kept losing: with 8 processes writing 100 results
 * each beside two CPU burners, the median write took 8 ms and the slowest 8.4 s, and a writer
 * that loses for 15 s (the busy timeout) fails with STORE_BUSY although nothing is wrong.
 *
 * So each writer first takes a ticket, a file named by the system-wide monotonic clock and its
 * process id in `<database>.writers/`, and goes ahead when no older ticket of a live process
 * remains. SQLite's BEGIN IMMEDIATE stays the lock that guarantees one writer at a time; the
 * queue only decides the order, so a race between two tickets costs fairness for one turn,
 * never correctness. A ticket left by a process that died (kill -9) is removed by the next
 * writer that sees it. A writer gives up (STORE_BUSY, naming the process) only when the queue
 * has not moved at all for `stallMs`: a stuck writer, not a busy machine.
 */
export class WriteQueue {
  private readonly dir: string;

  constructor(
    databaseFile: string,
    private readonly stallMs = 10 * 60_000,
  ) {
    this.dir = `${databaseFile}.writers`;
  }

  /** Waits for this process's turn; the returned function gives the turn to the next writer. */
  async enter(): Promise<() => void> {
    // Beside the database and as private as it (names of the hosts and processes that write).
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const mine = `${process.hrtime.bigint().toString().padStart(20, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const file = path.join(this.dir, mine);
    writeFileSync(file, '', { mode: 0o600 });
    const leave = () => rmSync(file, { force: true });
    try {
      let ahead = '';
      let since = process.hrtime.bigint();
      for (let pause = 1; ; pause = Math.min(pause * 2, 10)) {
        const first = this.firstLive();
        if (first === mine || first === null) return leave;
        if (first !== ahead) {
          // The queue moved: whoever is first now gets a full stall period of its own.
          ahead = first;
          since = process.hrtime.bigint();
          pause = 1;
        } else if (Number(process.hrtime.bigint() - since) / 1e6 > this.stallMs) {
          const pid = first.split('-')[1];
          throw new CoreError('STORE_BUSY', `the database is busy: ccheck process ${pid} has held the write turn for ${Math.round(this.stallMs / 1000)} s`, {
            pid: pid ?? '',
          });
        }
        await sleep(pause);
      }
    } catch (e) {
      leave();
      throw e;
    }
  }

  /** The oldest ticket whose process is alive; tickets of dead processes are removed. */
  private firstLive(): string | null {
    for (const name of readdirSync(this.dir).sort()) {
      const pid = Number(name.split('-')[1]);
      if (pid === process.pid || alive(pid)) return name;
      rmSync(path.join(this.dir, name), { force: true });
    }
    return null;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user; it still holds its turn.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
