import ExcelJS from 'exceljs';
import { csvDocument } from '../core/csv.js';
import type { Plan } from '../core/plan/build-plan.js';

/** One finding across periods, as internal audit tracks it. */
export interface RegisterRow {
  readonly id: string;
  readonly period: string;
  readonly path: string;
  readonly severity: string;
  readonly status: string;
  readonly rootCause: string | null;
  readonly correctiveAction: string | null;
  readonly owner: string | null;
  readonly dueOn: string | null;
  readonly effectivenessCheck: string | null;
  readonly verifiedBy: string | null;
  readonly verifiedAt: string | null;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly repeatOf: string | null;
}

const HEADERS = [
  'ID',
  '期間 Period',
  '項次 Path',
  '嚴重度 Severity',
  '狀態 Status',
  '原因 Root cause',
  '改善措施 Corrective action',
  '負責人 Owner',
  '期限 Due',
  '有效性確認 Effectiveness check',
  '確認者 Verified by',
  '確認時間 Verified at',
  '開立時間 Opened at',
  '開立者 Opened by',
  '前次缺失 Repeat of',
];
const cells = (r: RegisterRow) => [
  r.id,
  r.period,
  r.path,
  r.severity,
  r.status,
  r.rootCause ?? '',
  r.correctiveAction ?? '',
  r.owner ?? '',
  r.dueOn ?? '',
  r.effectivenessCheck ?? '',
  r.verifiedBy ?? '',
  r.verifiedAt ?? '',
  r.openedAt,
  r.openedBy,
  r.repeatOf ?? '',
];

/** The findings register as a workbook: filters, frozen header, one row per finding. */
export async function findingsRegisterXlsx(rows: readonly RegisterRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('缺失追蹤 Findings', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(HEADERS).font = { bold: true };
  for (const r of rows) ws.addRow(cells(r)).alignment = { wrapText: true, vertical: 'top' };
  [38, 10, 14, 10, 16, 40, 50, 18, 12, 40, 16, 22, 22, 16, 38].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADERS.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The same as CSV (UTF-8 with BOM for Excel). */
export function findingsRegisterCsv(rows: readonly RegisterRow[]): string {
  return csvDocument([HEADERS, ...rows.map(cells)]);
}

/** The inspection plan as a workbook, one row per item and period. */
export async function planXlsx(plan: Plan): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('查核計畫 Plan', { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = [
    '期限 Due',
    '期間 Period',
    '狀態 Status',
    '項次 Path',
    '控制代碼 CC code',
    '項目 Item',
    '查核頻率 Frequency',
    '完成日 Completed on',
    '宜 Advisory',
  ];
  ws.addRow(headers).font = { bold: true };
  for (const e of plan.entries)
    ws.addRow([e.due, e.period.id, e.status, e.path, e.code ?? '', e.title, e.frequency, e.completedOn ?? '', e.advisory ? 'yes' : '']);
  [12, 10, 10, 14, 12, 50, 12, 14, 8].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
