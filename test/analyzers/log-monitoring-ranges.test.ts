import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findAnalyzer } from '../../src/analyzers/registry.js';
import { runAnalyzer, type EvidenceInput, type EvidenceRange } from '../../src/core/analysis/analyzer.js';

const TODAY = '2026-11-27';
const analyzer = findAnalyzer('log-monitoring')!;

/** A log as lines only: the plain sequential path every other input must agree with. */
function sequential(name: string, text: string): EvidenceInput {
  return {
    name,
    // As readline (src/io/evidence-input.ts) reads a file: a final newline ends the last line, it adds no empty one.
    lines: () => Readable.from(text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')),
    text: () => Promise.resolve(text),
    table: () => Promise.reject(new Error('not a table')),
  };
}

/**
 * The same log offering byte ranges cut just after the newline at or after each given offset,
 * as `evidenceFromFile` cuts them (so 1, 2 or 3 ranges, whatever the analyzer asks for), each
 * range delivered in small chunks that end anywhere.
 */
function inRanges(name: string, text: string, offsets: readonly number[]): EvidenceInput {
  const bytes = Buffer.from(text, 'utf8');
  const cuts = [0];
  for (const o of [...offsets].sort((a, b) => a - b)) {
    const nl = bytes.indexOf(0x0a, Math.max(o, cuts[cuts.length - 1]!));
    if (nl >= 0 && nl + 1 < bytes.length && nl + 1 > cuts[cuts.length - 1]!) cuts.push(nl + 1);
  }
  cuts.push(bytes.length);
  const chunked = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 13) }, (_, i) => b.subarray(i * 13, (i + 1) * 13)));
  const ranges: EvidenceRange[] = cuts.slice(0, -1).map((start, i) => ({ start, end: cuts[i + 1]!, bytes: () => chunked(bytes.subarray(start, cuts[i + 1])) }));
  return { ...sequential(name, text), bytes: () => chunked(bytes), ranges: () => Promise.resolve(ranges) };
}

const HOSTS = ['core-ap-01', 'core-db-01', '主機-02'];
const MESSAGES = ['user login ok', 'order accepted', 'rsyslogd: action suspended, error', '1250 messages lost', 'queue full', '日誌轉送失敗'];
const line = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      hour: fc.integer({ min: 0, max: 24 * 10 }),
      host: fc.constantFrom(...HOSTS),
      message: fc.constantFrom(...MESSAGES),
      action: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'garbage',
      '',
      '{"time":"bad time","host":"core-ap-01","message":"ok"}',
      '{"time":"2026-11-02T00:00:00+08:00","host":{"name":"core-db-01"},"message":"nested"}',
    ),
  },
);
const iso = (hour: number) => new Date(Date.UTC(2026, 10, 1, hour)).toISOString();

function render(items: readonly (string | { hour: number; host: string; message: string; action: boolean })[], cutOff: boolean): string {
  const lines = items.map((x) =>
    typeof x === 'string'
      ? x
      : JSON.stringify({
          time: iso(x.hour),
          host: x.host,
          app: 'trade',
          message: x.message,
          ...(x.action && x.message.includes('full') ? { action: 'INC-7' } : {}),
        }),
  );
  if (cutOff) lines.push('{"time":"2026-11-03T02:00:00+08:00","host":"core-ap-01","mess');
  return lines.join('\n');
}

describe('log-monitoring read in byte ranges (8/(4)/d)', () => {
  it('reports exactly what the sequential read reports, with 1, 2 or 3 ranges cut at random points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 2 }),
        fc.integer({ min: 1, max: 5 }),
        async (items, cutOff, offsets, cap) => {
          const text = render(items, cutOff);
          const options = { silence_hours: '6', max_findings_per_kind: String(cap) };
          const run = (input: EvidenceInput) => runAnalyzer(analyzer, { files: [input], today: TODAY, options });
          const expected = await run(sequential('audit.jsonl', text));
          expect(await run(inRanges('audit.jsonl', text, offsets))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('renumbers a later range: a failure and a silence after the cut name their line in the file', async () => {
    const text = render(
      [
        { hour: 0, host: 'core-ap-01', message: 'user login ok', action: false },
        { hour: 1, host: 'core-ap-01', message: 'user login ok', action: false },
        { hour: 30, host: 'core-ap-01', message: '1250 messages lost', action: false },
        { hour: 31, host: 'core-ap-01', message: 'user login ok', action: false },
      ],
      false,
    );
    const second = text.indexOf('\n') + 1;
    const report = await runAnalyzer(analyzer, { files: [inRanges('audit.jsonl', text, [second])], today: TODAY, options: { silence_hours: '6' } });
    const at = report.findings.map((f) => [f.kind, f.line]);
    expect(at).toContainEqual(['log_failure_unhandled', 3]);
    expect(at).toContainEqual(['silent_source', 3]);
  });

  it('a bad last line reads the same quickly as line by line, whether or not its newline follows (found by the property above)', async () => {
    const text = render([{ hour: 0, host: 'core-ap-01', message: 'user login ok', action: false }, 'garbage', ''], false);
    const run = (input: EvidenceInput) => runAnalyzer(analyzer, { files: [input], today: TODAY, options: { silence_hours: '6' } });
    for (const t of [text, text.replace(/\n$/, '')]) {
      const quick = await run(inRanges('audit.jsonl', t, []));
      expect(quick).toEqual(await run(sequential('audit.jsonl', t)));
      expect(quick.findings.map((f) => [f.kind, f.line])).toContainEqual(['malformed_lines', 2]);
    }
  });
});

describe('pd-trails read in byte ranges (8/(5)/k)', () => {
  const trails = findAnalyzer('pd-trails')!;
  // A record with each of the five fields present, empty or absent, and now and then a bad line.
  const record = fc.oneof(
    {
      weight: 10,
      arbitrary: fc
        .record({
          account: fc.constantFrom('A1', '', null),
          function: fc.constantFrom('customer.view', '-', null),
          time: fc.constantFrom('2026-11-02T09:00:00+08:00', 'bad time', null),
          system: fc.constantFrom('CRM', 'n/a', null),
          query: fc.constantFrom('id=A1', '', null),
        })
        .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)))),
    },
    { weight: 1, arbitrary: fc.constantFrom('garbage', '', '{"account":{"name":"B2"},"function":"x","time":"2026-11-02T09:00:00+08:00"}') },
  );

  it('reports exactly what the sequential read reports, line numbers in the text included, with 1, 2 or 3 ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 2 }),
        fc.integer({ min: 1, max: 4 }),
        async (lines, cutOff, offsets, cap) => {
          const text = [...lines, ...(cutOff ? ['{"account":"A1","func'] : [])].join('\n');
          const options = { max_findings_per_kind: String(cap) };
          const run = (input: EvidenceInput) => runAnalyzer(trails, { files: [input], today: TODAY, options });
          expect(await run(inRanges('pd.jsonl', text, offsets))).toEqual(await run(sequential('pd.jsonl', text)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
