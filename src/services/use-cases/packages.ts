import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { assertCan, type Actor } from '../../core/people/actor.js';
import type { PackageManifest } from '../../core/inspection/package-manifest.js';
import { keptPackage } from '../package-service.js';
import type { OutputDeps } from './deps.js';
import { resolveRun } from './runs.js';
import { packageInputSchema, parseInput, type REPORT_LANGS } from './schemas.js';

export interface SignedPackage {
  /** The suggested file name, e.g. ccheck-package-<licence>-<period>-r<revision>.zip. */
  readonly name: string;
  readonly contentType: 'application/zip';
  readonly size: number;
  readonly manifest: PackageManifest;
  /** A new stream of the package's bytes on each call (the shell copies it where the user asked). */
  open(): Readable;
}

/**
 * The signed package of a signed revision (RUN_NOT_SIGNED otherwise), for whoever may read the
 * firm's reports (report.read). It holds the evidence decrypted: the shell writes it for its
 * owner only, or sends it to the signed-in account.
 */
export async function signedPackage(
  deps: OutputDeps,
  actor: Actor,
  input: { firm: string; period: string; revision?: number; lang?: (typeof REPORT_LANGS)[number] },
): Promise<SignedPackage> {
  const i = parseInput(packageInputSchema, input, 'package');
  const s = deps.inspections;
  const { firm, run, revision } = await resolveRun(s.store, i);
  assertCan(actor, 'report.read', firm.id);
  const kept = await keptPackage(s, { firm: firm.id, period: run.period, revision }, i.lang);
  return { name: kept.name, contentType: 'application/zip', size: statSync(kept.file).size, manifest: kept.manifest, open: () => createReadStream(kept.file) };
}
