import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../core/errors.js';
import { tempDir } from '../../test/helpers/shared.js';
import { WriteQueue } from './write-queue.js';

let tmp: { dir: string; cleanup: () => void };
let db: string;
beforeEach(() => {
  tmp = tempDir();
  db = path.join(tmp.dir, 'ccheck.db');
});
afterEach(() => tmp.cleanup());

/** A ticket older than any this test takes, as another process would have left it. */
const olderTicket = (pid: number) => {
  const file = path.join(`${db}.writers`, `${'1'.padStart(20, '0')}-${pid}-test`);
  writeFileSync(file, '');
  return file;
};

describe('the SQLite writers’ queue', () => {
  it('lets writers in one at a time, in the order they came', async () => {
    const queue = new WriteQueue(db);
    const events: string[] = [];
    const leaveA = await queue.enter();
    events.push('a in');
    const b = queue.enter().then((leave) => {
      events.push('b in');
      return leave;
    });
    const c = (async () => {
      await sleep(5);
      const leave = await queue.enter();
      events.push('c in');
      return leave;
    })();
    await sleep(100);
    expect(events).toEqual(['a in']); // b and c wait, however long a takes
    events.push('a out');
    leaveA();
    (await b)();
    events.push('b out');
    (await c)();
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in']);
    expect(readdirSync(`${db}.writers`)).toEqual([]);
  });

  it('skips and removes the ticket of a process that died holding it', async () => {
    const queue = new WriteQueue(db);
    (await queue.enter())(); // creates the folder
    const stale = olderTicket(2 ** 22 + 1); // above Linux's pid_max: no such process
    const leave = await queue.enter();
    expect(existsSync(stale)).toBe(false);
    leave();
  });

  it('gives up with STORE_BUSY, naming the process, only when the queue does not move at all', async () => {
    const queue = new WriteQueue(db, 200);
    (await queue.enter())();
    olderTicket(process.ppid); // a live process that never leaves
    const e = await queue.enter().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).code).toBe('STORE_BUSY');
    expect((e as CoreError).message).toContain(`ccheck process ${process.ppid}`);
    expect(readdirSync(`${db}.writers`)).toHaveLength(1); // its own ticket is gone, the other stays
  });
});
