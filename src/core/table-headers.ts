/**
 * One way to read the header row of every table a person fills in (the checklist, completions,
 * analyzer templates): headers may be bilingual (`項次 / path`, `條文 (text)`, `a | b`), in any
 * case, with spaces, underscores or dashes (`completed_on` = `completed on` = `Completed-On`).
 */
export const headerWord = (s: string): string =>
  s
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

export interface HeaderNames<K extends string = string> {
  readonly key: K;
  /** Every name the column may go by: zh-TW, English, aliases. */
  readonly names: readonly string[];
}

/** Where each known column is: the first header that names it (columns not found are absent). */
export function indexHeaders<K extends string>(headers: readonly string[], columns: readonly HeaderNames<K>[]): Map<K, number> {
  const wanted = columns.map((c) => ({ key: c.key, names: c.names.map(headerWord) }));
  const index = new Map<K, number>();
  headers.forEach((h, i) => {
    const parts = h
      .split(/[/()（）|]/)
      .map(headerWord)
      .filter(Boolean);
    for (const c of wanted) if (!index.has(c.key) && parts.some((p) => c.names.includes(p))) index.set(c.key, i);
  });
  return index;
}
