// The API load benchmark (issue 11): the dashboard and the run page of a store holding 100 firms ×
// 36 monthly runs, at 200 requests/s over real HTTP, SQLite and PostgreSQL side by side in one
// table: once as a steady arrival of one request every 5 ms (`paced`, below: the target's
// measure) and once as autocannon offers it, a burst at the start of every second. `npm run
// bench` runs it after the other sections; `tsx scripts/api-bench.ts` runs it alone. The server
// runs in a child process (this script's `serve` mode), so the load generator does not share its
// event loop.
//
// The store is filled fast: the firms and the first run go through the services (audited, as in
// use); the other 3,599 runs are bulk copies of that run's rows inserted through Kysely, in
// batches, with statuses spread as a year of work leaves them (older months passed and signed,
// some failures with findings, the current month half done). Bulk rows carry no audit events:
// neither page reads the chain (approvals would; the bulk rows have none).
//
// Environment: BENCH_API_SECONDS (default 20 per page and database), BENCH_API_WARMUP (5 s of the
// same load before each page's measurement, not counted), BENCH_API_RATE (200),
// BENCH_API_FIRMS (100), BENCH_API_MONTHS (36), BENCH_PG_ADMIN_URL (default DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres; 'none' skips PostgreSQL). Nothing is committed:
// the SQLite home is a temp folder, the PostgreSQL database is created and dropped here.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { startServer } from '../src/api/server.js';
import { ROLES } from '../src/core/people/roles.js';
import type { Actor } from '../src/core/people/actor.js';
import { parseProfile } from '../src/io/read-profile.js';
import { firmDashboard } from '../src/services/dashboard-service.js';
import { profileTemplate } from '../src/services/firm-service.js';
import { InspectionService, type Clock } from '../src/services/inspection-service.js';
import type { ItemResultsTable } from '../src/storage/schema.js';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_API_RATE ?? 200);
const FIRMS = Number(process.env.BENCH_API_FIRMS ?? 100);
const MONTHS = Number(process.env.BENCH_API_MONTHS ?? 36);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 5);
const KEY = Buffer.alloc(32, 7).toString('base64');
const clock: Clock = { now: () => '2026-11-27T02:00:00.000Z', today: () => '2026-11-27' };

/** The last `n` monthly periods up to 2026-11, oldest first. */
function months(n: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const m = 2026 * 12 + 10 - i;
    out.push(`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

export async function fill(env: NodeJS.ProcessEnv, home: string): Promise<{ seconds: number; runs: number; results: number }> {
  const t0 = performance.now();
  const s = await InspectionService.connect(home, env, clock, { create: true });
  try {
    await s.init();
    const base = parseProfile(profileTemplate(), 'template');
    const periods = months(MONTHS);
    const firms: string[] = [];
    for (let f = 0; f < FIRMS; f++)
      firms.push((await s.addFirm('bench', { ...base, firm: { name: `測試證券${f}`, licence: `金管證總字第${String(f).padStart(4, '0')}號` } })).id);
    const { run: template } = await s.startRun('bench', firms[0]!, periods[periods.length - 1]!);
    const items = await s.db.selectFrom('item_results').selectAll().where('run_id', '=', template.id).execute();
    let runs = 1;
    let results = items.length;
    for (const [fi, firmId] of firms.entries()) {
      await s.transaction(async () => {
        const runRows = [];
        const resultRows: ItemResultsTable[] = [];
        const signoffs = [];
        const findings = [];
        for (const [pi, period] of periods.entries()) {
          if (fi === 0 && pi === periods.length - 1) continue; // the template run itself
          const runId = randomUUID();
          runRows.push({ ...template, id: runId, firm_id: firmId, period });
          const current = pi === periods.length - 1;
          for (const [ii, it] of items.entries()) {
            const id = randomUUID();
            const status =
              it.status === 'not_applicable' ? 'not_applicable' : current && ii % 2 === 0 ? 'not_run' : (ii + pi + fi) % 17 === 0 ? 'fail' : 'pass';
            resultRows.push({
              ...it,
              id,
              run_id: runId,
              status,
              source: status === 'not_run' || status === 'not_applicable' ? it.source : 'attestation',
              justification: status === 'pass' || status === 'fail' ? '已檢視本期佐證資料' : it.justification,
              expires_on: status === 'pass' || status === 'fail' ? '2027-12-31' : null,
              recorded_by: status === 'pass' || status === 'fail' ? 'bench officer' : null,
              recorded_at: status === 'pass' || status === 'fail' ? `${period}-20T02:00:00.000Z` : null,
            });
            if (status === 'fail' && pi >= periods.length - 6)
              findings.push({
                id: randomUUID(),
                firm_id: firmId,
                run_id: runId,
                result_id: id,
                path: it.path,
                severity: 'medium',
                status: 'open',
                root_cause: null,
                corrective_action: null,
                owner: null,
                due_on: null,
                effectiveness_check: null,
                verified_by: null,
                verified_at: null,
                previous_finding_id: null,
                opened_at: `${period}-20T02:00:00.000Z`,
                opened_by: 'bench officer',
              });
          }
          if (pi < periods.length - 2)
            signoffs.push({
              id: randomUUID(),
              run_id: runId,
              signed_by: 'bench ciso',
              signed_at: `${period}-28T02:00:00.000Z`,
              role: 'ciso',
              authentication: 'bench',
              results_hash: 'sha256:bench',
            });
        }
        const tx = s.db;
        for (let i = 0; i < runRows.length; i += 200)
          await tx
            .insertInto('inspection_runs')
            .values(runRows.slice(i, i + 200))
            .execute();
        // 13 columns a row: batches stay under SQLite's and PostgreSQL's bound-parameter limits.
        for (let i = 0; i < resultRows.length; i += 500)
          await tx
            .insertInto('item_results')
            .values(resultRows.slice(i, i + 500))
            .execute();
        for (let i = 0; i < signoffs.length; i += 200)
          await tx
            .insertInto('run_signoffs')
            .values(signoffs.slice(i, i + 200))
            .execute();
        for (let i = 0; i < findings.length; i += 200)
          await tx
            .insertInto('findings')
            .values(findings.slice(i, i + 200))
            .execute();
        runs += runRows.length;
        results += resultRows.length;
      });
    }
    return { seconds: (performance.now() - t0) / 1000, runs, results };
  } finally {
    await s.close();
  }
}

/** `serve` mode (the child): the app on the filled store, every request as an examiner of every firm. */
async function serve(): Promise<void> {
  const home = process.env.CCHECK_HOME!;
  const s = await InspectionService.connect(home, process.env, clock);
  const examiner: Actor = {
    kind: 'account',
    id: 'bench',
    name: 'bench examiner',
    grants: ROLES.map(() => ({ role: 'examiner', firmId: null })),
    method: 'bench',
    factorAt: null,
  };
  const { url } = await startServer({
    inspections: s,
    home,
    env: { ...process.env, CCHECK_LOG_LEVEL: 'warn' },
    clock,
    sessions: { actorOf: () => Promise.resolve(examiner) },
    host: '127.0.0.1',
    port: 0,
    webRoot: null,
  });
  const firms = (await s.listFirms()).map((f) => f.id);
  console.log(JSON.stringify({ url, firms }));
}

interface Result {
  dialect: string;
  page: string;
  /** `paced`: one request every 1000/RATE ms; `bursts`: autocannon's rate limit (each second's requests at its start). */
  load: 'paced' | 'bursts';
  /** The server process's CPU time (user + system) per request, in ms: unlike latency, it does not depend on the machine's load. */
  cpuMs: number | null;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * What a dashboard costs when it is computed (the first read after a write), not kept: every
 * firm's once, one after another, in this process — wall time and this process's CPU per firm.
 */
async function coldDashboards(env: NodeJS.ProcessEnv, home: string): Promise<{ wallMs: number; cpuMs: number }> {
  const s = await InspectionService.connect(home, env, clock);
  try {
    const firms = await s.listFirms();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const f of firms) await firmDashboard(s, f);
    const c = process.cpuUsage(c0);
    return { wallMs: (performance.now() - t0) / firms.length, cpuMs: (c.user + c.system) / 1000 / firms.length };
  } finally {
    await s.close();
  }
}

/** A process's CPU time so far (user + system), in ms, from /proc (Linux); null elsewhere. */
function cpuOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat, 12 and 13 after the command name) in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The server's CPU per request between two readings of cpuOf; null where they could not be read. */
function cpuPerRequest(before: number | null, after: number | null, requests: number): number | null {
  return before === null || after === null || !requests ? null : (after - before) / requests;
}

/** The q-quantile of sorted latencies (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;
}

/**
 * RATE requests/s as a steady arrival: one request every 1000/RATE ms, each sent when it is due
 * whatever the earlier ones are doing (an open loop, as wrk2 and k6's constant-arrival-rate
 * executor send), its latency counted from when it was due, so a request that waited for a free
 * connection or behind a slow one counts its wait (no coordinated omission). autocannon cannot
 * offer this: its rate limit lets each connection send its share of a second's requests back to
 * back as the second starts (lib/httpClient.js, reqsMadeThisSecond), so `overallRate: 200` over 10
 * connections is 200 requests at once, 10 in flight, then silence — measured too, as `bursts`.
 */
async function paced(url: string, pathOf: () => string, seconds = SECONDS): Promise<Omit<Result, 'dialect' | 'page' | 'load' | 'cpuMs'>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const { hostname, port } = new URL(url);
  const get = (p: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get({ hostname, port, path: p, agent }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    });
  const total = Math.round(seconds * RATE);
  const latencies: number[] = [];
  let errors = 0;
  const sent: Promise<void>[] = [];
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(
      get(pathOf()).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status !== 200) errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(sent);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: total,
    rps: latencies.length / elapsed,
    p50: round(quantile(latencies, 0.5)),
    p99: round(quantile(latencies, 0.99)),
    max: round(latencies.at(-1) ?? NaN),
    errors,
  };
}

async function load(url: string, firms: string[], dialect: string, page: 'dashboard' | 'run page', server: number | undefined): Promise<Result[]> {
  const periods = months(MONTHS);
  let i = 0;
  const pathOf = () => {
    i++;
    const firm = firms[(i * 7919) % firms.length]!;
    return page === 'dashboard' ? `/api/firms/${firm}/dashboard` : `/api/firms/${firm}/runs/${periods[(i * 31) % periods.length]}`;
  };
  // Warm up before measuring, as a server in use is: the code compiled, the catalog version
  // parsed, the pool's connections open, each firm's dashboard computed once (what computing one
  // costs is its own line above the table) and the pages the database reads in memory — then
  // WARMUP seconds of the same load, not counted. Measured without it, the first 2-3 s of a
  // PostgreSQL run page were 40-280 ms (new connections, cold caches) and the rest under 40.
  if (page === 'dashboard') for (const f of firms) await fetch(`${url}/api/firms/${f}/dashboard`).then((r) => r.arrayBuffer());
  await paced(url, pathOf, WARMUP);
  let cpu = cpuOf(server);
  const steady = await paced(url, pathOf);
  const out: Result[] = [{ dialect, page, load: 'paced', cpuMs: cpuPerRequest(cpu, cpuOf(server), steady.requests), ...steady }];
  cpu = cpuOf(server);
  const r = await autocannon({
    url,
    connections: 10,
    overallRate: RATE,
    duration: SECONDS,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathOf() }) }],
  });
  out.push({
    dialect,
    page,
    load: 'bursts',
    cpuMs: cpuPerRequest(cpu, cpuOf(server), r.requests.total),
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.non2xx + r.timeouts,
  });
  return out;
}

async function benchDialect(
  dialect: 'sqlite' | 'postgres',
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<{ filled: Awaited<ReturnType<typeof fill>>; cold: { wallMs: number; cpuMs: number }; results: Result[] }> {
  const filled = await fill(env, home);
  const cold = await coldDashboards(env, home);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
    });
    const { url, firms } = JSON.parse(line) as { url: string; firms: string[] };
    const results = [...(await load(url, firms, dialect, 'dashboard', child.pid)), ...(await load(url, firms, dialect, 'run page', child.pid))];
    return { filled, cold, results };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function benchApi(): Promise<string> {
  const loadAtStart = os.loadavg()[0]!;
  const work = mkdtempSync(path.join(os.tmpdir(), 'ccheck-api-bench-'));
  const lines: string[] = [];
  const rows: Awaited<ReturnType<typeof benchDialect>>[] = [];
  try {
    const sqliteHome = path.join(work, 'sqlite');
    rows.push(
      await benchDialect(
        'sqlite',
        { ...process.env, CCHECK_HOME: sqliteHome, DATABASE_URL: path.join(sqliteHome, 'ccheck.db'), CCHECK_VAULT_KEY: KEY },
        sqliteHome,
      ),
    );
    const admin = process.env.BENCH_PG_ADMIN_URL ?? process.env.DATABASE_URL?.replace(/\/[^/]*$/, '/postgres') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    if (admin !== 'none' && admin.startsWith('postgres')) {
      const name = `ccheck_bench_${randomBytes(5).toString('hex')}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`create database ${name}`);
      await c.end();
      const url = new URL(admin);
      url.pathname = `/${name}`;
      const pgHome = path.join(work, 'postgres');
      try {
        rows.push(await benchDialect('postgres', { ...process.env, CCHECK_HOME: pgHome, DATABASE_URL: url.toString(), CCHECK_VAULT_KEY: KEY }, pgHome));
      } finally {
        const d = new pg.Client({ connectionString: admin });
        await d.connect();
        await d.query(`drop database if exists ${name} with (force)`);
        await d.end();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  lines.push(
    `load average at the start ${loadAtStart.toFixed(2)}, at the end ${os.loadavg()[0]!.toFixed(2)} (others share this machine: latency depends on it, CPU per request does not)`,
  );
  lines.push(
    `machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  for (const r of rows)
    lines.push(
      `input (${r.results[0]!.dialect}): ${FIRMS} firms × ${MONTHS} monthly runs = ${r.filled.runs} runs, ${r.filled.results} item results, filled in ${r.filled.seconds.toFixed(1)} s; ` +
        `a dashboard computed (not kept; the first read after a write) ${r.cold.wallMs.toFixed(1)} ms wall, ${r.cold.cpuMs.toFixed(1)} ms CPU of the app`,
    );
  lines.push(
    `load: ${RATE} requests/s for ${SECONDS} s per page, random firm (and period), after ${WARMUP} s of the same load not counted (and every firm's dashboard read once); ` +
      `paced = one request every ${(1000 / RATE).toFixed(1)} ms, latency from when it was due (the target: p99 under 50 ms); ` +
      `bursts = autocannon, 10 connections, each second's ${RATE} requests sent as the second starts\n`,
  );
  const header = ['database', 'page', 'load', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU ms/req'];
  const table = rows.flatMap((r) =>
    r.results.map((x) => [
      x.dialect,
      x.page,
      x.load,
      String(x.requests),
      x.rps.toFixed(0),
      String(x.p50),
      String(x.p99),
      String(x.max),
      String(x.errors),
      x.cpuMs === null ? '—' : x.cpuMs.toFixed(2),
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  lines.push(fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(fmt));
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv[2] === 'serve') await serve();
  else console.log(await benchApi());
}
