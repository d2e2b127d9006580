import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalyzerReport } from '../../src/core/analysis/analyzer.js';
import type { Actor } from '../../src/core/people/actor.js';
import type { Role } from '../../src/core/people/roles.js';
import type { Clock, InspectionService } from '../../src/services/inspection-service.js';
import { recordAnalysis } from '../../src/services/use-cases/analysis.js';
import { DIALECTS, type DialectUnderTest } from '../helpers/databases.js';
import { codeOfAsync } from '../helpers/errors.js';
import { freshService } from '../helpers/fresh-service.js';
import { internetTier1 } from '../helpers/profiles.js';

const NOW = '2026-11-27T02:00:00.000Z';
const clock: Clock = { now: () => NOW, today: () => '2026-11-27' };
const LICENCE = '金管證總字第0000號';
const PERIOD = '2026-11';
const ITEMS = ['7/(1)/b/(h)', '7/(1)/b/(i)'];
const account = (roles: Role[], firmId: string | null): Actor => ({
  kind: 'account',
  id: 'acc-o',
  name: '王小明',
  grants: roles.map((role) => ({ role, firmId })),
  method: 'password+totp',
  factorAt: NOW,
});
const report = {
  analyzer: 'device-lifecycle',
  items: ITEMS,
  verdict: 'pass',
  scope: 1,
  summary: 'ok',
  summaryZh: '通過',
  findings: [],
} satisfies AnalyzerReport;

/** Issue 10 item 2: an analysis is recorded into a run by one use case, all or nothing, and may be run again. */
describe.each(DIALECTS)('recording an analysis into a run on %s', { timeout: 120_000 }, (dialect: DialectUnderTest) => {
  let ctx: Awaited<ReturnType<typeof freshService>>;
  let s: InspectionService;
  let firmId: string;
  let file: string;
  beforeEach(async () => {
    ctx = await freshService(dialect, clock);
    s = ctx.s;
    firmId = (await s.addFirm('admin', internetTier1())).id;
    await s.startRun('alice', LICENCE, PERIOD);
    file = path.join(ctx.dir, 'inventory.csv');
    writeFileSync(file, 'host,model,eol\nsw1,X,2030-01-01\n');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await ctx.close();
  });

  const input = () => ({ firm: LICENCE, period: PERIOD, collectedAt: '2026-11-27', report, files: [file] });
  const stored = async () => {
    const { run } = await s.run(LICENCE, PERIOD);
    const evidence = await s.db.selectFrom('evidence').select('id').where('firm_id', '=', firmId).execute();
    const statuses = (await s.results(LICENCE, PERIOD)).results.filter((r) => ITEMS.includes(r.path)).map((r) => r.status);
    return { evidence: evidence.length, reports: (await s.analyzerReports(run.id)).length, statuses, head: (await s.auditHead()).seq };
  };

  it('stores nothing — no evidence row, report, result or audit event — when a result fails midway, and records all when run again', async () => {
    const before = await stored();
    const setResult = s.setResult.bind(s);
    let calls = 0;
    vi.spyOn(s, 'setResult').mockImplementation(async (...args) => {
      if (++calls === 2) throw new Error('the second item fails after the evidence and the report were written');
      return setResult(...args);
    });
    await expect(recordAnalysis({ inspections: s }, account(['officer'], firmId), input())).rejects.toThrow('the second item fails');
    expect(await stored()).toEqual(before);
    vi.restoreAllMocks();
    const r = await recordAnalysis({ inspections: s }, account(['officer'], firmId), input());
    expect(r).toEqual({ recorded: ITEMS, skipped: [] });
    expect(await stored()).toMatchObject({ evidence: 1, reports: 1, statuses: ['pass', 'pass'] });
    expect((await s.verifyAudit()).ok).toBe(true);
  });

  it('refuses an actor without analysis.run on the firm, and input without a collection date, before anything is stored', async () => {
    const before = await stored();
    expect(await codeOfAsync(recordAnalysis({ inspections: s }, account(['supervisor'], firmId), input()))).toBe('FORBIDDEN');
    // The route's case (POST …/analyze): refused before the vault reads a file, so a missing one is never reached.
    const missing = { ...input(), files: [path.join(ctx.dir, 'no-such-file.csv')] };
    expect(await codeOfAsync(recordAnalysis({ inspections: s }, account(['supervisor'], firmId), missing))).toBe('FORBIDDEN');
    expect(await codeOfAsync(recordAnalysis({ inspections: s }, account(['officer'], 'another-firm'), missing))).toBe('FORBIDDEN');
    expect(await codeOfAsync(recordAnalysis({ inspections: s }, account(['officer'], firmId), { ...input(), collectedAt: '' }))).toBe('RESULT_INVALID');
    expect(await stored()).toEqual(before);
  });
});

describe('the one way to record an analysis', () => {
  it('is the use case: the analysis service keeps no wrapper of its own', async () => {
    expect(Object.keys(await import('../../src/services/analysis-service.js'))).not.toContain('recordAnalysis');
  });
});
