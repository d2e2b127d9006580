import type { TabularData } from '../catalog/checklist/apply-checklist.js';
import { normalizePath } from '../catalog/checklist/apply-checklist.js';
import { parseAnyDate } from '../dates.js';
import { CoreError } from '../errors.js';
import { indexHeaders } from '../table-headers.js';
import type { Completion } from './build-plan.js';
import { parsePeriod } from './periods.js';

const COLUMNS = [
  { key: 'path', names: ['項次', 'path'] },
  { key: 'period', names: ['期間', 'period', '查核期間'] },
  { key: 'completedOn', names: ['完成日', 'completed_on', 'completed'] },
] as const;

/**
 * Reads recorded completions (項次 / path, 期間 / period, 完成日 / completed_on): which check was
 * done for which period, and when. Until inspections are stored (issue 4), this file is how the
 * plan learns what is done.
 */
export function readCompletions(data: TabularData): Completion[] {
  const index = indexHeaders<string>(data.headers, COLUMNS);
  for (const c of COLUMNS) {
    if (!index.has(c.key)) {
      throw new CoreError(
        'COMPLETIONS_INVALID',
        `${data.fileName}: row 1: the column "${c.names[0]} / ${c.names[1]}" is missing`,
        { what: `missing column ${c.names[0]} / ${c.names[1]}` },
        { file: data.fileName, row: 1, field: `${c.names[0]} / ${c.names[1]}` },
      );
    }
  }
  const out: Completion[] = [];
  for (const r of data.rows) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const get = (k: string) => (r.cells[index.get(k)!] ?? '').trim();
    const fail = (field: string, what: string): never => {
      throw new CoreError(
        'COMPLETIONS_INVALID',
        `${data.fileName}: row ${r.rowNumber}, column ${field}: ${what}`,
        { what },
        { file: data.fileName, row: r.rowNumber, field },
      );
    };
    const path = normalizePath(get('path')) ?? fail('項次 / path', `not an item path: "${get('path')}"`);
    let period: string;
    try {
      period = parsePeriod(get('period')).id;
    } catch {
      period = fail('期間 / period', `not a period such as 2026-11, 2026-H2 or 2026: "${get('period')}"`);
    }
    let completedOn: string;
    try {
      completedOn = parseAnyDate(get('completedOn'));
    } catch {
      completedOn = fail('完成日 / completed_on', `not a date: "${get('completedOn')}"`);
    }
    out.push({ path, period, completedOn });
  }
  return out;
}
