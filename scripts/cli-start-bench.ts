// Start-up of light CLI commands against `node -e 0`, in the same run (issue 13, item 10: at most
// 2.5× in wall time and in RSS). Each command is a fresh process spawned through bin/ccheck.js;
// its peak RSS is read inside the child (getrusage maxRSS) by a tiny --import written to a file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../src/io/locations.js';
import type { BenchRow } from './report-bench.js';

const LIMIT = 2.5;

export function benchCliStart(work: string, runs = 9): BenchRow[] {
  const bin = path.join(packageRoot(), 'bin', 'ccheck.js');
  if (!existsSync(path.join(packageRoot(), 'dist', 'cli', 'main.js'))) throw new Error('bench: run `npm run build` first (the CLI rows spawn bin/ccheck.js)');
  const rssFile = path.join(work, 'maxrss');
  const probe = path.join(work, 'maxrss-probe.mjs');
  writeFileSync(
    probe,
    `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const cases: { name: string; args: string[] }[] = [
    { name: 'baseline: node -e 0', args: ['-e', '0'] },
    { name: 'ccheck --version', args: [bin, '--version'] },
    { name: 'ccheck date 112年8月15日', args: [bin, 'date', '112年8月15日'] },
    { name: 'ccheck --help (every command group loads)', args: [bin, '--help'] },
  ];
  const walls = cases.map(() => [] as number[]);
  const rss = cases.map(() => 0);
  // Interleaved, so that a busy moment of the machine hits every case alike; medians.
  for (let r = 0; r < runs; r++) {
    cases.forEach((c, i) => {
      rmSync(rssFile, { force: true });
      const t0 = performance.now();
      const res = spawnSync(process.execPath, ['--import', probe, ...c.args], { encoding: 'utf8', env: { ...process.env, CCHECK_HOME: work } });
      walls[i]!.push((performance.now() - t0) / 1000);
      if (res.status !== 0) throw new Error(`${c.name} exited ${String(res.status)}: ${res.stderr}`);
      rss[i] = Math.max(rss[i]!, Number(readFileSync(rssFile, 'utf8')) / 1024);
    });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const baseWall = median(walls[0]!);
  const baseRss = rss[0]!;
  return cases.map((c, i) => {
    const wall = median(walls[i]!);
    const ratioWall = wall / baseWall;
    const ratioRss = rss[i]! / baseRss;
    const light = i === 1 || i === 2;
    return {
      name: `CLI start: ${c.name}`,
      input: `median of ${runs} runs`,
      seconds: wall,
      rate: `max RSS ${rss[i]!.toFixed(0)} MB`,
      peakRssMb: Math.round(rss[i]! - baseRss), // over node -e 0
      baseline:
        i === 0
          ? ''
          : `${ratioWall.toFixed(2)}× wall, ${ratioRss.toFixed(2)}× RSS of node -e 0` +
            (light ? (ratioWall <= LIMIT && ratioRss <= LIMIT ? ` (≤ ${LIMIT}× ✓)` : ` (over ${LIMIT}× ✗)`) : ''),
    };
  });
}
