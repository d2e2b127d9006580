import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { rangeWorkerPool, type RangeWorkerPool } from '../../src/services/range-workers.js';
import { FIXTURES, tempDir } from '../helpers/shared.js';

// Issue 14's performance goal: large logs are scanned in byte ranges on worker threads. Whatever
// the number of ranges and threads, the report must be the one the single pass gives — the
// verdict, every finding with its line, the malformed-line counts and the first few line numbers.

const TODAY = '2026-11-27';
let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir('ccheck-log-threads-')));
afterEach(() => tmp.cleanup());

/** Three worker threads for any file, however small; one pool for the whole suite (workers load once). */
let pooled: RangeWorkerPool;
/** The single pass: never starts a worker. */
const single = rangeWorkerPool({ minBytes: Number.POSITIVE_INFINITY });
beforeAll(() => (pooled = rangeWorkerPool({ threads: 3, minBytes: 0 })));
afterAll(() => pooled.close());

const fixture = (analyzer: string, name: string) => path.join(FIXTURES, analyzer, name);

/** Runs the analyzer both ways and returns both reports and how many ranges went to the workers. */
async function bothWays(id: string, files: readonly string[], options: Record<string, string> = {}) {
  const one = await analyzeFiles(id, files, TODAY, options, undefined, undefined, single);
  const before = pooled.scanned;
  const many = await analyzeFiles(id, files, TODAY, options, undefined, undefined, pooled);
  return { one, many, onWorkers: pooled.scanned - before };
}

/**
 * A JSON Lines log with everything awkward at once, long enough that three ranges each hold
 * some of it: a BOM, CRLF endings, blank and malformed lines in every range, Big5 bytes after
 * a UTF-8 head (the encoding is sniffed from the first 64 KiB), failures (some handled in the log), sources going silent and
 * coming back out of order, nested objects, and a cut-off last line.
 */
function awkwardLog(lines: number): Buffer {
  const out: Buffer[] = [Buffer.from('\uFEFF')];
  const t0 = Date.UTC(2026, 10, 1) - 8 * 3600_000;
  for (let i = 0; i < lines; i++) {
    const hour = i % 97 === 0 ? (i * 7) % 48 : Math.floor(i / 10);
    const host = i > lines / 3 && i < lines / 2 ? 'core-ap-01' : ['core-ap-01', 'core-db-01', '主機-02'][i % 3]!;
    const time = new Date(t0 + hour * 3600_000 + 8 * 3600_000).toISOString().replace('Z', '+08:00');
    const message = i % 29 === 0 ? `${i} messages lost due to rate-limiting` : i % 31 === 0 ? 'queue full' : 'audit record written';
    let line = JSON.stringify({ time, host, app: 'trade', account: `u${i % 7}`, message, ...(i % 62 === 0 ? { action: 'INC-9' } : {}) });
    if (i % 53 === 0) line = 'not json at all';
    if (i % 71 === 0) line = '';
    if (i % 83 === 0) line = JSON.stringify({ time, host: { name: host }, message: 'nested' });
    if (i % 89 === 0) line = JSON.stringify({ ts: time, user: { name: `u${i}` }, function: 'customer.view', system: '', query: null });
    out.push(i > 1000 && i % 101 === 50 ? iconv.encode(`{"time":"${time}","host":"${host}","message":"日誌正常"}`, 'big5') : Buffer.from(line));
    out.push(Buffer.from(i % 2 ? '\r\n' : '\n'));
  }
  out.push(Buffer.from('{"time":"2026-11-03T02:00:00+08:00","host":"core-ap-01","mess'));
  return Buffer.concat(out);
}

describe('log analyzers on worker threads report exactly what the single pass reports', () => {
  it('log-monitoring on the awkward log: 3 ranges on the workers, the same verdict, findings, lines and counts', async () => {
    const file = path.join(tmp.dir, 'audit.jsonl');
    writeFileSync(file, awkwardLog(3000));
    const optionSets: Record<string, string>[] = [{ silence_hours: '6' }, { silence_hours: '2', max_findings_per_kind: '2', source_by: 'host_app' }];
    for (const options of optionSets) {
      const { one, many, onWorkers } = await bothWays('log-monitoring', [file], options);
      expect(onWorkers).toBe(3);
      expect(many).toEqual(one);
      // The control: the log does hold what the comparison is about, in more than one range.
      const kinds = one.findings.map((f) => f.kind);
      expect(kinds).toEqual(expect.arrayContaining(['log_failure_unhandled', 'silent_source', 'malformed_lines', 'wrong_encoding', 'truncated_file']));
      const malformed = one.findings.find((f) => f.kind === 'malformed_lines')!;
      expect(malformed.detail).toMatch(/^\d+ lines could not be read/);
      expect(one.findings.find((f) => f.kind === 'truncated_file')!.line).toBe(3001);
    }
  });

  it('pd-trails on the awkward log: missing fields named by line across the ranges', async () => {
    const file = path.join(tmp.dir, 'pd-access.jsonl');
    writeFileSync(file, awkwardLog(3000));
    for (const options of [{}, { max_findings_per_kind: '3' }] as Record<string, string>[]) {
      const { one, many, onWorkers } = await bothWays('pd-trails', [file], options);
      expect(onWorkers).toBe(3);
      expect(many).toEqual(one);
      expect(one.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['missing_account', 'missing_query', 'malformed_lines', 'truncated_file']));
    }
  });

  it('the fixture logs (BOM, CRLF, malformed and cut-off lines, an action register, several files): the same either way', async () => {
    const monitoring = [fixture('log-monitoring', 'app-events.jsonl'), fixture('log-monitoring', 'actions.csv'), fixture('log-monitoring', 'collector.log')];
    const options = { period_from: '2026-11-01', period_to: '2026-11-02', silence_hours: '6', action_window_hours: '2', max_findings_per_kind: '2' };
    const m = await bothWays('log-monitoring', monitoring, options);
    expect(m.onWorkers).toBeGreaterThanOrEqual(2); // the JSON Lines file; syslog and the register are read whole
    expect(m.many).toEqual(m.one);
    expect(m.one.findings.filter((f) => f.kind === 'truncated_file' || f.kind === 'malformed_lines').map((f) => [f.file, f.line])).toEqual([
      ['actions.csv', 3],
      ['app-events.jsonl', 13],
      ['app-events.jsonl', 7],
      ['collector.log', 7],
    ]);

    const trails = ['pd-access.jsonl', 'pd-access.csv', 'pd-access-big5.csv', 'pd-access.log'].map((n) => fixture('pd-trails', n));
    const p = await bothWays('pd-trails', trails);
    expect(p.onWorkers).toBeGreaterThanOrEqual(2);
    expect(p.many).toEqual(p.one);
  });

  it('a Big5 file is one range read on the calling thread (it is transcoded from the start), with the same report', async () => {
    const text = readFileSync(fixture('pd-trails', 'pd-access-big5.csv'));
    const file = path.join(tmp.dir, 'big5.csv');
    writeFileSync(file, Buffer.concat([text, ...Array.from({ length: 50 }, () => text.subarray(text.indexOf(0x0a) + 1))]));
    const { one, many, onWorkers } = await bothWays('pd-trails', [file], { max_findings_per_kind: '100' });
    expect(onWorkers).toBe(0);
    expect(many).toEqual(one);
    expect(one.findings.filter((f) => f.kind === 'missing_function')).toHaveLength(51);
  });

  it('a range that outgrows a worker heap is scanned again on the calling thread: the same report, nothing lost', async () => {
    // Many distinct sources, each a timeline the worker must keep; a heap far too small for them.
    const lines = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ time: `2026-11-01T0${i % 10}:00:00+08:00`, host: `h${i}`, message: 'ok' }));
    const file = path.join(tmp.dir, 'many-sources.jsonl');
    writeFileSync(file, lines.join('\n'));
    const starved = rangeWorkerPool({ threads: 2, minBytes: 0, heap: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } });
    try {
      const one = await analyzeFiles('log-monitoring', [file], TODAY, { silence_hours: '2' }, undefined, undefined, single);
      expect(await analyzeFiles('log-monitoring', [file], TODAY, { silence_hours: '2' }, undefined, undefined, starved)).toEqual(one);
      expect(one.scope).toBe(60_000);
      expect(starved.rescanned).toBeGreaterThan(0); // the control: the workers did run out of heap
    } finally {
      await starved.close();
    }
  });
});
