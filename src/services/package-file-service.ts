import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { InspectionService } from './inspection-service.js';
import { exportPackage } from './package-service.js';

/**
 * The signed package of a signed revision, as a file under the ccheck home (`packages/`, which
 * backups include). It is built on the first download and served as built from then on: the
 * revision is read-only, so the package cannot go stale.
 */
export async function packageFile(s: InspectionService, ref: { firm: string; period: string; revision?: number }): Promise<{ file: string; name: string }> {
  const { firm, run, revision } = await s.run(ref.firm, ref.period, ref.revision);
  const name = `ccheck-package-${firm.licence}-${run.period}-r${revision}.zip`;
  const dir = path.join(s.home, 'packages', firm.id);
  const file = path.join(dir, `${run.id}.zip`);
  if (!existsSync(file)) {
    // Two first downloads at once build it once: the second waits for the first.
    let building = inFlight.get(file);
    if (!building) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      building = exportPackage(s, { firm: firm.id, period: run.period, revision }, file).finally(() => inFlight.delete(file));
      inFlight.set(file, building);
    }
    await building;
  }
  return { file, name };
}

const inFlight = new Map<string, Promise<unknown>>();
