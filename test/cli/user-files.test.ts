import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { writeUserFile } from '../../src/cli/files.js';
import { tempDir } from '../helpers/shared.js';

/** Reports and exports hold a firm's sensitive data: written whole or not at all, for the owner only. */
describe('writeUserFile', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());
  const mode = (f: string) => statSync(f).mode & 0o777;

  it('writes bytes, text and streams with mode 0600, replacing an older world-readable file', async () => {
    const f = path.join(tmp.dir, 'report.html');
    writeFileSync(f, 'old', { mode: 0o644 });
    await writeUserFile(f, '<p>new</p>');
    expect(readFileSync(f, 'utf8')).toBe('<p>new</p>');
    expect(mode(f)).toBe(0o600);
    const g = path.join(tmp.dir, 'package.zip');
    await writeUserFile(g, Readable.from([Buffer.from('PK'), Buffer.from('rest')]), { exclusive: true });
    expect(readFileSync(g, 'utf8')).toBe('PKrest');
    expect(mode(g)).toBe(0o600);
    expect(readdirSync(tmp.dir).sort()).toEqual(['package.zip', 'report.html']);
  });

  it('leaves no file and no temporary file when the render fails or the stream breaks', async () => {
    const f = path.join(tmp.dir, 'report.pdf');
    await expect(writeUserFile(f, () => Promise.reject(new Error('render failed')))).rejects.toThrow('render failed');
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 1));
        this.destroy(new Error('vault read failed'));
      },
    });
    await expect(writeUserFile(f, broken)).rejects.toThrow('vault read failed');
    expect(existsSync(f)).toBe(false);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('keeps an existing file when asked to, with OUTPUT_EXISTS, and keeps its content when a render fails', async () => {
    const f = path.join(tmp.dir, 'package.zip');
    writeFileSync(f, 'theirs');
    const e = await writeUserFile(f, 'ours', { exclusive: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).code).toBe('OUTPUT_EXISTS');
    await expect(writeUserFile(f, () => Promise.reject(new Error('render failed')))).rejects.toThrow();
    expect(readFileSync(f, 'utf8')).toBe('theirs');
    expect(readdirSync(tmp.dir)).toEqual(['package.zip']);
  });
});
