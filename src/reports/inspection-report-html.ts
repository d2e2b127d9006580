import type { AnalyzerFinding } from '../core/analysis/analyzer.js';
import type { CatalogChange } from '../core/catalog/diff-versions.js';
import { formatDualDate, formatTaipeiInstant, type IsoDate } from '../core/dates.js';
import { countsAs, type ItemResultView, type ResultStatus } from '../core/inspection/item-result.js';
import type { ReportSignature } from '../core/inspection/signature-history.js';
import { historyCells, signatureCover, SIGNATURE_LABELS } from './signature-section.js';

/** A result with the item's words, its evidence files and the analyzers' findings about it. */
export interface ReportItem extends Omit<ItemResultView, 'evidence'> {
  readonly title: string | null;
  readonly text: string | null;
  readonly evidence: readonly { readonly sha256: string; readonly name: string; readonly collectedAt: string }[];
  readonly analyzerFindings: readonly (AnalyzerFinding & { readonly analyzer: string })[];
}

export interface ReportFinding {
  readonly id: string;
  readonly path: string;
  readonly severity: string;
  readonly status: string;
  readonly owner: string | null;
  readonly dueOn: string | null;
  readonly rootCause: string | null;
  readonly correctiveAction: string | null;
  readonly repeatOf: string | null;
}

/** The catalog changed since the firm's previous inspection: what changed, and which changed items this run inspects. */
export interface ReportCatalogChange {
  readonly previousPeriod: string;
  readonly from: { readonly id: string; readonly hash: string; readonly effectiveDate: string | null };
  readonly to: { readonly id: string; readonly hash: string; readonly effectiveDate: string | null };
  /** False when this run uses an older version than the previous one (a re-run of an old period). */
  readonly newer: boolean;
  readonly changes: readonly (CatalogChange & { readonly title: string | null; readonly inRun: boolean })[];
}

export const CHANGE_KIND_ZH: Record<CatalogChange['kind'], string> = {
  added: '新增',
  modified: '修正',
  renumbered: '項次調整',
  renumbered_and_modified: '項次調整及修正',
  removed: '刪除',
};

/** Everything a report shows, assembled by a service from the stored run. */
export interface InspectionReportData {
  readonly firm: { readonly name: string; readonly licence: string };
  readonly period: string;
  readonly periodStart: IsoDate;
  readonly periodEnd: IsoDate;
  readonly catalogVersion: string;
  readonly catalogHash: string;
  readonly startedAt: string;
  readonly startedBy: string;
  readonly generatedOn: IsoDate;
  readonly auditHead: string;
  readonly items: readonly ReportItem[];
  readonly findings: readonly ReportFinding[];
  /** Set when this run uses a different catalog version than the firm's previous inspection. */
  readonly catalogChange: ReportCatalogChange | null;
  /** Which revision this is, its sign-off and its e-signature history (absent in reports assembled by hand). */
  readonly signature?: ReportSignature;
}

const esc = (s: string | null | undefined) => (s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The report's words in both languages; the PDF uses the same. */
export const REPORT_LABELS = {
  'zh-TW': {
    title: '證券商資通安全檢查報告',
    mechanism: '建立證券商資通安全檢查機制',
    firm: '受查證券商',
    licence: '許可證字號',
    period: '查核期間',
    version: '檢查項目版本',
    started: '查核開始',
    generated: '報告產製日',
    audit: '稽核軌跡鏈首',
    summary: '查核結果摘要',
    rate: '符合率（符合 ÷ 已判定）',
    items: '查核項目明細',
    findings: '缺失與改善',
    evidence: '佐證資料',
    path: '項次',
    code: '控制代碼',
    item: '條文',
    result: '查核結果',
    by: '紀錄者',
    signoff: '權責主管覆核',
    why: '說明',
    severity: '嚴重度',
    status: '狀態',
    owner: '負責人',
    due: '期限',
    action: '改善措施',
    none: '無',
    void: '已失效（覆核後結果有異動）',
    rejected: '退回',
    repeat: '重複缺失',
    results: { pass: '符合', fail: '不符合', partial: '部分符合', not_applicable: '不適用', error: '無法判定', not_run: '未執行' } as Record<string, string>,
    note: '「無法判定」與「未執行」不計入符合；不適用項目不列入分母。',
    changes: '檢查項目版本異動',
    changeIntro: (prev: string, from: string, to: string, newer: boolean) =>
      `前次查核（${prev}）使用版本 ${from}，本次使用${newer ? '較新之' : '較舊之'}版本 ${to}。下列為兩版本間之差異；「本次查核」欄標示本次查核涵蓋之項次。`,
    kind: '異動',
    fields: '異動內容',
    inRun: '本次查核',
    kinds: CHANGE_KIND_ZH as Record<string, string>,
  },
  en: {
    title: 'Securities Firm Cybersecurity Inspection Report',
    mechanism: 'TWSE Securities Firm Cybersecurity Inspection Mechanism',
    firm: 'Firm',
    licence: 'Licence',
    period: 'Period',
    version: 'Catalog version',
    started: 'Started',
    generated: 'Generated',
    audit: 'Audit chain head',
    summary: 'Summary',
    rate: 'Compliance rate (pass ÷ judged)',
    items: 'Items',
    findings: 'Findings and remediation',
    evidence: 'Evidence',
    path: 'Path',
    code: 'CC code',
    item: 'Item',
    result: 'Result',
    by: 'Recorded by',
    signoff: 'Sign-off',
    why: 'Justification',
    severity: 'Severity',
    status: 'Status',
    owner: 'Owner',
    due: 'Due',
    action: 'Corrective action',
    none: 'none',
    void: 'void (changed after approval)',
    rejected: 'rejected',
    repeat: 'repeat',
    results: { pass: 'pass', fail: 'fail', partial: 'partial', not_applicable: 'not applicable', error: 'error', not_run: 'not run' } as Record<string, string>,
    note: '“error” and “not run” never count as compliant; not-applicable items are outside the rate.',
    changes: 'Catalog changes since the previous inspection',
    changeIntro: (prev: string, from: string, to: string, newer: boolean) =>
      `The previous inspection (${prev}) used version ${from}; this one uses the ${newer ? 'newer' : 'older'} version ${to}. The differences between them follow; “this run” marks the items this inspection covers.`,
    kind: 'Change',
    fields: 'What changed',
    inRun: 'This run',
    kinds: { added: 'added', modified: 'modified', renumbered: 'renumbered', renumbered_and_modified: 'renumbered and modified', removed: 'removed' } as Record<
      string,
      string
    >,
  },
};

const COLOR: Record<string, string> = { pass: '#2e7d32', fail: '#c62828', partial: '#ef6c00', not_applicable: '#9e9e9e', error: '#6a1b9a', not_run: '#bdbdbd' };

/** A bar per CC code, stacked by result: inline SVG, so the file needs no network. */
function chart(items: readonly ReportItem[], labels: (typeof REPORT_LABELS)['en']): string {
  const codes = [...new Set(items.map((i) => i.code ?? '—'))].sort();
  const order: ResultStatus[] = ['pass', 'partial', 'fail', 'error', 'not_run', 'not_applicable'];
  // Counted in one pass and reduced, not spread into Math.max: the item list has no fixed bound.
  const perCode = new Map<string, number>();
  for (const i of items) perCode.set(i.code ?? '—', (perCode.get(i.code ?? '—') ?? 0) + 1);
  const max = [...perCode.values()].reduce((a, b) => (b > a ? b : a), 1);
  const rowH = 26;
  const width = 640;
  const bars = codes
    .map((c, row) => {
      let x = 110;
      const segs = order
        .map((st) => {
          const n = items.filter((i) => (i.code ?? '—') === c && i.effectiveStatus === st).length;
          if (!n) return '';
          const w = (n / max) * (width - 180);
          const seg = `<rect x="${x.toFixed(1)}" y="${row * rowH + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${COLOR[st]}"><title>${esc(labels.results[st])}: ${n}</title></rect>`;
          x += w;
          return seg;
        })
        .join('');
      return `<text x="0" y="${row * rowH + 18}" font-size="12">${esc(c)}</text>${segs}<text x="${(x + 6).toFixed(1)}" y="${row * rowH + 18}" font-size="11" fill="#555">${items.filter((i) => (i.code ?? '—') === c).length}</text>`;
    })
    .join('');
  const legend = order
    .map(
      (st, i) =>
        `<rect x="${110 + i * 90}" y="${codes.length * rowH + 8}" width="10" height="10" fill="${COLOR[st]}"/><text x="${124 + i * 90}" y="${codes.length * rowH + 17}" font-size="11">${esc(labels.results[st])}</text>`,
    )
    .join('');
  return `<svg role="img" aria-label="${esc(labels.summary)}" width="${width}" height="${codes.length * rowH + 30}" xmlns="http://www.w3.org/2000/svg">${bars}${legend}</svg>`;
}

function historySection(sig: ReportSignature, lang: 'zh-TW' | 'en'): string {
  const t = SIGNATURE_LABELS[lang];
  const rows = sig.history
    .map(
      (e) =>
        `<tr>${historyCells(e, lang)
          .map((c, i) => (i === 6 ? `<td><code>${esc(c)}</code></td>` : `<td>${esc(c)}</td>`))
          .join('')}</tr>`,
    )
    .join('\n');
  const key = sig.signingKey ? `<p>${esc(t.key)}：<code>${esc(sig.signingKey.fingerprint)}</code></p><pre>${esc(sig.signingKey.publicKeyPem)}</pre>` : '';
  return `<h2 id="signature-history">${esc(t.title)}</h2>
<table><thead><tr>${t.cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
${key}`;
}

function changeSection(data: InspectionReportData, t: (typeof REPORT_LABELS)['en']): string {
  const c = data.catalogChange;
  if (!c) return '';
  const rows = c.changes
    .map(
      (x) =>
        `<tr><td>${esc(t.kinds[x.kind])}</td><td class="path">${esc(x.oldPath && x.oldPath !== x.path ? `${x.oldPath} → ${x.path ?? '—'}` : (x.path ?? x.oldPath))}</td><td class="code">${esc(x.code)}</td><td>${esc(x.title)}</td><td>${esc(x.fields.join(', '))}</td><td>${x.inRun ? '✓' : ''}</td></tr>`,
    )
    .join('\n');
  return `<h2 id="catalog-changes">${esc(t.changes)}</h2>
<p>${esc(t.changeIntro(c.previousPeriod, c.from.id, c.to.id, c.newer))}</p>
<table><thead><tr><th>${esc(t.kind)}</th><th>${esc(t.path)}</th><th>${esc(t.code)}</th><th>${esc(t.item)}</th><th>${esc(t.fields)}</th><th>${esc(t.inRun)}</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

/**
 * The inspection report as one self-contained, printable HTML file: no scripts, no network,
 * Traditional Chinese first. The reviewer signs what this page shows.
 */
export function renderInspectionReportHtml(data: InspectionReportData, lang: 'zh-TW' | 'en' = 'zh-TW'): string {
  const t = REPORT_LABELS[lang];
  const counts = new Map<ResultStatus, number>();
  for (const i of data.items) counts.set(i.effectiveStatus, (counts.get(i.effectiveStatus) ?? 0) + 1);
  const judged = data.items.filter((i) => ['compliant', 'non_compliant'].includes(countsAs(i.effectiveStatus)));
  const compliant = judged.filter((i) => countsAs(i.effectiveStatus) === 'compliant').length;
  const rate = judged.length ? `${((compliant / judged.length) * 100).toFixed(1)}%（${compliant}/${judged.length}）` : '—';
  const dual = (d: string) => formatDualDate(d, lang);
  const itemRows = data.items
    .map((i) => {
      const evidence = i.evidence.map((e) => `<div class="ev">${esc(e.name)} <code>${e.sha256}</code> · ${esc(e.collectedAt)}</div>`).join('');
      const af = i.analyzerFindings
        .filter((f) => f.severity !== 'info')
        .slice(0, 30)
        .map(
          (f) =>
            `<li class="${f.failing ? 'failing' : ''}">[${esc(f.analyzer)}] ${esc(f.file ?? '')}${f.line !== null ? `:${f.line}` : ''} ${esc(f.rule ?? '')} — ${esc(lang === 'zh-TW' ? f.detailZh : f.detail)}</li>`,
        )
        .join('');
      const approval = i.approval
        ? i.approval.state === 'approved'
          ? `✓ ${esc(i.approval.by)}<br><small>${esc(formatTaipeiInstant(i.approval.at))}</small>`
          : i.approval.state === 'rejected'
            ? `<span class="void">✗ ${esc(t.rejected)} ${esc(i.approval.by)}</span><br><small>${esc(i.approval.reason)}</small>`
            : `<span class="void">✗ ${esc(t.void)}</span>`
        : '';
      return `<tr id="item-${esc(i.path)}"><td class="path">${esc(i.path)}</td><td class="code">${esc(i.code)}</td><td>${esc([i.title, i.text].filter(Boolean).join(' ') || '（略）')}</td><td><span class="badge" style="background:${COLOR[i.effectiveStatus]}">${esc(t.results[i.effectiveStatus])}</span>${i.effectiveStatus !== i.status ? `<br><small>${esc(t.results[i.status])}</small>` : ''}</td><td>${esc(i.recordedBy)}<br><small>${esc(i.source)}</small></td><td>${approval}</td><td>${esc(i.justification)}${evidence}${af ? `<ul class="af">${af}</ul>` : ''}</td></tr>`;
    })
    .join('\n');
  const findingRows = data.findings
    .map(
      (f) =>
        `<tr><td>${esc(f.id.slice(0, 8))}</td><td>${esc(f.path)}</td><td>${esc(f.severity)}</td><td>${esc(f.status)}</td><td>${esc(f.owner)}</td><td>${f.dueOn ? esc(dual(f.dueOn)) : ''}</td><td>${esc(f.rootCause)}<br>${esc(f.correctiveAction)}</td><td>${f.repeatOf ? `${esc(t.repeat)} ${esc(f.repeatOf.slice(0, 8))}` : ''}</td></tr>`,
    )
    .join('\n');
  const summaryRows = (['pass', 'partial', 'fail', 'error', 'not_run', 'not_applicable'] as ResultStatus[])
    .map((s) => `<tr><td><span class="badge" style="background:${COLOR[s]}">${esc(t.results[s])}</span></td><td>${counts.get(s) ?? 0}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${esc(t.title)} — ${esc(data.firm.name)} ${esc(data.period)}</title>
<meta name="generator" content="ccheck">
<style>
body{font-family:"Noto Sans TC","Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif;margin:2rem;color:#222;line-height:1.5}
h1{font-size:1.6rem;margin:0}h2{border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border:1px solid #ccc;padding:.3rem .4rem;vertical-align:top;text-align:left}th{background:#f0f0f0}
.cover td:first-child{width:12rem;background:#fafafa;font-weight:bold}.path,.code{white-space:nowrap;font-family:monospace}
.badge{color:#fff;border-radius:3px;padding:0 .4rem;white-space:nowrap}.void{color:#c62828}.ev{font-size:.75rem;color:#555}code{font-size:.7rem;word-break:break-all}
.af{margin:.3rem 0 0 1rem;padding:0;font-size:.75rem}.af li.failing{color:#b71c1c}small{color:#666}.note{font-size:.8rem;color:#555}
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
</style>
</head>
<body>
<header><p class="note">${esc(t.mechanism)}</p><h1>${esc(t.title)}</h1></header>
<table class="cover">
<tr><td>${esc(t.firm)}</td><td>${esc(data.firm.name)}</td></tr>
<tr><td>${esc(t.licence)}</td><td>${esc(data.firm.licence)}</td></tr>
<tr><td>${esc(t.period)}</td><td>${esc(data.period)}：${esc(dual(data.periodStart))} – ${esc(dual(data.periodEnd))}</td></tr>
<tr><td>${esc(t.version)}</td><td>${esc(data.catalogVersion)} <code>${esc(data.catalogHash)}</code></td></tr>
<tr><td>${esc(t.started)}</td><td>${esc(formatTaipeiInstant(data.startedAt))} · ${esc(data.startedBy)}</td></tr>
<tr><td>${esc(t.generated)}</td><td>${esc(dual(data.generatedOn))}</td></tr>
<tr><td>${esc(t.audit)}</td><td><code>${esc(data.auditHead)}</code></td></tr>
${
  data.signature
    ? signatureCover(data.signature, lang)
        .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`)
        .join('\n')
    : ''
}
</table>
<h2>${esc(t.summary)}</h2>
<p><strong>${esc(t.rate)}：${esc(rate)}</strong></p>
<p class="note">${esc(t.note)}</p>
<table style="width:auto"><tbody>${summaryRows}</tbody></table>
${chart(data.items, t)}
${changeSection(data, t)}
<h2>${esc(t.items)}</h2>
<table><thead><tr><th>${esc(t.path)}</th><th>${esc(t.code)}</th><th>${esc(t.item)}</th><th>${esc(t.result)}</th><th>${esc(t.by)}</th><th>${esc(t.signoff)}</th><th>${esc(t.why)} / ${esc(t.evidence)}</th></tr></thead>
<tbody>
${itemRows}
</tbody></table>
<h2>${esc(t.findings)}</h2>
${data.findings.length ? `<table><thead><tr><th>ID</th><th>${esc(t.path)}</th><th>${esc(t.severity)}</th><th>${esc(t.status)}</th><th>${esc(t.owner)}</th><th>${esc(t.due)}</th><th>${esc(t.action)}</th><th></th></tr></thead><tbody>${findingRows}</tbody></table>` : `<p>${esc(t.none)}</p>`}
${data.signature ? historySection(data.signature, lang) : ''}
</body>
</html>
`;
}
