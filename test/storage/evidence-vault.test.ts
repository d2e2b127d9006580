import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { EvidenceVault, isStale } from '../../src/storage/evidence-vault.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const vault = (fill = 7) => new EvidenceVault(path.join(tmp.dir, 'vault'), Buffer.alloc(32, fill));
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const NOW = Date.parse('2026-11-30T12:00:00Z');
/** A process id that existed and is gone: a child that already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;

describe('the evidence vault', () => {
  it('leaves temp files of live uploads alone and removes only stale ones', () => {
    const here = os.hostname();
    expect(isStale(`${here}.${process.pid}.${UUID}.tmp`, NOW, NOW)).toBe(false); // this process, writing
    expect(isStale(`${here}.${process.ppid}.${UUID}.tmp`, NOW, NOW)).toBe(false); // another live process
    expect(isStale(`${here}.${deadPid()}.${UUID}.tmp`, NOW, NOW)).toBe(true); // its writer is gone
    expect(isStale(`other-host.${deadPid()}.${UUID}.tmp`, NOW, NOW)).toBe(false); // cannot tell on another host
    expect(isStale(`other-host.1.${UUID}.tmp`, NOW - 25 * 3600_000, NOW)).toBe(true); // a day old
    expect(isStale(`${UUID}.tmp`, NOW, NOW)).toBe(false); // an older ccheck's name: only by age

    const v = vault();
    const d = path.join(tmp.dir, 'vault', 'tmp');
    mkdirSync(d, { recursive: true });
    const live = `${here}.${process.ppid}.${UUID}.tmp`;
    const dead = `${here}.${deadPid()}.${UUID}.tmp`;
    const old = `${UUID}.tmp`;
    for (const f of [live, dead, old]) writeFileSync(path.join(d, f), 'x');
    utimesSync(path.join(d, old), new Date(NOW - 2 * 86400_000), new Date(NOW - 2 * 86400_000));
    expect(v.removeLeftovers(NOW)).toBe(2);
    expect(readdirSync(d)).toEqual([live]);
  });

  it('stores and reads back an empty file', async () => {
    const v = vault();
    const { sha256, size } = await v.put(Readable.from([]));
    expect(size).toBe(0);
    await v.verify(sha256);
    await v.get(sha256, path.join(tmp.dir, 'out'));
    expect(readdirSync(tmp.dir)).toContain('out');
  });

  it('seals analyzer report text with the key: opens with it, refuses another key or a changed text', () => {
    const v = vault();
    const sealed = v.sealText('{"rule":"permit ip any 10.0.0.0/8"}');
    expect(sealed).toMatch(/^ccheck-sealed:1:/);
    expect(sealed).not.toContain('10.0.0.0');
    expect(v.openText(sealed, 'report')).toBe('{"rule":"permit ip any 10.0.0.0/8"}');
    expect(v.openText('{"plain":true}', 'report')).toBe('{"plain":true}'); // stored before sealing
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 'no error';
      } catch (e) {
        return (e as CoreError).code;
      }
    };
    expect(codeOf(() => vault(9).openText(sealed, 'report'))).toBe('VAULT_KEY_WRONG');
    const raw = Buffer.from(sealed.slice('ccheck-sealed:1:'.length), 'base64');
    raw[25] = raw[25]! ^ 1;
    expect(codeOf(() => v.openText(`ccheck-sealed:1:${raw.toString('base64')}`, 'report'))).toBe('VAULT_CORRUPT');
  });
});
