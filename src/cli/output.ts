/** East Asian wide characters take two terminal cells; tables must count cells, not characters. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Wraps to a display width, breaking anywhere (Chinese has no spaces to break at). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (displayWidth(line + ch) > width) {
      lines.push(line);
      line = ch.trimStart();
    } else line += ch;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** A plain table; the last column is truncated to fit the terminal. */
export function renderTable(headers: string[], rows: string[][], maxWidth: number): string {
  // A loop, not Math.max(...rows): spreading 256,000 rows into arguments overflows the stack.
  const widths = headers.map((h) => displayWidth(h));
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) {
      const w = displayWidth(r[i] ?? '');
      if (w > widths[i]!) widths[i] = w;
    }
  }
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
  const last = widths.length - 1;
  widths[last] = Math.max(10, Math.min(widths[last]!, maxWidth - fixed));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === last ? truncate(c, widths[i]!) : padEnd(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Two texts side by side, each wrapped to half the width. */
export function sideBySide(left: string, right: string, width: number): string {
  const half = Math.max(20, Math.floor((width - 3) / 2));
  const l = wrap(left, half);
  const r = wrap(right, half);
  const n = Math.max(l.length, r.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${padEnd(l[i] ?? '', half)} │ ${r[i] ?? ''}`.trimEnd());
  return out.join('\n');
}
