import { inflateSync } from 'node:zlib';

/**
 * Extracts the text of a PDF the way a reader's copy-and-paste does: through each font's
 * ToUnicode map. Pure JavaScript, so the test runs where no PDF tool is installed.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2]!;
    const at = body.indexOf('stream');
    if (at < 0) {
      objects.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, at);
    const start = body.indexOf('\n', at) + 1;
    // The dictionary's /Length says exactly where the data ends: trimming an end-of-line instead
    // would cut a compressed stream whose last byte happens to be a carriage return.
    const length = /\/Length (\d+)(?! \d+ R)/.exec(dict);
    const end = length ? start + Number(length[1]) : body.lastIndexOf('endstream');
    let bytes = Buffer.from(length ? body.slice(start, end) : body.slice(start, end).replace(/\r?\n$/, ''), 'latin1');
    if (/FlateDecode/.test(dict)) bytes = inflateSync(bytes);
    objects.set(Number(m[1]), { dict, stream: bytes });
  }
  const cmapOf = (ref: number): Map<string, string> => {
    const text = objects.get(ref)?.stream?.toString('latin1') ?? '';
    const map = new Map<string, string>();
    const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const p of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(p[1]!.toLowerCase(), utf16(p[2]!));
    for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const p of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F\s]+>)/g)) {
        const lo = parseInt(p[1]!, 16);
        const hi = parseInt(p[2]!, 16);
        // Empty entries (<>) are glyphs without Unicode: they keep their place in the list.
        // Hex strings may hold spaces (a ligature: <0066 0066>), which PDF ignores.
        const targets = p[3]!.startsWith('[') ? [...p[3]!.matchAll(/<([0-9a-fA-F\s]*)>/g)].map((x) => x[1]!.replace(/\s+/g, '')) : null;
        for (let g = lo; g <= hi; g++) {
          const key = g.toString(16).padStart(p[1]!.length, '0');
          const target = targets ? targets[g - lo] : (parseInt(p[3]!.slice(1, -1), 16) + (g - lo)).toString(16).padStart(4, '0');
          if (target) map.set(key, utf16(target)); // a short last chunk leaves the rest unmapped
        }
      }
    }
    return map;
  };
  // Font resource names (/F1 …) → the font's ToUnicode map.
  const fonts = new Map<string, Map<string, string>>();
  for (const o of objects.values()) {
    for (const f of o.dict.matchAll(/\/(F\d+)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(f[2]))?.dict ?? '';
      const tu = /\/ToUnicode\s+(\d+) 0 R/.exec(font);
      if (tu) fonts.set(f[1]!, cmapOf(Number(tu[1])));
    }
  }
  let out = '';
  for (const o of objects.values()) {
    const content = o.stream?.toString('latin1') ?? '';
    if (!/\bTf\b/.test(content)) continue;
    let current = new Map<string, string>();
    for (const t of content.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\bET\b/g)) {
      if (t[1]) current = fonts.get(t[1]) ?? new Map<string, string>();
      else if (t[0] === 'ET') out += '\n';
      else {
        const hexes = t[2] !== undefined ? [...t[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]!) : [t[3]!];
        for (const h of hexes) for (const g of h.match(/.{4}/g) ?? []) out += current.get(g.toLowerCase()) ?? '';
      }
    }
  }
  return out;
}
