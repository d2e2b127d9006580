import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { localOperator } from '../../src/core/people/actor.js';
import type { InspectionService } from '../../src/services/inspection-service.js';
import { signedPackage } from '../../src/services/use-cases/packages.js';

/** What `ccheck package export` does, for tests that need a package file: the use case's bytes, written to `file`. */
export async function exportPackage(
  s: InspectionService,
  ref: { firm: string; period: string; revision?: number },
  file: string,
  lang: 'zh-TW' | 'en' = 'zh-TW',
) {
  const pkg = await signedPackage({ inspections: s }, localOperator('package exporter'), { ...ref, lang });
  await pipeline(pkg.open(), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  return { manifest: pkg.manifest, file };
}
