import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAuditLog } from '../../scripts/log-bench.js';
import { packageRoot } from '../../src/io/catalog-data.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { MIN_POOLED_BYTES, rangeWorkerPool } from '../../src/services/range-workers.js';
import { tempDir } from '../helpers/shared.js';

// Issue 14: the installed CLI (built dist/, compiled .js) scans a large log on worker threads
// too, not only ccheck run from source; the worker module must be found and loaded there. The
// built bin is spawned with the preload that records every module loaded (worker threads
// inherit it), and its report is compared with the single pass.

const root = packageRoot();
let tmp: { dir: string; cleanup: () => void };
let log: string;
beforeAll(async () => {
  tmp = tempDir('ccheck-log-threads-cli-');
  log = path.join(tmp.dir, 'audit.jsonl');
  // Just over the size from which the services start the workers (about 240 bytes a line).
  await generateAuditLog(log, Math.ceil((MIN_POOLED_BYTES * 1.02) / 230));
});
afterAll(() => tmp.cleanup());

describe('ccheck analyze on a large log, from the built CLI', () => {
  it('loads the compiled worker on its threads and reports what the single pass reports', async () => {
    expect(statSync(log).size).toBeGreaterThanOrEqual(MIN_POOLED_BYTES);
    const loads = path.join(tmp.dir, 'loads.log');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        path.join(root, 'test', 'helpers', 'record-loads.mjs'),
        path.join(root, 'bin', 'ccheck.js'),
        'analyze',
        'log-monitoring',
        log,
        '--today',
        '2026-11-30',
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, CCHECK_HOME: path.join(tmp.dir, 'home'), CCHECK_LOAD_LOG: loads, LANG: 'en_US.UTF-8' } },
    );
    const loaded = readFileSync(loads, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((u) => path.relative(root, decodeURIComponent(new URL(u).pathname)));
    // The pool started (its worker bootstrap loaded) from the built services; a worker that could
    // not load the scanner module would make the verdict `error`, not the single pass's report.
    expect(loaded).toContain('dist/services/range-workers.js');
    expect(loaded).toContain('node_modules/piscina/dist/worker.js');
    expect(loaded).toContain('dist/cli/main.js');
    expect(loaded.filter((f) => f.startsWith('src/'))).toEqual([]); // nothing from the sources: the built CLI alone

    const body = JSON.parse(r.stdout) as {
      verdict: string;
      scope: number;
      summary: string;
      findings: { kind: string; line: number | null; rule: string | null; detail: string }[];
    };
    const single = await analyzeFiles('log-monitoring', [log], '2026-11-30', {}, undefined, undefined, rangeWorkerPool({ minBytes: Number.POSITIVE_INFINITY }));
    expect(body.verdict).toBe('fail');
    expect([body.verdict, body.scope, body.summary]).toEqual([single.verdict, single.scope, single.summary]);
    expect(body.findings.map((f) => [f.kind, f.line, f.rule, f.detail])).toEqual(single.findings.map((f) => [f.kind, f.line, f.rule, f.detail]));
    expect(body.findings.map((f) => f.kind)).toContain('silent_source');
  });

  it('the built services find the compiled worker module next to them, and need no TypeScript loader for it', async () => {
    const built = (await import(
      pathToFileURL(path.join(root, 'dist', 'services', 'range-workers.js')).href
    )) as typeof import('../../src/services/range-workers.js');
    expect(built.rangeWorkerModule()).toEqual({ filename: path.join(root, 'dist', 'services', 'log-range-worker.js'), execArgv: process.execArgv });
    // From source (this test's own import) it is the .ts file, loaded with tsx.
    const source = (await import('../../src/services/range-workers.js')).rangeWorkerModule();
    expect(source.filename).toBe(path.join(root, 'src', 'services', 'log-range-worker.ts'));
    expect(source.execArgv.join(' ')).toMatch(/--import \S*tsx/);
  });
});
