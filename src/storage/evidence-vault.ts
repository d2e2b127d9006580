import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CoreError } from '../core/errors.js';

const MAGIC = Buffer.from('CCHKVLT1');
const HEADER = MAGIC.length + 8 + 12; // magic, key id, IV
const TAG = 16;
const SEALED = 'ccheck-sealed:1:';

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
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
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
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }

  has(sha256: string): boolean {
    return existsSync(this.blobPath(sha256));
  }

  /**
   * Encrypts a stream into the vault; returns the plaintext's SHA-256 and size. The temporary
   * file is this upload's own (host, process and a random id in its name, so housekeeping in
   * another process can tell it is alive), and it is decrypted and re-hashed before it is
   * renamed into place: a blob under a content name always holds that content. A blob already
   * under the name that does not verify is replaced by this fresh copy instead of trusted.
   */
  async put(source: Readable, onChunk?: (bytesSoFar: number) => void): Promise<{ sha256: string; size: number }> {
    const tmp = path.join(this.tmpDir(), `${os.hostname()}.${process.pid}.${randomUUID()}.tmp`);
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
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    out.write(Buffer.concat([MAGIC, this.keyId, iv]));
    try {
      await pipeline(source, tap, cipher, out);
      // 'r+' never creates: a temp file that vanished meanwhile is an error here, not a new file
      // holding only the tag.
      const fd = await open(tmp, 'r+');
      try {
        await fd.write(cipher.getAuthTag(), 0, TAG, HEADER + size);
        await fd.sync();
      } finally {
        await fd.close();
      }
    } catch (e) {
      // A source that fails at once (an upload over its size cap) can fail before the temp file
      // is even opened: wait for the stream to close, or the open would recreate it after the rm.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      rmSync(tmp, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    try {
      await this.verifyFile(tmp, sha256);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new CoreError(
        'VAULT_CORRUPT',
        `evidence ${sha256.slice(0, 12)}… did not read back as written, so it was not stored (${(e as Error).message})`,
        { sha256 },
        { file: tmp },
      );
    }
    const final = this.blobPath(sha256);
    const intact =
      existsSync(final) &&
      (await this.verifyFile(final, sha256).then(
        () => true,
        () => false,
      ));
    if (intact) rmSync(tmp);
    else {
      mkdirSync(path.dirname(final), { recursive: true, mode: 0o700 });
      renameSync(tmp, final);
    }
    return { sha256, size };
  }

  private async headerOf(file: string, sha256: string): Promise<{ iv: Buffer; tag: Buffer; size: number; file: string }> {
    if (!existsSync(file)) throw new CoreError('EVIDENCE_NOT_FOUND', `evidence ${sha256} is not in the vault`, { sha256 });
    const size = statSync(file).size;
    if (size < HEADER + TAG) throw new CoreError('VAULT_CORRUPT', `${file}: not a ccheck vault file (${size} bytes)`, { sha256 }, { file });
    const fd = await open(file, 'r');
    try {
      const head = Buffer.alloc(HEADER);
      const tag = Buffer.alloc(TAG);
      await fd.read(head, 0, HEADER, 0);
      await fd.read(tag, 0, TAG, size - TAG);
      if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
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

  /** The encrypted bytes between header and tag; an empty file has none (a read stream cannot start past its end). */
  private static ciphertext(file: string, size: number): Readable {
    return size === HEADER + TAG ? Readable.from([]) : createReadStream(file, { start: HEADER, end: size - TAG - 1 });
  }

  /**
   * Decrypts a blob to a file. The output appears under its name only after the GCM tag and the
   * SHA-256 both check out; a tampered blob never yields a file. The file is readable by its
   * owner only, and an existing file is replaced only when `overwrite` says so.
   */
  async get(sha256: string, destination: string, options: { overwrite?: boolean } = {}): Promise<void> {
    if (!options.overwrite && existsSync(destination)) {
      throw new CoreError('OUTPUT_EXISTS', `${destination} already exists; add --force to replace it`, { file: destination }, { file: destination });
    }
    const { iv, tag, size, file } = await this.headerOf(this.blobPath(sha256), sha256);
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
      await pipeline(EvidenceVault.ciphertext(file, size), decipher, tap, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
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
  verify(sha256: string): Promise<void> {
    return this.verifyFile(this.blobPath(sha256), sha256);
  }

  private async verifyFile(blob: string, sha256: string): Promise<void> {
    const { iv, tag, size, file } = await this.headerOf(blob, sha256);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    const hash = createHash('sha256');
    try {
      await pipeline(EvidenceVault.ciphertext(file, size), decipher, async function* (chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) hash.update(c);
      });
    } catch (e) {
      throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… fails its integrity check (${(e as Error).message})`, { sha256 }, { file });
    }
    if (hash.digest('hex') !== sha256) throw new CoreError('VAULT_CORRUPT', `evidence ${sha256.slice(0, 12)}… decrypts to other content`, { sha256 }, { file });
  }

  /**
   * Encrypts a short text kept in the database (an analyzer's report: firewall rules, addresses,
   * host names) with the vault key, as the evidence it came from: `ccheck-sealed:1:` and base64
   * of key id, IV, ciphertext and tag.
   */
  sealText(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${SEALED}${Buffer.concat([this.keyId, iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** Reverses sealText; a text stored before sealing existed is returned as it is. */
  openText(value: string, what: string): string {
    if (!value.startsWith(SEALED)) return value;
    const raw = Buffer.from(value.slice(SEALED.length), 'base64');
    const keyId = raw.subarray(0, 8);
    if (!keyId.equals(this.keyId))
      throw new CoreError('VAULT_KEY_WRONG', `${what} was encrypted with another key (key id ${keyId.toString('hex')})`, { sha256: what });
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(8, 20));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      return Buffer.concat([decipher.update(raw.subarray(20, raw.length - TAG)), decipher.final()]).toString('utf8');
    } catch (e) {
      throw new CoreError('VAULT_CORRUPT', `${what} fails its integrity check (${(e as Error).message})`, { sha256: what });
    }
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

  /**
   * Removes temporary files that no upload is writing any more: those of a process on this host
   * that is gone, and any older than a day. Another process's upload in progress is left alone.
   * The file times are real, so this uses the real time, not an inspection's chosen day.
   */
  removeLeftovers(nowMs: number = Date.now()): number {
    const d = path.join(this.dir, 'tmp');
    if (!existsSync(d)) return 0;
    let removed = 0;
    for (const f of readdirSync(d)) {
      const file = path.join(d, f);
      if (!isStale(f, statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? nowMs, nowMs)) continue;
      rmSync(file, { force: true });
      removed++;
    }
    return removed;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A temp file is stale when its writer (host.pid.uuid.tmp) is a dead process here, or it is a day old. */
export function isStale(name: string, mtimeMs: number, nowMs: number): boolean {
  if (nowMs - mtimeMs > DAY_MS) return true;
  const m = /^(.+)\.(\d+)\.[0-9a-f-]{36}\.tmp$/.exec(name);
  if (!m) return false;
  return m[1] === os.hostname() && Number(m[2]) !== process.pid && !isAlive(Number(m[2]));
}
