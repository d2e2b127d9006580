import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceFromFile } from './evidence-input.js';

let tmp: string;
beforeAll(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'ccheck-ranges-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

async function rangesOf(content: Buffer, n: number) {
  const file = path.join(tmp, 'log.jsonl');
  writeFileSync(file, content);
  // Workers that never run: only the cutting is under test here.
  const workers = { threads: n, minBytes: 0, scan: () => Promise.reject(new Error('not in this test')) };
  const ranges = await evidenceFromFile(file, undefined, undefined, workers).ranges!(n);
  return Promise.all(ranges.map(async (r) => ({ start: r.start, end: r.end, bytes: await collect(r.bytes()) })));
}

describe('evidence files in byte ranges (EvidenceInput.ranges)', () => {
  it('cuts only after newlines, loses and repeats nothing, and gives at most n non-empty ranges', async () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '{"a":1}', '\r', '時間'));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 5 }), async (lines, endsInNewline, n) => {
        const content = Buffer.from(lines.join('\n') + (endsInNewline ? '\n' : ''), 'utf8');
        const ranges = await rangesOf(content, n);
        expect(Buffer.concat(ranges.map((r) => r.bytes)).equals(content)).toBe(true);
        expect(ranges.length).toBeLessThanOrEqual(Math.max(n, 1));
        ranges.forEach((r, i) => {
          expect(r.bytes.length).toBe(r.end - r.start);
          if (content.length) expect(r.bytes.length).toBeGreaterThan(0);
          if (i > 0) expect(r.start).toBe(ranges[i - 1]!.end);
          if (i < ranges.length - 1) expect(r.bytes[r.bytes.length - 1]).toBe(0x0a);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads on past a line longer than its 64 KB look-ahead window to find the cut', async () => {
    const long = 'x'.repeat(200_000);
    const content = Buffer.from(`a\n${long}\nb\n`);
    const ranges = await rangesOf(content, 2);
    expect(ranges.map((r) => [r.start, r.end])).toEqual([
      [0, 200_003],
      [200_003, 200_005],
    ]);
  });

  it('offers one range without worker threads, or for a file under their minimum size, and ranges that scan on them otherwise', async () => {
    const file = path.join(tmp, 'small.jsonl');
    writeFileSync(file, '{"a":1}\n'.repeat(100));
    const sent: unknown[] = [];
    const workers = (minBytes: number) => ({ threads: 3, minBytes, scan: (task: unknown) => Promise.resolve(sent.push(task)) });
    expect((await evidenceFromFile(file).ranges!(8)).map((r) => [r.start, r.end, r.scan === undefined])).toEqual([[0, 800, true]]);
    expect(await evidenceFromFile(file, undefined, undefined, workers(801)).ranges!(8)).toHaveLength(1);
    const ranges = await evidenceFromFile(file, undefined, undefined, workers(800)).ranges!(8);
    expect(ranges.map((r) => [r.start, r.end])).toEqual([
      [0, 272],
      [272, 536],
      [536, 800],
    ]);
    await ranges[1]!.scan!('log-monitoring', { x: 1 });
    expect(sent).toEqual([{ scanner: 'log-monitoring', file, start: 272, end: 536, params: { x: 1 } }]);
  });

  it('gives a Big5 file as one range, transcoded to UTF-8', async () => {
    const text = '時間,主機\n2026-11-01,web01\n'.repeat(3);
    const ranges = await rangesOf(iconv.encode(text, 'big5'), 3);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.bytes.toString('utf8')).toBe(text);
  });
});
