import { statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/services/demo-service.js';
import { apiClock } from '../helpers/api-app.js';
import { tempDir } from '../helpers/shared.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('the demo without a writer of its own (ccheck serve --demo)', () => {
  it('writes its reports and package for the owner only (0600), as the CLI writer does', async () => {
    const r = await runDemo(path.join(tmp.dir, 'demo'), {}, apiClock(), { force: true, lang: 'en' });
    const written = [r.report, r.workbook, r.pdf, r.previous.package].map((f) => path.resolve(tmp.dir, 'demo', f));
    for (const f of written) expect([f, statSync(f).mode & 0o777]).toEqual([f, 0o600]);
  });
});
