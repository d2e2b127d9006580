// The log analyzers against the tools an auditor would reach for, on the same generated file in
// the same run (issue 14): `wc -l` (the I/O floor), a plain readline + JSON.parse loop and DuckDB
// doing the same aggregation (per source: longest gap, silences over 24 h, failure messages).
// Each contender runs in its own child process, so its peak RSS is its own (`maxRSS`).
//   npx tsx scripts/log-bench.ts              10 million lines (~2.3 GB), as the issue asks
//   BENCH_LOG_LINES=500000 npx tsx scripts/log-bench.ts   a quick run
// The file is generated under the OS temp folder and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse';
import { FAILURES } from '../src/analyzers/log-monitoring/log-monitoring.analyzer.js';
import { splitCsv } from '../src/analyzers/log-monitoring/log-records.js';
import type { BenchRow } from './report-bench.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.join(path.dirname(SELF), '..');

/**
 * The analyzers as `ccheck` runs them: the build in dist/ when it is newer than every source
 * file, else the sources through tsx (whose worker threads then compile the scanner too, about
 * 1.5-2× slower on 2M lines). The table says which ran.
 */
async function analyzerService(): Promise<{ analyzeFiles: typeof import('../src/services/analysis-service.js').analyzeFiles; built: boolean }> {
  const dist = path.join(ROOT, 'dist', 'services', 'analysis-service.js');
  const sources = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const newest = Math.max(...sources.map((f) => statSync(path.join(ROOT, 'src', f)).mtimeMs));
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest) {
    const built = (await import(pathToFileURL(dist).href)) as typeof import('../src/services/analysis-service.js');
    return { analyzeFiles: built.analyzeFiles, built: true };
  }
  return { analyzeFiles: (await import('../src/services/analysis-service.js')).analyzeFiles, built: false };
}
const SILENCE_S = 24 * 3600;
const HOSTS = 40;

/**
 * A month of audit events at a large broker: 40 core hosts, one event per line (~230 bytes),
 * about one log-processing failure per 100,000 lines, and core-ap-07 silent for 30 hours.
 */
export async function generateAuditLog(file: string, lines: number, format: 'jsonl' | 'csv' = 'jsonl'): Promise<void> {
  const out = createWriteStream(file);
  const fns = ['order.query', 'account.view', 'statement.download', 'kyc.export', 'login'];
  const t0 = Date.UTC(2026, 10, 1) - 8 * 3600_000;
  const span = 30 * 86400_000;
  const gapFrom = t0 + 10 * 86400_000;
  const gapTo = gapFrom + 30 * 3600_000;
  if (format === 'csv') out.write('time,host,app,account,function,system,src_ip,query,result_count,message\n');
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const at = t0 + Math.floor((i / lines) * span);
    let h = i % HOSTS;
    if (h === 7 && at > gapFrom && at < gapTo) h = 8;
    const time = new Date(at + 8 * 3600_000).toISOString().replace('Z', '+08:00');
    const host = `core-ap-${String(h).padStart(2, '0')}`;
    const msg = i % 100_003 === 77 ? 'imjournal: 1250 messages lost due to rate-limiting' : 'audit record written';
    const acct = `u${String(i % 50_000).padStart(6, '0')}`;
    const ip = `10.${i % 250}.${(i >> 8) % 250}.${i % 200}`;
    buf +=
      format === 'jsonl'
        ? `{"time":"${time}","host":"${host}","app":"trade","account":"${acct}","function":"${fns[i % 5]}","system":"TRADE","src_ip":"${ip}","query":"acct=${(i * 7919) % 1_000_000}","result_count":${i % 17},"message":"${msg}"}\n`
        : `${time},${host},trade,${acct},${fns[i % 5]},TRADE,${ip},"acct=${(i * 7919) % 1_000_000}, branch ""A""",${i % 17},${msg}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((r) => out.end(buf, () => r()));
}

const FAILURE_RE = new RegExp(FAILURES.map((f) => f.test.source).join('|'), 'i');

/** The aggregation every contender computes: per host the longest gap, gaps over 24 h, failure lines. */
interface Aggregate {
  hosts: number;
  silences: number;
  failures: number;
}

function aggregator() {
  const last = new Map<string, number>();
  let silences = 0;
  let failures = 0;
  return {
    add(host: string, time: number, message: string) {
      const prev = last.get(host);
      if (prev !== undefined && time - prev > SILENCE_S * 1000) silences++;
      last.set(host, time);
      if (FAILURE_RE.test(message)) failures++;
    },
    result: (): Aggregate => ({ hosts: last.size, silences, failures }),
  };
}

/** What a child process runs: one contender, timed inside, with its own peak RSS. */
async function child(kind: string, file: string): Promise<void> {
  let t0 = performance.now();
  let result: unknown;
  if (kind === 'readline') {
    const agg = aggregator();
    for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
      if (!line) continue;
      const o = JSON.parse(line) as { time: string; host: string; message: string };
      agg.add(o.host, Date.parse(o.time), o.message);
    }
    result = agg.result();
  } else if (kind === 'duckdb') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:', { threads: String(os.cpus().length) });
    const conn = await db.connect();
    const re = FAILURE_RE.source.replace(/'/g, "''");
    const reader = await conn.runAndReadAll(`
      WITH e AS (SELECT host, CAST(time AS TIMESTAMPTZ) AS t, message
                 FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited',
                                columns = {time: 'VARCHAR', host: 'VARCHAR', message: 'VARCHAR'})),
           g AS (SELECT host, epoch(t) - epoch(lag(t) OVER (PARTITION BY host ORDER BY t)) AS gap,
                        regexp_matches(message, '${re}', 'i') AS failure FROM e)
      SELECT count(DISTINCT host) AS hosts, count(*) FILTER (WHERE gap > ${SILENCE_S}) AS silences,
             count(*) FILTER (WHERE failure) AS failures FROM g`);
    const [row] = reader.getRowObjectsJS();
    result = { hosts: Number(row!.hosts), silences: Number(row!.silences), failures: Number(row!.failures) };
    conn.closeSync();
    db.closeSync();
  } else if (kind === 'csv-parse') {
    let rows = 0;
    for await (const rec of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parseCsv({ relax_column_count: false })))
      rows += (rec as string[]).length ? 1 : 0;
    result = { rows };
  } else if (kind === 'split-csv') {
    let rows = 0;
    let pending = '';
    for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
      const cells = splitCsv(pending ? `${pending}\n${line}` : line);
      if (cells === null) pending = pending ? `${pending}\n${line}` : line;
      else {
        pending = '';
        rows++;
      }
    }
    result = { rows };
  } else {
    // Timed once the modules are loaded (the CLI's start-up has rows of its own); the worker threads' start is timed.
    const { analyzeFiles, built } = await analyzerService();
    t0 = performance.now();
    const r = await analyzeFiles(kind, [file], '2026-11-30', kind === 'log-monitoring' ? { silence_hours: '24' } : { max_findings_per_kind: '50' });
    result = { verdict: r.verdict, scope: r.scope, summary: r.summary, code: built ? 'built dist/' : 'sources via tsx', threads: os.availableParallelism() };
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), result }));
}

interface ChildResult {
  seconds: number;
  maxRssMb: number;
  result: Record<string, unknown>;
}

/** Which code ran and on how many threads (a file under 64 MiB, or CSV, is read on one). */
const ran = (c: ChildResult) => `${String(c.result.code)}, up to ${String(c.result.threads)} threads`;

function runChild(kind: string, file: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', kind, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${kind}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

/** The log section of `npm run bench`: rows for the table, with rates and ratios to DuckDB. */
export async function benchLogs(work: string): Promise<BenchRow[]> {
  const lines = Number(process.env.BENCH_LOG_LINES ?? 10_000_000);
  const pdLines = Math.min(lines, Number(process.env.BENCH_PD_LINES ?? 1_000_000));
  const csvLines = Math.min(lines, Number(process.env.BENCH_CSV_LINES ?? 1_000_000));
  const jsonl = path.join(work, 'audit.jsonl');
  await generateAuditLog(jsonl, lines);
  const bytes = statSync(jsonl).size;
  const label = `${(lines / 1e6).toFixed(1)}M lines, ${(bytes / 2 ** 30).toFixed(2)} GB JSONL`;
  const rate = (b: number, s: number) => `${(b / 2 ** 20 / s).toFixed(0)} MB/s`;
  const rows: BenchRow[] = [];

  const t0 = performance.now();
  const wc = spawnSync('wc', ['-l', jsonl], { encoding: 'utf8' });
  const wcSeconds = (performance.now() - t0) / 1000;
  rows.push({
    name: 'logs: wc -l (I/O floor)',
    input: label,
    seconds: wcSeconds,
    rate: rate(bytes, wcSeconds),
    peakRssMb: 0,
    baseline: `${wc.stdout.trim().split(/\s+/)[0]} lines`,
  });

  const duck = runChild('duckdb', jsonl);
  const vsDuck = (s: number) => `${(s / duck.seconds).toFixed(2)}× DuckDB`;
  const agg = (r: Record<string, unknown>) => `${String(r.hosts)} hosts, ${String(r.silences)} silences, ${String(r.failures)} failures`;
  rows.push({
    name: `logs: DuckDB read_json + window + regexp (${agg(duck.result)})`,
    input: label,
    seconds: duck.seconds,
    rate: rate(bytes, duck.seconds),
    peakRssMb: duck.maxRssMb,
    baseline: `max RSS ${duck.maxRssMb} MB; ${(duck.seconds / wcSeconds).toFixed(1)}× wc -l`,
  });
  const rl = runChild('readline', jsonl);
  rows.push({
    name: `logs: readline + JSON.parse, same aggregation (${agg(rl.result)})`,
    input: label,
    seconds: rl.seconds,
    rate: rate(bytes, rl.seconds),
    peakRssMb: rl.maxRssMb,
    baseline: `${vsDuck(rl.seconds)}; max RSS ${rl.maxRssMb} MB`,
  });
  const mon = runChild('log-monitoring', jsonl);
  rows.push({
    name: `logs: ccheck log-monitoring, ${ran(mon)} (${String(mon.result.summary).split(':')[1]?.split(';')[0]?.trim() ?? ''})`,
    input: label,
    seconds: mon.seconds,
    rate: rate(bytes, mon.seconds),
    peakRssMb: mon.maxRssMb,
    baseline: `${vsDuck(mon.seconds)}; ${(mon.seconds / rl.seconds).toFixed(2)}× readline+JSON.parse; max RSS ${mon.maxRssMb} MB`,
  });

  // pd-trails judges five fields on every line (complete lines the quick way): a smaller slice by default.
  const pdFile = path.join(work, 'pd.jsonl');
  await generateAuditLog(pdFile, pdLines);
  const pdBytes = statSync(pdFile).size;
  const pd = runChild('pd-trails', pdFile);
  rows.push({
    name: `logs: ccheck pd-trails, ${ran(pd)} (five fields on every line; ${String(pd.result.scope)} records)`,
    input: `${(pdLines / 1e6).toFixed(1)}M lines, ${(pdBytes / 2 ** 20).toFixed(0)} MB JSONL`,
    seconds: pd.seconds,
    rate: rate(pdBytes, pd.seconds),
    peakRssMb: pd.maxRssMb,
    baseline: `max RSS ${pd.maxRssMb} MB`,
  });
  rmSync(pdFile);

  // CSV logs: the parser chosen by this comparison (quoted fields with commas and doubled quotes).
  const csv = path.join(work, 'audit.csv');
  await generateAuditLog(csv, csvLines, 'csv');
  const csvBytes = statSync(csv).size;
  const csvLabel = `${(csvLines / 1e6).toFixed(1)}M lines, ${(csvBytes / 2 ** 20).toFixed(0)} MB CSV`;
  const cp = runChild('csv-parse', csv);
  rows.push({
    name: 'logs: csv-parse 7 streaming, array rows',
    input: csvLabel,
    seconds: cp.seconds,
    rate: rate(csvBytes, cp.seconds),
    peakRssMb: cp.maxRssMb,
    baseline: `${String(cp.result.rows)} rows`,
  });
  const sc = runChild('split-csv', csv);
  rows.push({
    name: 'logs: ccheck splitCsv (RFC 4180 quotes) over readline',
    input: csvLabel,
    seconds: sc.seconds,
    rate: rate(csvBytes, sc.seconds),
    peakRssMb: sc.maxRssMb,
    baseline: `${String(sc.result.rows)} rows; ${(sc.seconds / cp.seconds).toFixed(2)}× csv-parse`,
  });
  const monCsv = runChild('log-monitoring', csv);
  rows.push({
    name: `logs: ccheck log-monitoring on the CSV, ${ran(monCsv)}`,
    input: csvLabel,
    seconds: monCsv.seconds,
    rate: rate(csvBytes, monCsv.seconds),
    peakRssMb: monCsv.maxRssMb,
    baseline: `max RSS ${monCsv.maxRssMb} MB`,
  });
  rmSync(csv);
  rmSync(jsonl);
  return rows;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!);
} else if (process.argv[1] === SELF) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ccheck-log-bench-'));
  try {
    const rows = await benchLogs(work);
    console.log(
      `machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}; files in ${work} (deleted)`,
    );
    for (const r of rows) console.log([r.name, r.input, `${r.seconds.toFixed(2)} s`, r.rate, `${r.peakRssMb} MB`, r.baseline ?? ''].join(' | '));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
