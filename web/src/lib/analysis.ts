/**
 * The analyzer page's pure parts: which input each declared option gets (from its JSON Schema),
 * the options object a start sends, how far a job is, the jobs this browser started for a run,
 * and the findings a finished job recorded, row by row as the run holds them.
 */
import type { AnalyzerOptionJson, JobJson, RunItemJson } from './types.js';

export type OptionInput =
  | { readonly kind: 'select'; readonly values: readonly string[] }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number; readonly integer: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'text' };

/** The JSON Schema zod gives an option, read as far as a form needs (the server checks the value). */
export function optionInput(option: AnalyzerOptionJson): OptionInput {
  const s = option.schema ?? {};
  const values = Array.isArray(s.enum) ? s.enum.map(String) : null;
  if (values) return { kind: 'select', values };
  const type = s.type;
  if (type === 'boolean') return { kind: 'boolean' };
  if (type === 'number' || type === 'integer') {
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const min = num(s.minimum);
    const max = num(s.maximum);
    return { kind: 'number', integer: type === 'integer', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  return { kind: 'text' };
}

/** The form's starting value of an option: its default, or empty. */
export function initialOptionValue(option: AnalyzerOptionJson): string {
  const d = option.default;
  if (d === undefined || d === null) return '';
  return typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? String(d) : JSON.stringify(d);
}

/**
 * The `options` a start sends: every option the person filled in, as text (the route takes
 * strings, the analyzer parses them with its own schema); an empty optional one is left out so
 * its default applies. An empty required one is sent empty, and the server names it.
 */
export function optionsPayload(options: readonly AnalyzerOptionJson[], values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of options) {
    const v = (values[o.name] ?? '').trim();
    if (v !== '' || o.required) out[o.name] = v;
  }
  return out;
}

/** 0…1 of the evidence read, or null while the total is unknown. */
export function jobFraction(job: Pick<JobJson, 'state' | 'progress'>): number | null {
  if (job.state === 'done') return 1;
  const { done, total } = job.progress;
  if (!total) return null;
  return Math.min(1, Math.max(0, done / total));
}

export const jobFinished = (job: Pick<JobJson, 'state'>) => job.state === 'done' || job.state === 'failed';

/**
 * The jobs started from this browser for one run, newest first. The server keeps a job for its
 * owner only and lists none, so the page remembers the ids (per tab, sessionStorage).
 */
export interface StartedJob {
  readonly id: string;
  readonly analyzer: string;
  readonly started_at: string;
  /** The evidence names the job read: its findings are those in these files. */
  readonly files?: readonly string[];
}
type KeyStore = Pick<Storage, 'getItem' | 'setItem'>;
const key = (firm: string, period: string) => `ccheck.jobs.${firm}.${period}`;

export function startedJobs(store: KeyStore, firm: string, period: string): StartedJob[] {
  try {
    const v = JSON.parse(store.getItem(key(firm, period)) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v.filter((j): j is StartedJob => !!j && typeof (j as StartedJob).id === 'string' && typeof (j as StartedJob).analyzer === 'string')
      : [];
  } catch {
    return [];
  }
}

export function rememberJob(store: KeyStore, firm: string, period: string, job: StartedJob, keep = 50): StartedJob[] {
  const list = [job, ...startedJobs(store, firm, period).filter((j) => j.id !== job.id)].slice(0, keep);
  store.setItem(key(firm, period), JSON.stringify(list));
  return list;
}

export interface FindingRow {
  readonly item: string;
  readonly severity: string;
  readonly failing: boolean;
  readonly file: string;
  readonly line: number | null;
  readonly rule: string;
  readonly detail: string;
  readonly detail_zh: string;
}

/**
 * The findings a job left: the analyzer's findings on the items it recorded, in the files it read
 * (an item also holds what earlier runs of the analyzer found in other files), in the run's order.
 * The same finding reported again by a later run on the same file is one row.
 */
export function findingRows(items: readonly RunItemJson[], recorded: readonly string[], analyzer: string, files?: readonly string[]): FindingRow[] {
  const wanted = new Set(recorded);
  const read = files ? new Set(files) : null;
  const rows: FindingRow[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (!wanted.has(item.path)) continue;
    for (const f of item.analyzer?.findings ?? []) {
      if (f.analyzer !== undefined && f.analyzer !== analyzer) continue;
      if (read && !read.has(f.file ?? '')) continue;
      const x = f as typeof f & { line?: number | null; rule?: string | null };
      const row: FindingRow = {
        item: item.path,
        severity: f.severity ?? '',
        failing: f.failing === true,
        file: f.file ?? '',
        line: typeof x.line === 'number' ? x.line : null,
        rule: x.rule ?? '',
        detail: f.detail ?? f.message ?? '',
        detail_zh: f.detail_zh ?? f.detail ?? f.message ?? '',
      };
      const key = JSON.stringify(row);
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
    }
  }
  return rows;
}
