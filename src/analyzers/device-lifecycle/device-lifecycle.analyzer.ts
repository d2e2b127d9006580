import type { TabularData } from '../../core/catalog/checklist/apply-checklist.js';
import { z } from 'zod';
import type { AnalyzerFinding, AnalyzerOutcome, EvidenceInput } from '../../core/analysis/analyzer.js';
import { defineAnalyzer, option, verdictOf } from '../../core/analysis/analyzer.js';
import { addDays, parseAnyDate, type IsoDate } from '../../core/dates.js';
import { CoreError } from '../../core/errors.js';
import { readYamlData } from '../../formats/yaml-input.js';
import { readColumns, type ColumnSpec } from '../table-columns.js';

/** The inventory template: one row per network device. Headers in zh-TW or English. */
export const INVENTORY_COLUMNS = [
  { key: 'hostname', zh: '主機名稱', en: 'hostname', required: true },
  { key: 'vendor', zh: '廠牌', en: 'vendor', required: false },
  { key: 'model', zh: '型號', en: 'model', required: false },
  { key: 'os', zh: '作業系統', en: 'os', required: false },
  { key: 'version', zh: '版本', en: 'version', required: false },
  { key: 'role', zh: '角色', en: 'role', required: false },
  { key: 'internetFacing', zh: '對外', en: 'internet_facing', required: false },
  { key: 'eos', zh: 'EOS日期', en: 'eos_date', required: false },
  { key: 'eol', zh: 'EOL日期', en: 'eol_date', required: false },
  { key: 'planId', zh: '汰換計畫編號', en: 'retirement_plan_id', required: false },
  { key: 'planDate', zh: '預定汰換日', en: 'retirement_date', required: false },
] as const satisfies readonly ColumnSpec[];

/** A vendor table the firm supplies for hardware: vendor, model, EOS and EOL dates. */
export const VENDOR_COLUMNS = [
  { key: 'vendor', zh: '廠牌', en: 'vendor', required: true },
  { key: 'model', zh: '型號', en: 'model', required: true },
  { key: 'eos', zh: 'EOS日期', en: 'eos_date', required: false },
  { key: 'eol', zh: 'EOL日期', en: 'eol_date', required: false },
] as const satisfies readonly ColumnSpec[];

interface Release {
  readonly cycle: string;
  /** A date, true (ended, date unknown), or false (still supported). */
  readonly eol: IsoDate | boolean;
  readonly eos: IsoDate | boolean | null;
}

interface Product {
  readonly slug: string;
  readonly title: string;
  readonly releases: readonly Release[];
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function lifecycleValue(v: unknown): IsoDate | boolean | null {
  if (v === true || v === false) return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  return null;
}

/** Reads an endoflife.date product file (Markdown with YAML front matter). */
export function parseEndOfLifeProduct(name: string, text: string): Product {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m)
    throw new CoreError(
      'INPUT_UNSUPPORTED_FORMAT',
      `${name}: no YAML front matter (--- … ---): not an endoflife.date product file`,
      {},
      { file: name, line: 1 },
    );
  // endoflife.date product files are a few tens of kilobytes; 1 MiB of front matter is not one.
  const parsed = readYamlData(m[1]!, name, 1024 * 1024);
  const data = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as { title?: unknown; permalink?: unknown; releases?: unknown };
  if (!Array.isArray(data.releases))
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${name}: the front matter has no releases list`, {}, { file: name, field: 'releases' });
  const releases = data.releases as unknown[];
  const bad = releases.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0)
    throw new CoreError(
      'INPUT_UNSUPPORTED_FORMAT',
      `${name}: releases[${bad}] is not a mapping (releaseCycle, eol, …)`,
      {},
      { file: name, field: `releases[${bad}]` },
    );
  const permalink = typeof data.permalink === 'string' ? data.permalink : name;
  const slug = permalink.replace(/^\//, '').replace(/\.md$/, '').split('/').pop()!;
  return {
    slug,
    title: typeof data.title === 'string' ? data.title : slug,
    releases: (releases as Record<string, unknown>[]).map((r) => ({
      cycle: String(r.releaseCycle),
      eol: lifecycleValue(r.eol) ?? false,
      eos: lifecycleValue(r.eoas ?? r.support ?? r.eoes) ?? null,
    })),
  };
}

/** The release a version belongs to: the longest cycle that is a prefix of the version (17.9 ⊂ 17.9.4a). */
function releaseOf(product: Product, version: string): Release | undefined {
  const v = version.trim().toLowerCase();
  return [...product.releases]
    .filter((r) => v === r.cycle.toLowerCase() || v.startsWith(`${r.cycle.toLowerCase()}.`) || v.startsWith(`${r.cycle.toLowerCase()}(`))
    .sort((a, b) => b.cycle.length - a.cycle.length)[0];
}

function productFor(products: readonly Product[], os: string): Product | undefined {
  const n = norm(os);
  if (!n) return undefined;
  return products.find((p) => norm(p.slug) === n || norm(p.title) === n) ?? products.find((p) => n.includes(norm(p.slug)) || norm(p.title).includes(n));
}

/** Sorts evidence into the inventory, lifecycle product files and an optional vendor table. */
async function classify(files: readonly EvidenceInput[]) {
  const products: Product[] = [];
  const tables: { file: EvidenceInput; data: TabularData }[] = [];
  for (const f of files) {
    if (/\.(md|markdown)$/i.test(f.name)) products.push(parseEndOfLifeProduct(f.name, await f.text()));
    else tables.push({ file: f, data: await f.table() });
  }
  const isVendor = (t: TabularData) => !t.headers.some((h) => /主機名稱|hostname/i.test(h)) && t.headers.some((h) => /型號|model/i.test(h));
  const inventories = tables.filter((t) => !isVendor(t.data));
  const vendors = tables.filter((t) => isVendor(t.data));
  return { products, inventories, vendors };
}

const CLAUSE = '7/(1)/a/(j)';

/**
 * 7/(1)/a/(j): avoid network devices past end of service or end of life, and plan the
 * retirement of any that remain. Every device is judged against its own dates, the vendor table,
 * or the lifecycle of its OS release, on the day given as "today".
 */
export const deviceLifecycleAnalyzer = defineAnalyzer({
  id: 'device-lifecycle',
  title: 'EOS/EOL network devices without a retirement plan',
  titleZh: '生命週期終止（EOS/EOL）網路設備與汰除計畫',
  items: ['7/(1)/a/(j)'],
  inputs: [
    { name: 'device inventory', formats: ['csv', 'xlsx'], description: `columns ${INVENTORY_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}` },
    { name: 'lifecycle data', formats: ['endoflife.date product .md'], description: 'releases with releaseCycle, eol, eoas/support (YAML front matter)' },
    { name: 'vendor table (optional)', formats: ['csv', 'xlsx'], description: `columns ${VENDOR_COLUMNS.map((c) => `${c.zh}/${c.en}`).join(', ')}` },
  ],

  recognises({ name, head }) {
    // An endoflife.date product file, an inventory (主機名稱/hostname), or a vendor table (廠牌/vendor + EOS/EOL dates).
    if (/\.(md|markdown)$/i.test(name)) return /^---\r?\n[\s\S]*?^releases:/m.test(head);
    if (!/\.(csv|tsv|xlsx)$/i.test(name)) return false;
    const header = head.split(/\r?\n/, 1)[0] ?? '';
    return /主機名稱|hostname/i.test(header) || (/廠牌|vendor/i.test(header) && /EOS|EOL/i.test(header));
  },

  options: z.strictObject({
    horizon_days: option.integer(0, 3650).default(180).describe('days ahead in which a coming EOS/EOL needs a retirement plan'),
  }),

  async analyze(ctx): Promise<AnalyzerOutcome> {
    const horizonDays = ctx.options.horizon_days;
    const { products, inventories, vendors } = await classify(ctx.files);
    if (inventories.length === 0)
      throw new CoreError('INPUT_UNSUPPORTED_FORMAT', 'no device inventory among the files (a CSV/XLSX with a 主機名稱/hostname column)', {});
    const vendorRows = vendors.flatMap((v) => readColumns(v.data, VENDOR_COLUMNS).map((r) => ({ ...r, file: v.file.name })));
    const findings: AnalyzerFinding[] = [];
    let scope = 0;
    let undetermined = 0;
    const soon = addDays(ctx.today, horizonDays);

    for (const inv of inventories) {
      for (const row of readColumns(inv.data, INVENTORY_COLUMNS)) {
        scope++;
        const at = { file: inv.file.name, line: row.rowNumber, rule: row.hostname };
        const date = (v: string | null, field: string): IsoDate | null => {
          if (!v) return null;
          try {
            return parseAnyDate(v);
          } catch {
            throw new CoreError(
              'INPUT_UNSUPPORTED_FORMAT',
              `${inv.file.name}: row ${row.rowNumber}, column ${field}: not a date: "${v}"`,
              {},
              { file: inv.file.name, row: row.rowNumber, field },
            );
          }
        };
        // Where the dates come from, most specific first: the row, the vendor table, the OS release.
        let eos = date(row.eos, 'EOS日期 / eos_date');
        let eol = date(row.eol, 'EOL日期 / eol_date');
        let source = 'inventory';
        let ended = false;
        if (!eos && !eol) {
          const vendor = vendorRows.find((v) => norm(v.vendor) === norm(row.vendor ?? '') && norm(v.model) === norm(row.model ?? ''));
          if (vendor) {
            eos = vendor.eos ? parseAnyDate(vendor.eos) : null;
            eol = vendor.eol ? parseAnyDate(vendor.eol) : null;
            source = `vendor table ${vendor.file} row ${vendor.rowNumber}`;
          }
        }
        if (!eos && !eol && row.os && row.version) {
          const product = productFor(products, row.os);
          const release = product && releaseOf(product, row.version);
          if (product && release) {
            source = `${product.title} ${release.cycle} (endoflife.date)`;
            if (typeof release.eol === 'string') eol = release.eol;
            else ended = release.eol;
            if (typeof release.eos === 'string') eos = release.eos;
          }
        }
        const planDate = date(row.planDate, '預定汰換日 / retirement_date');
        const hasPlan = !!row.planId && !!planDate;
        const name = `${row.hostname}${row.model ? ` (${row.model}${row.version ? ` ${row.version}` : ''})` : ''}`;
        const past = (d: IsoDate | null) => d !== null && d <= ctx.today;

        if (!eos && !eol && !ended) {
          undetermined++;
          findings.push({
            ...at,
            kind: 'lifecycle_unknown',
            severity: 'medium',
            failing: false,
            clause: CLAUSE,
            blocking: [],
            detail: `${name}: no EOS/EOL date in the inventory, the vendor table or the lifecycle data; it cannot be judged`,
            detailZh: `${name}：清冊、廠商資料與生命週期資料皆無 EOS/EOL 日期，無法判斷`,
          });
          continue;
        }
        const endedOn = past(eol) ? `EOL ${eol}` : ended ? 'EOL' : past(eos) ? `EOS ${eos}` : null;
        if (endedOn && !hasPlan) {
          findings.push({
            ...at,
            kind: past(eol) || ended ? 'eol_without_plan' : 'eos_without_plan',
            severity: row.internetFacing && /^(y|yes|true|1|是|v)$/i.test(row.internetFacing) ? 'high' : 'medium',
            failing: true,
            clause: CLAUSE,
            blocking: [],
            detail: `${name} is past ${endedOn} (${source}) and has no dated retirement plan; 7/(1)/a/(j) asks for one`,
            detailZh: `${name} 已逾 ${endedOn}（${source}），且無載明日期之汰除計畫；違反 7/(1)/a/(j)`,
          });
        } else if (endedOn && planDate && planDate < ctx.today) {
          findings.push({
            ...at,
            kind: 'plan_overdue',
            severity: 'high',
            failing: true,
            clause: CLAUSE,
            blocking: [],
            detail: `${name} is past ${endedOn}; its retirement plan ${row.planId} was due ${planDate} and the device is still in the inventory`,
            detailZh: `${name} 已逾 ${endedOn}；汰除計畫 ${row.planId} 預定於 ${planDate} 完成，設備仍在清冊中`,
          });
        } else if (!endedOn) {
          const next = [eos, eol].filter((d): d is string => d !== null && d <= soon).sort()[0];
          if (next && !hasPlan) {
            findings.push({
              ...at,
              kind: 'eol_soon',
              severity: 'low',
              failing: false,
              clause: CLAUSE,
              blocking: [],
              detail: `${name} reaches end of support on ${next} (within ${horizonDays} days; ${source}); plan its retirement`,
              detailZh: `${name} 將於 ${next} 終止支援（${horizonDays} 日內；${source}），請擬定汰除計畫`,
            });
          }
        }
      }
    }
    const failing = findings.filter((f) => f.failing).length;
    return {
      verdict: verdictOf(findings, undetermined),
      scope,
      findings,
      summary: `${scope} devices: ${failing} past EOS/EOL without a valid plan, ${undetermined} undetermined, ${findings.filter((f) => f.kind === 'eol_soon').length} ending soon`,
      summaryZh: `共 ${scope} 台設備：${failing} 台已逾 EOS/EOL 且無有效汰除計畫，${undetermined} 台無法判斷，${findings.filter((f) => f.kind === 'eol_soon').length} 台即將終止支援`,
    };
  },
});
