import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseIsoDate } from '../core/dates.js';
import { CoreError } from '../core/errors.js';
import type { Actor } from '../core/people/actor.js';
import type { EvidenceTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';
import { verifyPackage, type PackageVerification } from './package-service.js';

/** The largest upload taken by default: a month's logs of a large firm fit, a runaway client does not. */
export const DEFAULT_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;

/** The size cap of uploads: CCHECK_UPLOAD_MAX_BYTES, else the default. */
export function uploadMaxBytes(env: NodeJS.ProcessEnv): number {
  const n = Number(env.CCHECK_UPLOAD_MAX_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_UPLOAD_MAX_BYTES;
}

/** Passes bytes through and fails the stream with INPUT_TOO_LARGE once more than `max` went by. */
export function capped(name: string, max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(tooLarge(name, max));
      else cb(null, chunk);
    },
  });
}

/**
 * An upload's file name as the user gave it, without any folder part or control characters:
 * C0/C1 controls, and the bidirectional and invisible format marks that make `report\u202Etxt.exe`
 * show as `reportexe.txt` on the page.
 */
export function uploadName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '').trim();
  return clean || 'upload';
}

/**
 * Streams an upload into the encrypted vault and records it for the firm, audited: the evidence
 * use case's path (a file and an upload take the same one; the vault decrypts and re-hashes
 * before the rename). Never held in memory whole; over `maxBytes` the stream fails with
 * INPUT_TOO_LARGE and nothing is kept.
 */
export async function storeEvidenceStream(
  s: InspectionService,
  actor: Actor,
  firmRef: string,
  upload: { stream: Readable; name: string; collectedAt: string; expiresOn?: string | null },
  maxBytes: number,
): Promise<{ evidence: EvidenceTable; reused: boolean }> {
  const collectedAt = parseIsoDate(upload.collectedAt);
  const expiresOn = upload.expiresOn ? parseIsoDate(upload.expiresOn) : null;
  const name = uploadName(upload.name);
  return s.addEvidenceStream(actor, firmRef, { name, stream: cappedChunks(upload.stream, name, maxBytes) }, { collectedAt, expiresOn });
}

/**
 * The upload's bytes under the cap, read only when the store reads them: a piped stream would
 * start flowing at once and fail with INPUT_TOO_LARGE before anyone listens (the use case checks
 * the firm and the role first), which Node reports as an unhandled error.
 */
async function* cappedChunks(source: Readable, name: string, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > max) throw tooLarge(name, max);
    yield chunk;
  }
}

function tooLarge(name: string, max: number): CoreError {
  return new CoreError('INPUT_TOO_LARGE', `${name} is larger than ${max} bytes, the most an upload may be`, { max }, { file: name });
}

/** A private scratch folder (0700) and its removal; plaintext never lands anywhere shared. */
export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccheck-api-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Streams an upload to a file in `dir` under the size cap (for inputs read from disk: analyzers, packages). */
export async function spoolUpload(stream: Readable, dir: string, name: string, maxBytes: number): Promise<string> {
  const file = path.join(dir, `${randomUUID()}-${uploadName(name)}`);
  await pipeline(stream, capped(uploadName(name), maxBytes), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  return file;
}

/**
 * One evidence file of a firm, decrypted for download: the blob is decrypted to a private temp
 * file and re-hashed first (AES-GCM authenticates only at the end, so nothing unverified is
 * sent), then streamed; the temp file goes when the stream closes.
 */
export async function openEvidence(s: InspectionService, firmId: string, sha256: string): Promise<{ name: string; size: number; stream: Readable }> {
  const row = await s.db.selectFrom('evidence').selectAll().where('firm_id', '=', firmId).where('sha256', '=', sha256).executeTakeFirst();
  if (!row) throw new CoreError('EVIDENCE_NOT_FOUND', `no evidence ${sha256.slice(0, 12)}… for this firm`, { sha256 });
  const scratch = scratchDir();
  try {
    const file = path.join(scratch.dir, 'plain');
    await s.vault().get(sha256, file);
    const stream = createReadStream(file);
    stream.once('close', scratch.remove);
    return { name: row.name, size: statSync(file).size, stream };
  } catch (e) {
    scratch.remove();
    throw e;
  }
}

/** `ccheck package verify --store` on an uploaded archive (streamed to a private temp file under the cap). */
export async function verifyUploadedPackage(s: InspectionService, stream: Readable, name: string, maxBytes: number): Promise<PackageVerification> {
  const scratch = scratchDir();
  try {
    const file = await spoolUpload(stream, scratch.dir, name, maxBytes);
    return await verifyPackage(file, s);
  } finally {
    scratch.remove();
  }
}

/** Decrypts stored evidence of a firm into `dir` (verified, 0600) for an analyzer to read, under the names it was uploaded with. */
export async function stageStoredEvidence(
  s: InspectionService,
  firmId: string,
  shas: readonly string[],
  dir: string,
): Promise<{ file: string; name: string }[]> {
  const rows = shas.length
    ? await s.db
        .selectFrom('evidence')
        .selectAll()
        .where('firm_id', '=', firmId)
        .where('sha256', 'in', [...shas])
        .execute()
    : [];
  const out: { file: string; name: string }[] = [];
  for (const sha of shas) {
    const row = rows.find((r) => r.sha256 === sha);
    if (!row) throw new CoreError('EVIDENCE_NOT_FOUND', `no evidence ${sha.slice(0, 12)}… for this firm`, { sha256: sha });
    const file = path.join(dir, `${sha}-${uploadName(row.name)}`);
    await s.vault().get(sha, file);
    out.push({ file, name: row.name });
  }
  return out;
}
