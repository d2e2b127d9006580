// A writer process for the concurrency tests: connects to the store, says READY, waits for "go"
// on stdin (so that every writer starts together, however slowly each one loaded), records a
// result for each item it is given, and exits 0 only if every write succeeded.
import { createInterface } from 'node:readline';
import { InspectionService } from '../../src/services/inspection-service.js';

const [home, actor, licence, period, ...items] = process.argv.slice(2);
const clock = { now: () => new Date().toISOString(), today: () => '2026-11-27' };
const service = await InspectionService.connect(home!, process.env, clock);
process.stdout.write('READY\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
lines.close();
let failed = 0;
for (const [i, path] of items.entries()) {
  try {
    await service.setResult(
      actor!,
      { firm: licence!, period: period!, path },
      { status: i % 2 ? 'pass' : 'fail', justification: `checked by ${actor}`, source: 'attestation', expiresOn: '2027-11-27' },
    );
  } catch (e) {
    failed++;
    process.stderr.write(`${path}: ${(e as Error).message}\n`);
  }
}
await service.close();
process.exitCode = failed ? 1 : 0;
