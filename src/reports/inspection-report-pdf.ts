import PDFDocument from 'pdfkit';
import { formatDualDate, formatTaipeiInstant } from '../core/dates.js';
import { countsAs } from '../core/inspection/item-result.js';
import { REPORT_LABELS, type InspectionReportData } from './inspection-report-html.js';
import { historyCells, signatureCover, SIGNATURE_LABELS } from './signature-section.js';

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
export function renderInspectionReportPdf(data: InspectionReportData, fonts: ReportFonts, lang: 'zh-TW' | 'en' = 'zh-TW'): Promise<Buffer> {
  const t = REPORT_LABELS[lang];
  const zh = lang === 'zh-TW';
  const dual = (d: string) => formatDualDate(d, lang);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    lang,
    info: { Title: `${t.title} ${data.firm.name} ${data.period}`, Creator: 'ccheck' },
  });
  doc.registerFont('tc', fonts.regular);
  doc.registerFont('tc-bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 80;

  doc.font('tc').fontSize(9).fillColor('#555').text(t.mechanism);
  doc.font('tc-bold').fontSize(20).fillColor('#000').text(t.title);
  doc.moveDown(0.5);
  const cover: [string, string][] = [
    [t.firm, data.firm.name],
    [t.licence, data.firm.licence],
    [t.period, `${data.period}${zh ? '：' : ': '}${dual(data.periodStart)} – ${dual(data.periodEnd)}`],
    [t.version, `${data.catalogVersion}  ${data.catalogHash}`],
    [t.started, `${formatTaipeiInstant(data.startedAt)}  ${data.startedBy}`],
    [t.generated, dual(data.generatedOn)],
    [t.audit, data.auditHead],
    ...(data.signature ? signatureCover(data.signature, lang) : []),
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
  doc.font('tc-bold').fontSize(14).text(t.summary, 40);
  const judged = data.items.filter((i) => ['compliant', 'non_compliant'].includes(countsAs(i.effectiveStatus)));
  const compliant = judged.filter((i) => countsAs(i.effectiveStatus) === 'compliant').length;
  doc
    .font('tc')
    .fontSize(10)
    .text(
      `${t.rate}${zh ? '：' : ': '}${judged.length ? `${((compliant / judged.length) * 100).toFixed(1)}%${zh ? `（${compliant}/${judged.length}）` : ` (${compliant}/${judged.length})`}` : '—'}${zh ? '；' : '. '}${t.note}`,
    );
  doc.moveDown(0.3);
  for (const st of ['pass', 'partial', 'fail', 'error', 'not_run', 'not_applicable']) {
    const n = data.items.filter((i) => i.effectiveStatus === st).length;
    const y = doc.y;
    doc.rect(40, y + 2, Math.max(1, (n / Math.max(1, data.items.length)) * 300), 9).fill(COLOR[st]);
    doc.fillColor('#000').font('tc').fontSize(9).text(`${t.results[st]} ${n}`, 350, y);
  }

  const change = data.catalogChange;
  if (change) {
    doc.moveDown(0.8);
    doc.font('tc-bold').fontSize(14).fillColor('#000').text(t.changes, 40);
    doc
      .font('tc')
      .fontSize(9)
      .text(t.changeIntro(change.previousPeriod, change.from.id, change.to.id, change.newer), 40, doc.y, {
        width,
      });
    doc.moveDown(0.3);
    for (const x of change.changes) {
      if (doc.y > doc.page.height - 60) doc.addPage();
      const where = x.oldPath && x.oldPath !== x.path ? `${x.oldPath} → ${x.path ?? '—'}` : (x.path ?? x.oldPath ?? '');
      doc.text(
        `${x.inRun ? '✓ ' : '   '}${t.kinds[x.kind]}  ${where}  ${x.code ?? ''}  ${x.title ?? ''}${x.fields.length ? `（${x.fields.join(', ')}）` : ''}`,
        40,
        doc.y,
        { width },
      );
    }
  }

  doc.moveDown(0.8);
  doc.font('tc-bold').fontSize(14).fillColor('#000').text(t.items, 40);
  const cols = [
    { title: t.path, x: 40, w: 70 },
    { title: t.code, x: 112, w: 55 },
    { title: t.result, x: 169, w: 50 },
    { title: `${t.by} / ${t.signoff}`, x: 221, w: 95 },
    { title: `${t.why} / ${t.evidence}`, x: 318, w: width - 278 },
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
      (i.title ?? i.text ?? (zh ? '（略）' : '(elided)'));
    const who = [
      i.recordedBy ?? '',
      i.approval ? `${i.approval.state === 'approved' ? '✓' : `✗ ${i.approval.state === 'rejected' ? t.rejected : t.void}`} ${i.approval.by}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    doc.font('tc').fontSize(8);
    const height = Math.max(doc.heightOfString(notes, { width: cols[4]!.w }), doc.heightOfString(who, { width: cols[3]!.w }), 10);
    if (doc.y + height > doc.page.height - 50) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    doc.fillColor('#000').text(i.path, cols[0]!.x, y, { width: cols[0]!.w });
    doc.text(i.code ?? '', cols[1]!.x, y, { width: cols[1]!.w });
    doc.fillColor(COLOR[i.effectiveStatus] ?? '#000').text(t.results[i.effectiveStatus] ?? i.effectiveStatus, cols[2]!.x, y, { width: cols[2]!.w });
    doc.fillColor('#000').text(who, cols[3]!.x, y, { width: cols[3]!.w });
    doc.text(notes, cols[4]!.x, y, { width: cols[4]!.w });
    doc.y = y + height + 4;
  }

  doc.addPage();
  doc.font('tc-bold').fontSize(14).text(t.findings, 40);
  doc.font('tc').fontSize(9);
  if (data.findings.length === 0) doc.text(t.none);
  for (const f of data.findings) {
    doc.text(
      `${f.id.slice(0, 8)}  ${f.path}  ${f.severity}  ${f.status}  ${t.owner}: ${f.owner ?? '—'}  ${t.due}: ${f.dueOn ? dual(f.dueOn) : '—'}${f.repeatOf ? `  ${t.repeat} (${f.repeatOf.slice(0, 8)})` : ''}`,
      40,
      doc.y,
      { width },
    );
    if (f.correctiveAction) doc.text(`${t.action}: ${f.correctiveAction}`, 60, doc.y, { width: width - 20 });
    doc.moveDown(0.4);
  }

  // The e-signature history, printable on demand for an examiner (臺證輔字第1060504884號).
  const sig = data.signature;
  if (sig) {
    const h = SIGNATURE_LABELS[lang];
    doc.addPage();
    doc.font('tc-bold').fontSize(14).fillColor('#000').text(h.title, 40);
    doc.font('tc').fontSize(8);
    for (const e of sig.history) {
      if (doc.y > doc.page.height - 70) doc.addPage();
      const [seq, at, action, actor, role, item, hash, auth] = historyCells(e, lang);
      doc.font('tc-bold').text(`#${seq}  ${at}  ${action}  ${actor}（${role}）${item ? `  ${item}` : ''}`, 40, doc.y, { width });
      doc.font('tc').text(`${hash}  ·  ${auth}`, 60, doc.y, { width: width - 20 });
      doc.moveDown(0.2);
    }
    if (sig.signingKey) {
      doc.moveDown(0.5);
      doc.font('tc-bold').fontSize(9).text(`${h.key}  ${sig.signingKey.fingerprint}`, 40, doc.y, { width });
      doc.font('tc').fontSize(7).text(sig.signingKey.publicKeyPem, 40, doc.y, { width });
    }
  }
  doc.end();
  return done;
}
