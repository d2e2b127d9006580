// The signin-attempts benchmark: a generated month-like sign-in log (JSON Lines, one attempt per
// line, 200,000 accounts, a locked brute force every 100,000 lines) analysed by the analyzer,
// against a plain readline + JSON.parse loop over the same file in the same run.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { analyzeFiles } from '../src/services/analysis-service.js';
import type { BenchRow } from './report-bench.js';

type Measure = (fn: () => Promise<void> | void) => Promise<{ seconds: number; peakRssMb: number }>;

async function writeLog(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  const t0 = Date.UTC(2026, 10, 1) - 8 * 3_600_000;
  // mulberry32: a fixed seed, so every run reads the same log (an LCG's low bits repeat addresses).
  let seed = 1;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n) | 0;
  };
  for (let i = 0; i < lines; i++) {
    const attack = i % 100_000 < 12;
    const user = attack ? 'A000000001' : `A${String(rand(200_000)).padStart(9, '0')}`;
    const ip = attack ? '203.0.113.9' : `10.${rand(256)}.${rand(256)}.${1 + rand(254)}`;
    const outcome = attack ? (i % 100_000 < 5 ? 'failure' : 'locked') : rand(10) ? 'success' : 'failure';
    const ts = new Date(t0 + i * 2_500 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const line = `{"timestamp":"${ts}","user":"${user}","src_ip":"${ip}","event":"login","outcome":"${outcome}","system":"網路下單"}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

export async function benchSigninAttempts(work: string, measure: Measure, lines = Number(process.env.BENCH_AUTH_LINES ?? 1_000_000)): Promise<BenchRow[]> {
  const file = path.join(work, 'auth.jsonl');
  await writeLog(file, lines);
  const mb = statSync(file).size / 2 ** 20;
  const input = `${lines.toLocaleString('en')} sign-ins, ${mb.toFixed(0)} MB JSON Lines`;
  const rate = (s: number) => `${(mb / s).toFixed(1)} MB/s`;
  let parsed = 0;
  const base = await measure(async () => {
    const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const l of rl) if ((JSON.parse(l) as { outcome?: string }).outcome) parsed++;
  });
  let verdict = '';
  const analyzer = await measure(async () => {
    verdict = (await analyzeFiles('signin-attempts', [file], '2026-11-30')).verdict;
  });
  if (parsed !== lines || verdict !== 'pass') throw new Error(`signin-attempts bench: parsed ${parsed}/${lines}, verdict ${verdict}`);
  return [
    { name: 'baseline: readline + JSON.parse', input, ...base, rate: rate(base.seconds) },
    {
      name: 'signin-attempts analyzer (bursts, stuffing, defences)',
      input,
      ...analyzer,
      rate: rate(analyzer.seconds),
      baseline: `${(analyzer.seconds / base.seconds).toFixed(2)}× readline + JSON.parse`,
    },
  ];
}
