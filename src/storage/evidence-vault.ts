import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CoreError } from '../core/errors.js';

const MAGIC = Buffer.from('CCHKVLT1');
const HEADER = MAGIC.length + 8 + 12; // magic, key id, IV
const TAG = 16;

/**
 * Where the vault key comes from: CCHECK_VAULT_KEY (32 bytes as base64 or hex), else the file
 * named by CCHECK_VAULT_KEY_FILE, else `vault.key` in the ccheck home (written by ccheck init).
 */
export function resolveVaultKey(env: NodeJS.ProcessEnv, home: string): Buffer {
  const parse = (text: string, from: string): Buffer => {
    const t = text.trim();
    const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (key.length !== 32) throw new CoreError('VAULT_KEY_MISSING', `${from}: the vault key must be 32 bytes, as 64 hex digits or base64`, { from });
    return key;
  };
  if (env.CCHECK_VAULT_KEY) return parse(env.CCHECK_VAULT_KEY, 'CCHECK_VAULT_KEY');
  const file = env.CCHECK_VAULT_KEY_FILE || path.join(home, 'vault.key');
  if (!existsSync(file)) {
    throw new CoreError(
      'VAULT_KEY_MISSING',
      `no evidence encryption key: set CCHECK_VAULT_KEY or CCHECK_VAULT_KEY_FILE, or run ccheck init to create ${file}`,
      { file },
    );
  }
  return parse(readFileSync(file, 'utf8'), file);
}

/** Creates a key file readable only by its owner. */
export function createVaultKeyFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * Evidence files, content-addressed by the SHA-256 of their plaintext and encrypted at rest with
 * AES-256-GCM. Files stream through; nothing is held in memory whole. A blob is written to a
 * temporary file and renamed into place only when complete, so a killed process leaves no
 * half-written evidence under a real name.
 */
export class EvidenceVault {
  readonly keyId: Buffer;

  constructor(
    readonly dir: string,
    private readonly key: Buffer,
  ) {
    // The key id names which key encrypted a blob, so a wrong key is reported, not decrypted to garbage.
    this.keyId = createHmac('sha256', key).update('ccheck vault key id').digest().subarray(0, 8);
  }

  private blobPath(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.enc`);
  }

  private tmpDir(): string {
    const d = path.join(this.dir, 'tmp');
    mkdirSync(d, { recursive: true });
    return d;
  }

  has(sha256: string): boolean {
    return existsSync(this.blobPath(sha256));
  }

  /** Encrypts a stream into the vault; returns the plaintext's SHA-256 and size. */
  async put(source: Readable, onChunk?: (bytesSoFar: number) => void): Promise<{ sha256: string; size: number }> {
    const tmp = path.join(this.tmpDir(), `${randomUUID()}.tmp`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        onChunk?.(size);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { flags: 'wx' });
    out.write(Buffer.concat([MAGIC, this.keyId, iv]));
    try {
      await pipeline(source, tap, cipher, out);
      const fd = await open(tmp, 'a');
      await fd.write(cipher.getAuthTag());
      await fd.sync();
      await fd.close();
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    const final = this.blobPath(sha256);
    if (existsSync(final)) rmSync(tmp);
    else {
      mkdirSync(path.dirname(final), { recursive: true });
      renameSync(tmp, final);
    }
    return { sha256, size };
  }

  private async header(sha256: string): Promise<{ iv: Buffer; tag: Buffer; size: number; file: string }> {
    const file = this.blobPath(sha256);
    if (!existsSync(file)) throw new CoreError('EVIDENCE_NOT_FOUND', `evidence ${sha256} is not in the vault`, { sha256 });
    const size = statSync(file).size;
    const fd = await open(file, 'r');
    try {
      const head = Buffer.alloc(HEADER);
      const tag = Buffer.alloc(TAG);
      await fd.read(head, 0, HEADER, 0);
      await fd.read(tag, 0, TAG, size - TAG);
      if (size < HEADER + TAG || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new CoreError('VAULT_CORRUPT', `${file}: not a ccheck vault file`, { sha256 }, { file });
      }
      const keyId = head.subarray(MAGIC.length, MAGIC.length + 8);
      if (!keyId.equals(this.keyId)) {
        throw new CoreError(
          'VAULT_KEY_WRONG',
          `evidence ${sha256.slice(0, 12)}… was encrypted with another key (key id ${keyId.toString('hex')}, this key is ${this.keyId.toString('hex')})`,
          { sha256 },
          { file },
        );
      }
      return { iv: head.subarray(MAGIC.length + 8), tag, size, file };
    } finally {
      await fd.close();
    }
  }

  /**
   * Decrypts a blob to a file. The output appears under its name only after the GCM tag and the
   * SHA-256 both check out; a tampered blob never yields a file.
   */
  async get(sha256: string, destination: string): Promise<void> {
    const { iv, tag, size, file } = await this.header(sha256);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const tmp = `${destination}.${randomUUID()}.tmp`;
    try {
      await pipeline(createReadStream(file, { start: HEADER, end: size - TAG - 1 }), decipher, tap, createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… fails its integrity check (${(e as Error).message})`, { sha256 }, { file });
    }
    if (hash.digest('hex') !== sha256) {
      rmSync(tmp, { force: true });
      throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… decrypts to other content`, { sha256 }, { file });
    }
    renameSync(tmp, destination);
  }

  /** Decrypts and re-hashes a blob without keeping the plaintext. */
  async verify(sha256: string): Promise<void> {
    const { iv, tag, size, file } = await this.header(sha256);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    const hash = createHash('sha256');
    try {
      await pipeline(createReadStream(file, { start: HEADER, end: size - TAG - 1 }), decipher, async function* (chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) hash.update(c);
      });
    } catch (e) {
      throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… fails its integrity check (${(e as Error).message})`, { sha256 }, { file });
    }
    if (hash.digest('hex') !== sha256) throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… decrypts to other content`, { sha256 }, { file });
  }

  /** The SHA-256 of every blob stored. */
  list(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((d) => /^[0-9a-f]{2}$/.test(d))
      .flatMap((d) =>
        readdirSync(path.join(this.dir, d))
          .filter((f) => f.endsWith('.enc'))
          .map((f) => f.slice(0, -4)),
      );
  }

  /** The encrypted file of a blob, for backups (copied as is, still encrypted). */
  fileOf(sha256: string): string {
    return this.blobPath(sha256);
  }

  /** Removes temporary files a killed process left behind. */
  removeLeftovers(): number {
    const d = path.join(this.dir, 'tmp');
    if (!existsSync(d)) return 0;
    const files = readdirSync(d);
    for (const f of files) rmSync(path.join(d, f), { force: true });
    return files.length;
  }
}
