/**
 * A CSV document the way Excel in Taiwan opens it correctly: UTF-8 with a BOM, CRLF line ends,
 * and fields quoted when they hold a comma, a quote or a line break.
 */
export function csvDocument(rows: readonly (readonly string[])[]): string {
  const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `\uFEFF${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
