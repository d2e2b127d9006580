import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

/** `a.b[0].c` for a zod issue path. */
export const fieldName = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');

/** The line of the deepest YAML node that exists along `path` (the parent when a key is missing). */
export function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[], key?: string): number {
  let node: Node | null | undefined = doc.contents;
  let line = 1;
  const at = (n: Node | null | undefined) => {
    const offset = n?.range?.[0];
    if (offset !== undefined) line = counter.linePos(offset).line;
  };
  at(node);
  for (const k of [...path, ...(key !== undefined ? [key] : [])]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      at(pair.key as Node);
      node = pair.value as Node | null;
      if (key !== undefined && k === key) break;
      at(node);
    } else if (node && 'items' in node && Array.isArray((node as { items: unknown[] }).items) && typeof k === 'number') {
      node = (node as { items: Node[] }).items[k];
      at(node);
    } else break;
  }
  return line;
}
