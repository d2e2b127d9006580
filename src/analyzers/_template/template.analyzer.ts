import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { readColumns } from '../table-columns.js';

/**
 * How to add an analyzer (copy this folder to `src/analyzers/<id>/`):
 * 1. Declare the catalog items it evidences and its input formats (a CSV/XLSX template with
 *    zh-TW and English headers, and any real-world format that exists).
 * 2. Declare its options as a strict zod object (`option.integer`, `option.date`, …): they are
 *    checked before it runs, typed in `ctx.options`, and listed by `ccheck analyzers`.
 * 3. Read evidence only through `ctx.files` (streamed lines, text or a table); take "today" from
 *    `ctx.today`. No file system, clock or network here.
 * 4. Return every finding with its file, line/row and record, what is wrong and the clause.
 *    Count the records judged in `scope`: the framework turns an empty scope into `error`.
 * 5. Add fixtures and a test (fixture → exact verdict and findings), register it in
 *    `src/analyzers/registry.ts`, and document the input format in the README.
 */
export const templateAnalyzer = defineAnalyzer({
  id: '_template',
  title: 'Template: rows marked non-compliant',
  titleZh: '範本：標示為不符合之資料列',
  items: [],
  inputs: [{ name: 'records', formats: ['csv', 'xlsx'], description: 'columns 名稱/name, 符合/compliant (yes/no)' }],
  options: z.strictObject({
    min_rows: option.integer(0, 1_000_000).default(0).describe('fewest records the evidence must hold'),
  }),
  async analyze(ctx): Promise<AnalyzerOutcome> {
    const findings: AnalyzerFinding[] = [];
    let scope = 0;
    for (const f of ctx.files) {
      const rows = readColumns(await f.table(), [
        { key: 'name', zh: '名稱', en: 'name', required: true },
        { key: 'compliant', zh: '符合', en: 'compliant', required: true },
      ] as const);
      for (const r of rows) {
        scope++;
        if (!/^(y|yes|true|1|是)$/i.test(r.compliant)) {
          findings.push({
            kind: 'non_compliant',
            severity: 'medium',
            failing: true,
            clause: '',
            file: f.name,
            line: r.rowNumber,
            rule: r.name,
            detail: `${r.name} is marked non-compliant`,
            detailZh: `${r.name} 標示為不符合`,
            blocking: [],
          });
        }
      }
    }
    if (scope < ctx.options.min_rows) {
      findings.push({
        kind: 'too_few_records',
        severity: 'medium',
        failing: true,
        clause: '',
        file: ctx.files[0]?.name ?? null,
        line: null,
        rule: null,
        detail: `${scope} records, fewer than the ${ctx.options.min_rows} required`,
        detailZh: `僅 ${scope} 筆，少於應有之 ${ctx.options.min_rows} 筆`,
        blocking: [],
      });
    }
    return {
      verdict: verdictOf(findings, 0),
      scope,
      findings,
      summary: `${scope} records, ${findings.length} non-compliant`,
      summaryZh: `共 ${scope} 筆，${findings.length} 筆不符合`,
    };
  },
});
