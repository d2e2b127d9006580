import ExcelJS from 'exceljs';
import { formatDualDate, formatTaipeiInstant } from '../core/dates.js';
import { CHANGE_KIND_ZH, type InspectionReportData } from './inspection-report-html.js';
import { historyCells, signatureCover, SIGNATURE_LABELS } from './signature-section.js';

const RESULT_ZH: Record<string, string> = { pass: '符合', fail: '不符合', partial: '部分符合', not_applicable: '不適用', error: '無法判定', not_run: '未執行' };

function sheet(wb: ExcelJS.Workbook, name: string, headers: string[], widths: number[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = ws.addRow(headers);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
  return ws;
}

/**
 * The inspection report as a workbook in the layout of the official checklist: one row per item
 * (項次, CC code, 條文, 查核結果, 說明/證據, 權責主管覆核), plus sheets for findings and evidence.
 * Real cells, filters, a frozen header; Traditional Chinese headers with English beside them.
 */
export async function renderInspectionReportXlsx(data: InspectionReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ccheck';
  wb.title = `證券商資通安全檢查報告 ${data.firm.name} ${data.period}`;

  const cover = wb.addWorksheet('封面 Cover');
  const rows: [string, string][] = [
    ['受查證券商 Firm', data.firm.name],
    ['許可證字號 Licence', data.firm.licence],
    ['查核期間 Period', `${data.period}：${formatDualDate(data.periodStart)} – ${formatDualDate(data.periodEnd)}`],
    ['檢查項目版本 Catalog version', `${data.catalogVersion} ${data.catalogHash}`],
    ['查核開始 Started', `${formatTaipeiInstant(data.startedAt)} ${data.startedBy}`],
    ['報告產製日 Generated', formatDualDate(data.generatedOn)],
    ['稽核軌跡鏈首 Audit chain head', data.auditHead],
  ];
  for (const r of rows) cover.addRow(r).getCell(1).font = { bold: true };
  cover.getColumn(1).width = 28;
  cover.getColumn(2).width = 90;

  const items = sheet(
    wb,
    '查核項目 Items',
    [
      '項次 Path',
      '控制代碼 CC code',
      '條文 Item',
      '查核結果 Result',
      '說明／證據 Justification / evidence',
      '紀錄者 Recorded by',
      '權責主管覆核 Sign-off',
      '自動化檢查發現 Analyzer findings',
    ],
    [14, 12, 60, 12, 60, 18, 24, 70],
  );
  for (const i of data.items) {
    const evidence = i.evidence.map((e) => `${e.name} sha256:${e.sha256}`).join('\n');
    const findings = i.analyzerFindings
      .filter((f) => f.severity !== 'info')
      .map((f) => `[${f.analyzer}] ${f.file ?? ''}${f.line !== null ? `:${f.line}` : ''} ${f.detailZh}`)
      .join('\n');
    const row = items.addRow([
      i.path,
      i.code ?? '',
      [i.title, i.text].filter(Boolean).join(' ') || '（略）',
      RESULT_ZH[i.effectiveStatus] ?? i.effectiveStatus,
      [i.justification, evidence].filter(Boolean).join('\n'),
      i.recordedBy ?? '',
      i.approval
        ? `${i.approval.state === 'approved' ? '已覆核' : i.approval.state === 'rejected' ? `退回（${i.approval.reason ?? ''}）` : '已失效'} ${i.approval.by} ${formatTaipeiInstant(i.approval.at)}`
        : '',
      findings,
    ]);
    row.alignment = { wrapText: true, vertical: 'top' };
  }

  const f = sheet(
    wb,
    '缺失 Findings',
    ['ID', '項次 Path', '嚴重度 Severity', '狀態 Status', '負責人 Owner', '期限 Due', '原因 Root cause', '改善措施 Corrective action', '前次缺失 Repeat of'],
    [10, 14, 10, 14, 18, 14, 40, 50, 10],
  );
  for (const x of data.findings) {
    f.addRow([
      x.id.slice(0, 8),
      x.path,
      x.severity,
      x.status,
      x.owner ?? '',
      x.dueOn ?? '',
      x.rootCause ?? '',
      x.correctiveAction ?? '',
      x.repeatOf?.slice(0, 8) ?? '',
    ]).alignment = { wrapText: true, vertical: 'top' };
  }

  const e = sheet(wb, '佐證 Evidence', ['檔名 Name', 'SHA-256', '產生時間 Collected at', '項次 Items'], [30, 70, 22, 40]);
  const byHash = new Map<string, { name: string; collectedAt: string; items: string[] }>();
  for (const i of data.items) {
    for (const ev of i.evidence) {
      const entry = byHash.get(ev.sha256) ?? { name: ev.name, collectedAt: ev.collectedAt, items: [] };
      entry.items.push(i.path);
      byHash.set(ev.sha256, entry);
    }
  }
  for (const [sha, ev] of byHash) e.addRow([ev.name, sha, ev.collectedAt, ev.items.join(', ')]);

  const c = data.catalogChange;
  if (c) {
    const ch = sheet(
      wb,
      '版本異動 Changes',
      ['異動 Change', '原項次 Old path', '項次 Path', '控制代碼 CC code', '條文 Item', '異動內容 What changed', '本次查核 This run'],
      [16, 14, 14, 12, 50, 30, 10],
    );
    cover
      .addRow([
        '版本異動 Catalog change',
        `前次查核 ${c.previousPeriod} 使用 ${c.from.id}，本次使用 ${c.to.id}（${c.changes.length} 項異動，見「版本異動」工作表）`,
      ])
      .getCell(1).font = { bold: true };
    for (const x of c.changes)
      ch.addRow([CHANGE_KIND_ZH[x.kind], x.oldPath ?? '', x.path ?? '', x.code ?? '', x.title ?? '', x.fields.join(', '), x.inRun ? '✓' : '']);
  }

  const sig = data.signature;
  if (sig) {
    for (const [k, v] of signatureCover(sig, 'zh-TW')) cover.addRow([k, v]).getCell(1).font = { bold: true };
    const zh = SIGNATURE_LABELS['zh-TW'].cols;
    const en = SIGNATURE_LABELS.en.cols;
    const hs = sheet(
      wb,
      '簽核歷程 Signatures',
      zh.map((c, i) => `${c} ${en[i]}`),
      [6, 20, 14, 14, 10, 14, 60, 50],
    );
    for (const e of sig.history) hs.addRow(historyCells(e, 'zh-TW'));
    if (sig.signingKey) {
      hs.addRow([]);
      hs.addRow([SIGNATURE_LABELS['zh-TW'].key, sig.signingKey.fingerprint, sig.signingKey.publicKeyPem]);
    }
  }

  return Buffer.from(await wb.xlsx.writeBuffer());
}
