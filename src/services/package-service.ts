import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { csvDocument as toCsv } from '../core/csv.js';
import { CoreError } from '../core/errors.js';
import {
  compareFiles,
  MANIFEST_FILE,
  manifestBytes,
  parseManifest,
  publicKeyFingerprint,
  SIGNATURE_FILE,
  type PackageManifest,
  type PackageProblem,
} from '../core/inspection/package-manifest.js';
import type { FirmsTable, InspectionRunsTable, RunSignoffsTable } from '../storage/schema.js';
import type { InspectionService } from './inspection-service.js';
import { buildReportData, renderReport } from './report-service.js';
import { historyCells, SIGNATURE_LABELS } from '../reports/signature-section.js';

/**
 * The package of one signed revision — the report (PDF, HTML), the detail sheet (XLSX), the
 * working papers (each analyzer's full report, the evidence index, the attestations), the
 * attachments (the evidence files, decrypted), the e-signature history, and a manifest with every
 * file's SHA-256 and the audit head at sign-off, signed with the installation's Ed25519 key
 * (臺證輔字第1060504884號: 查核報告、查核明細表、查核工作底稿及附件).
 *
 * It is built once, into the installation's own copy under `<home>/packages` (backups carry it),
 * and handed out as built from then on: the revision is read-only, so the package cannot go
 * stale, and every copy handed out is the same bytes. Who may have it, and where a copy goes,
 * is the use case's and the shell's (use-cases/packages.ts).
 */
export async function keptPackage(
  s: InspectionService,
  ref: { firm: string; period: string; revision?: number },
  lang: 'zh-TW' | 'en' = 'zh-TW',
): Promise<{ manifest: PackageManifest; file: string; name: string }> {
  const { firm, run, revision } = await s.run(ref.firm, ref.period, ref.revision);
  const signoff = await s.signoffOf(run.id);
  if (!signoff)
    throw new CoreError('RUN_NOT_SIGNED', `${run.period} revision ${revision} is not signed off; only a signed revision is packaged`, {
      period: run.period,
      what: 'package export',
    });
  const name = `ccheck-package-${firm.licence}-${run.period}-r${revision}.zip`;
  const kept = path.join(s.home, 'packages', `${firm.licence.replace(/[^\p{L}\p{N}._-]/gu, '_')}-${run.period}-r${revision}-${run.id.slice(0, 8)}.zip`);
  if (!existsSync(kept)) {
    // Two first requests at once build it once: the second waits for the first.
    let building = inFlight.get(kept);
    if (!building) {
      building = buildPackage(s, { firm, run, revision, signoff }, kept, lang).finally(() => inFlight.delete(kept));
      inFlight.set(kept, building);
    }
    await building;
  }
  return { manifest: await readPackageManifest(kept), file: kept, name };
}

const inFlight = new Map<string, Promise<unknown>>();

/** The manifest inside a package (as signed; the signature is checked by verifyPackage, not here). */
export async function readPackageManifest(file: string): Promise<PackageManifest> {
  const read = await readArchive(file);
  if (!read.manifest) throw new CoreError('PACKAGE_INVALID', `${file}: no ${MANIFEST_FILE}`, { what: `no ${MANIFEST_FILE}` }, { file });
  return parseManifest(read.manifest.toString('utf8'));
}

async function buildPackage(
  s: InspectionService,
  { firm, run, revision, signoff }: { firm: FirmsTable; run: InspectionRunsTable; revision: number; signoff: RunSignoffsTable },
  output: string,
  lang: 'zh-TW' | 'en',
): Promise<void> {
  const key = s.signingKey(); // before the report, so the report prints the key that signs the package
  const data = await buildReportData(s, firm.licence, run.period, s.clock.today(), revision);
  const head = await s.db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('entity', '=', 'run_signoffs')
    .where('entity_id', '=', signoff.id)
    .executeTakeFirstOrThrow();

  const files: { path: string; body: Buffer }[] = [];
  const add = (p: string, body: string | Buffer) => files.push({ path: p, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body });
  const base = `${run.period}-r${revision}`;
  add(`report/inspection-report-${base}.pdf`, await renderReport(data, 'pdf', lang));
  add(`report/inspection-report-${base}.html`, await renderReport(data, 'html', lang));
  add(`detail/inspection-detail-${base}.xlsx`, await renderReport(data, 'xlsx', lang));
  for (const r of await s.analyzerReports(run.id)) add(`working-papers/analyzers/${r.analyzer}-${r.id.slice(0, 8)}.json`, `${r.report_json}\n`);
  const evidence = new Map((await s.listEvidence(firm.id)).map((e) => [e.sha256, e]));
  const cited = [...new Set(data.items.flatMap((i) => i.evidence.map((e) => e.sha256)))].sort();
  add(
    'working-papers/evidence-index.csv',
    toCsv([
      ['sha256', 'name', 'size', 'collected_at', 'uploaded_at', 'uploaded_by', 'items', 'attachment'],
      ...cited.map((sha) => {
        const e = evidence.get(sha);
        return [
          sha,
          e?.name ?? '',
          String(e?.size ?? ''),
          e?.collected_at ?? '',
          e?.uploaded_at ?? '',
          e?.uploaded_by ?? '',
          itemsCiting(data.items, sha),
          attachmentPath(sha, e?.name ?? 'file'),
        ];
      }),
    ]),
  );
  add(
    'working-papers/attestations.csv',
    toCsv([
      ['path', 'status', 'justification', 'expires_on', 'recorded_by', 'recorded_at', 'approved_by', 'approved_at', 'evidence'],
      ...data.items
        .filter((i) => i.source === 'attestation')
        .map((i) => [
          i.path,
          i.status,
          i.justification ?? '',
          i.expiresOn ?? '',
          i.recordedBy ?? '',
          i.recordedAt ?? '',
          i.approval?.by ?? '',
          i.approval?.at ?? '',
          i.evidence.map((e) => e.sha256).join(' '),
        ]),
    ]),
  );
  const h = SIGNATURE_LABELS[lang];
  add('signature-history.csv', toCsv([h.cols, ...(data.signature?.history ?? []).map((e) => historyCells(e, lang))]));
  add('signature-history.json', `${JSON.stringify(data.signature?.history ?? [], null, 2)}\n`);

  // The attachments, decrypted from the vault (each re-hashed on the way out by the vault).
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccheck-package-'));
  try {
    const attachments: { path: string; file: string; sha256: string; size: number }[] = [];
    for (const sha of cited) {
      const out = path.join(tmp, sha);
      await s.vault().get(sha, out);
      attachments.push({ path: attachmentPath(sha, evidence.get(sha)?.name ?? 'file'), file: out, sha256: sha, size: evidence.get(sha)?.size ?? 0 });
    }
    const manifest: PackageManifest = {
      format: 'ccheck-package/1',
      firm: { name: firm.name, licence: firm.licence },
      period: run.period,
      revision,
      runId: run.id,
      revisesRunId: data.signature?.revisesRunId ?? null,
      signoff: { by: signoff.signed_by, at: signoff.signed_at, role: signoff.role, authentication: signoff.authentication, resultsHash: signoff.results_hash },
      auditHead: { seq: Number(head.seq), hash: head.hash },
      createdAt: s.clock.now(),
      signingKey: { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem },
      files: [
        ...files.map((f) => ({ path: f.path, sha256: createHash('sha256').update(f.body).digest('hex'), size: f.body.length })),
        ...attachments.map((a) => ({ path: a.path, sha256: a.sha256, size: a.size })),
      ],
    };
    const bytes = manifestBytes(manifest);
    const zip = new yazl.ZipFile();
    const mtime = new Date(signoff.signed_at);
    for (const f of files) zip.addBuffer(f.body, f.path, { mtime });
    for (const a of attachments) zip.addFile(a.file, a.path, { mtime });
    zip.addBuffer(Buffer.from(`${JSON.stringify(JSON.parse(bytes.toString('utf8')), null, 2)}\n`), MANIFEST_FILE, { mtime });
    zip.addBuffer(Buffer.from(`${sign(null, bytes, key.privateKey).toString('base64')}\n`), SIGNATURE_FILE, { mtime });
    zip.end();
    mkdirSync(path.dirname(output), { recursive: true, mode: 0o700 });
    const part = `${output}.${process.pid}.part`;
    try {
      // The package holds the evidence decrypted: for its owner only, like the vault and backups.
      await pipeline(zip.outputStream, createWriteStream(part, { flags: 'wx', mode: 0o600 }));
      chmodSync(part, 0o600);
      renameSync(part, output);
    } finally {
      rmSync(part, { force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const attachmentPath = (sha: string, name: string) => `attachments/${sha.slice(0, 12)}-${path.basename(name).replace(/[^\p{L}\p{N}._-]/gu, '_')}`;
const itemsCiting = (items: readonly { path: string; evidence: readonly { sha256: string }[] }[], sha: string) =>
  items
    .filter((i) => i.evidence.some((e) => e.sha256 === sha))
    .map((i) => i.path)
    .join(' ');

/** Every entry of an opened zip (lazy mode), in archive order. */
export function zipEntryList(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise<yauzl.Entry[]>((resolve, reject) => {
    const all: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      all.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(all));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Every entry of a zip: name → SHA-256 (streamed), plus the manifest and signature bytes. */
async function readArchive(file: string): Promise<{ hashes: Map<string, string>; manifest: Buffer | null; signature: Buffer | null }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true, autoClose: false });
  const hashes = new Map<string, string>();
  let manifest: Buffer | null = null;
  let signature: Buffer | null = null;
  try {
    const entries = await zipEntryList(zip);
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      const stream = await zip.openReadStreamPromise(entry);
      const h = createHash('sha256');
      const keep = entry.fileName === MANIFEST_FILE || entry.fileName === SIGNATURE_FILE;
      const chunks: Buffer[] = [];
      for await (const c of stream) {
        h.update(c as Buffer);
        if (keep) chunks.push(c as Buffer);
      }
      hashes.set(entry.fileName, h.digest('hex'));
      if (entry.fileName === MANIFEST_FILE) manifest = Buffer.concat(chunks);
      if (entry.fileName === SIGNATURE_FILE) signature = Buffer.concat(chunks);
    }
  } finally {
    zip.close();
  }
  return { hashes, manifest, signature };
}

export interface PackageVerification {
  readonly ok: boolean;
  readonly manifest: PackageManifest | null;
  readonly fingerprint: string | null;
  readonly problems: readonly PackageProblem[];
  /** With a store: whether its audit chain still holds the head recorded at sign-off. */
  readonly store: { readonly checked: boolean; readonly holdsHead: boolean; readonly detail: string } | null;
}

/**
 * `ccheck package verify`: the signature over the manifest, every file's hash, nothing extra;
 * given a store, that its chain (MACs and witnesses included) still holds the signed head.
 */
export async function verifyPackage(archive: string, s: InspectionService | null, expectFingerprint?: string): Promise<PackageVerification> {
  if (!existsSync(archive)) throw new CoreError('INPUT_FILE_NOT_FOUND', `${archive}: cannot read the file`, {}, { file: archive });
  let read: Awaited<ReturnType<typeof readArchive>>;
  try {
    read = await readArchive(archive);
  } catch (e) {
    throw new CoreError(
      'PACKAGE_INVALID',
      `${archive}: not a readable zip archive (${(e as Error).message})`,
      { what: 'not a zip archive' },
      { file: archive },
    );
  }
  const problems: PackageProblem[] = [];
  if (!read.manifest) throw new CoreError('PACKAGE_INVALID', `${archive}: no ${MANIFEST_FILE}`, { what: `no ${MANIFEST_FILE}` }, { file: archive });
  const manifest = parseManifest(read.manifest.toString('utf8'));
  let fingerprint: string | null = null;
  try {
    const pub = createPublicKey(manifest.signingKey.publicKeyPem);
    fingerprint = publicKeyFingerprint(pub.export({ type: 'spki', format: 'der' }));
    const sig = read.signature ? Buffer.from(read.signature.toString('utf8').trim(), 'base64') : Buffer.alloc(0);
    if (!read.signature || !verify(null, manifestBytes(manifest), pub, sig))
      problems.push({
        file: SIGNATURE_FILE,
        kind: 'signature_invalid',
        detail: `${SIGNATURE_FILE} does not verify ${MANIFEST_FILE}: the manifest or the signature was changed`,
      });
  } catch (e) {
    problems.push({ file: MANIFEST_FILE, kind: 'manifest_invalid', detail: `${MANIFEST_FILE}: the signing key cannot be read (${(e as Error).message})` });
  }
  if (fingerprint && fingerprint !== manifest.signingKey.fingerprint)
    problems.push({
      file: MANIFEST_FILE,
      kind: 'key_mismatch',
      detail: `${MANIFEST_FILE}: the key's fingerprint is ${fingerprint}, the manifest says ${manifest.signingKey.fingerprint}`,
    });
  if (expectFingerprint && fingerprint !== expectFingerprint)
    problems.push({ file: MANIFEST_FILE, kind: 'key_mismatch', detail: `signed with ${fingerprint}, not with the expected key ${expectFingerprint}` });
  problems.push(...compareFiles(manifest, read.hashes));

  let store: PackageVerification['store'] = null;
  if (s) {
    const own = s.signingPublicKey();
    if (own && fingerprint && own.fingerprint !== fingerprint)
      problems.push({ file: MANIFEST_FILE, kind: 'key_mismatch', detail: `signed with ${fingerprint}, but this installation's key is ${own.fingerprint}` });
    const audit = await s.verifyAudit();
    const at = await s.db.selectFrom('audit_events').select('hash').where('seq', '=', manifest.auditHead.seq).executeTakeFirst();
    const holdsHead = audit.ok && at?.hash === manifest.auditHead.hash;
    const detail = !at
      ? `the store's chain ends at event ${audit.lastSeq}; the package was signed at event ${manifest.auditHead.seq}: its last events were deleted`
      : at.hash !== manifest.auditHead.hash
        ? `event ${manifest.auditHead.seq} in the store is not the one signed (${manifest.auditHead.hash}): the chain was rewritten`
        : !audit.ok
          ? `the store's audit trail does not verify: ${audit.problems[0]?.detail ?? ''}`
          : `the store's chain holds event ${manifest.auditHead.seq} = ${manifest.auditHead.hash}`;
    store = { checked: true, holdsHead, detail };
    if (!holdsHead) problems.push({ file: 'store', kind: 'manifest_invalid', detail });
  }
  return { ok: problems.length === 0, manifest, fingerprint, problems, store };
}

/** Reads a public key file (PEM) and returns its fingerprint, for `--key`. */
export function fingerprintOfKeyFile(file: string): string {
  return publicKeyFingerprint(createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'der' }));
}
