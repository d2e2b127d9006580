import PDFDocument from 'pdfkit';
import { formatDualDate } from '../core/dates.js';
import { countsAs } from '../core/inspection/item-result.js';
import { CHANGE_KIND_ZH, type InspectionReportData } from './inspection-report-html.js';

const RESULT_ZH: Record<string, string> = { pass: '符合', fail: '不符合', partial: '部分符合', not_applicable: '不適用', error: '無法判定', not_run: '未執行' };
const COLOR: Record<string, string> = { pass: '#2e7d32', fail: '#c62828', partial: '#ef6c00', not_applicable: '#757575', error: '#6a1b9a', not_run: '#9e9e9e' };

/** The Traditional Chinese faces, as bytes: the caller reads the font files, so this stays pure. */
export interface ReportFonts {
  readonly regular: Buffer;
  readonly bold: Buffer;
}

/**
 * The inspection report as a PDF (A4) with embedded Traditional Chinese fonts, so the text can
 * be searched and extracted; no system font is assumed.
 */
export function renderInspectionReportPdf(data: InspectionReportData, fonts: ReportFonts): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    lang: 'zh-TW',
    info: { Title: `證券商資通安全檢查報告 ${data.firm.name} ${data.period}`, Creator: 'ccheck' },
  });
  doc.registerFont('tc', fonts.regular);
  doc.registerFont('tc-bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 80;

  doc.font('tc').fontSize(9).fillColor('#555').text('建立證券商資通安全檢查機制');
  doc.font('tc-bold').fontSize(20).fillColor('#000').text('證券商資通安全檢查報告');
  doc.moveDown(0.5);
  const cover: [string, string][] = [
    ['受查證券商', data.firm.name],
    ['許可證字號', data.firm.licence],
    ['查核期間', `${data.period}：${formatDualDate(data.periodStart)} – ${formatDualDate(data.periodEnd)}`],
    ['檢查項目版本', `${data.catalogVersion}  ${data.catalogHash}`],
    ['查核開始', `${data.startedAt}  ${data.startedBy}`],
    ['報告產製日', formatDualDate(data.generatedOn)],
    ['稽核軌跡鏈首', data.auditHead],
  ];
  for (const [k, v] of cover) {
    const y = doc.y;
    doc.font('tc-bold').fontSize(10).text(k, 40, y, { width: 100 });
    doc
      .font('tc')
      .fontSize(10)
      .text(v, 145, y, { width: width - 105 });
    doc.moveDown(0.2);
  }

  doc.moveDown(0.8);
  doc.font('tc-bold').fontSize(14).text('查核結果摘要', 40);
  const judged = data.items.filter((i) => ['compliant', 'non_compliant'].includes(countsAs(i.effectiveStatus)));
  const compliant = judged.filter((i) => countsAs(i.effectiveStatus) === 'compliant').length;
  doc
    .font('tc')
    .fontSize(10)
    .text(
      `符合率（符合 ÷ 已判定）：${judged.length ? `${((compliant / judged.length) * 100).toFixed(1)}%（${compliant}/${judged.length}）` : '—'}；「無法判定」與「未執行」不計入符合。`,
    );
  doc.moveDown(0.3);
  for (const st of ['pass', 'partial', 'fail', 'error', 'not_run', 'not_applicable']) {
    const n = data.items.filter((i) => i.effectiveStatus === st).length;
    const y = doc.y;
    doc.rect(40, y + 2, Math.max(1, (n / Math.max(1, data.items.length)) * 300), 9).fill(COLOR[st]);
    doc.fillColor('#000').font('tc').fontSize(9).text(`${RESULT_ZH[st]} ${n}`, 350, y);
  }

  const change = data.catalogChange;
  if (change) {
    doc.moveDown(0.8);
    doc.font('tc-bold').fontSize(14).fillColor('#000').text('檢查項目版本異動', 40);
    doc
      .font('tc')
      .fontSize(9)
      .text(
        `前次查核（${change.previousPeriod}）使用版本 ${change.from.id}，本次使用${change.newer ? '較新之' : '較舊之'}版本 ${change.to.id}；✓ 為本次查核涵蓋之項次。`,
        40,
        doc.y,
        {
          width,
        },
      );
    doc.moveDown(0.3);
    for (const x of change.changes) {
      if (doc.y > doc.page.height - 60) doc.addPage();
      const where = x.oldPath && x.oldPath !== x.path ? `${x.oldPath} → ${x.path ?? '—'}` : (x.path ?? x.oldPath ?? '');
      doc.text(
        `${x.inRun ? '✓ ' : '   '}${CHANGE_KIND_ZH[x.kind]}  ${where}  ${x.code ?? ''}  ${x.title ?? ''}${x.fields.length ? `（${x.fields.join(', ')}）` : ''}`,
        40,
        doc.y,
        { width },
      );
    }
  }

  doc.moveDown(0.8);
  doc.font('tc-bold').fontSize(14).fillColor('#000').text('查核項目明細', 40);
  const cols = [
    { title: '項次', x: 40, w: 70 },
    { title: '代碼', x: 112, w: 55 },
    { title: '結果', x: 169, w: 50 },
    { title: '紀錄者／覆核', x: 221, w: 95 },
    { title: '說明、佐證與自動化檢查發現', x: 318, w: width - 278 },
  ];
  const header = () => {
    const y = doc.y;
    doc.font('tc-bold').fontSize(8.5);
    for (const c of cols) doc.text(c.title, c.x, y, { width: c.w });
    doc
      .moveTo(40, doc.y + 1)
      .lineTo(40 + width, doc.y + 1)
      .strokeColor('#999')
      .stroke();
    doc.moveDown(0.3);
  };
  header();
  for (const i of data.items) {
    const findings = i.analyzerFindings
      .filter((f) => f.failing)
      .slice(0, 6)
      .map((f) => `• ${f.file ?? ''}${f.line !== null ? `:${f.line}` : ''} ${f.detailZh}`);
    const notes =
      [i.justification, ...i.evidence.map((e) => `${e.name} sha256:${e.sha256.slice(0, 16)}…`), ...findings].filter(Boolean).join('\n') ||
      (i.title ?? i.text ?? '（略）');
    const who = [i.recordedBy ?? '', i.approval ? `${i.approval.state === 'approved' ? '✓' : '✗ 失效'} ${i.approval.by}` : ''].filter(Boolean).join('\n');
    doc.font('tc').fontSize(8);
    const height = Math.max(doc.heightOfString(notes, { width: cols[4]!.w }), doc.heightOfString(who, { width: cols[3]!.w }), 10);
    if (doc.y + height > doc.page.height - 50) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    doc.fillColor('#000').text(i.path, cols[0]!.x, y, { width: cols[0]!.w });
    doc.text(i.code ?? '', cols[1]!.x, y, { width: cols[1]!.w });
    doc.fillColor(COLOR[i.effectiveStatus] ?? '#000').text(RESULT_ZH[i.effectiveStatus] ?? i.effectiveStatus, cols[2]!.x, y, { width: cols[2]!.w });
    doc.fillColor('#000').text(who, cols[3]!.x, y, { width: cols[3]!.w });
    doc.text(notes, cols[4]!.x, y, { width: cols[4]!.w });
    doc.y = y + height + 4;
  }

  doc.addPage();
  doc.font('tc-bold').fontSize(14).text('缺失與改善', 40);
  doc.font('tc').fontSize(9);
  if (data.findings.length === 0) doc.text('無');
  for (const f of data.findings) {
    doc.text(
      `${f.id.slice(0, 8)}  ${f.path}  ${f.severity}  ${f.status}  負責人：${f.owner ?? '—'}  期限：${f.dueOn ? formatDualDate(f.dueOn) : '—'}${f.repeatOf ? `  重複缺失（前次 ${f.repeatOf.slice(0, 8)}）` : ''}`,
      40,
      doc.y,
      { width },
    );
    if (f.correctiveAction) doc.text(`改善措施：${f.correctiveAction}`, 60, doc.y, { width: width - 20 });
    doc.moveDown(0.4);
  }
  doc.end();
  return done;
}
