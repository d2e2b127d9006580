import {
  ESTABLISHED,
  anyAddress,
  complement,
  parsePort,
  parsePrefix,
  parseProtocol,
  type Action,
  type Interval,
  type ParsedRuleSet,
  type ParseWarning,
  type Policy,
} from '../rule-model.js';
import { append, type LineReader, PolicyBuilder, readLines, readText, type RuleDims, tagsIn, warner } from './policy-builder.js';

/** One statement of the Junos hierarchy: words, and children when it opens a block. */
interface Node {
  readonly words: string[];
  readonly line: number;
  readonly children: Node[] | null;
  /** The comment written just before it (/* … *\/ or #), which carries the term's description. */
  readonly comment: string | null;
}

/** Reads the curly-brace configuration into a tree; `[ a b ]` lists stay words. */
export function parseJunosTree(text: string): Node[] {
  return readText(junosTreeReader(false), text).tree;
}

// The only top-level blocks the analysis reads; with `prune`, the rest are read past, not kept.
const KEPT_TOP_LEVEL = new Set(['firewall', 'security']);

/**
 * The tree, fed one line at a time, so a configuration of any size streams. Block comments may
 * span lines; a quoted string ends on its line. With `prune`, only `firewall` and `security`
 * keep their children: interfaces, routing and the rest of a large configuration cost nothing.
 */
function junosTreeReader(prune: boolean): LineReader<{ tree: Node[]; firstLine: string }> {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let words: string[] = [];
  let startLine = 1;
  let line = 0;
  let comment: string | null = null;
  let blockComment: string[] | null = null;
  let firstLine: string | null = null;
  const flush = (children: Node[] | null) => {
    const node: Node = { words, line: startLine, children, comment };
    stack[stack.length - 1]!.push(node);
    words = [];
    comment = null;
    return node;
  };
  const feed = (text: string): void => {
    line++;
    let i = 0;
    if (blockComment) {
      const end = text.indexOf('*/');
      blockComment.push(end < 0 ? text : text.slice(0, end));
      if (end < 0) return;
      comment = blockComment
        .join('\n')
        .replace(/^\s*\*+ ?/gm, '')
        .trim();
      blockComment = null;
      i = end + 2;
    }
    while (i < text.length) {
      const c = text[i]!;
      if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) {
          blockComment = [text.slice(i + 2)];
          return;
        }
        comment = text
          .slice(i + 2, end)
          .replace(/^\s*\*+ ?/gm, '')
          .trim();
        i = end + 2;
      } else if (c === '#' && words.length === 0) {
        comment = text.slice(i + 1).trim();
        return;
      } else if (c === '{') {
        const top = stack.length === 1;
        const node = flush([]);
        stack.push(prune && top && !KEPT_TOP_LEVEL.has(node.words[0] ?? '') ? [] : node.children!);
        i++;
      } else if (c === '}') {
        stack.pop();
        if (stack.length === 0) stack.push(root);
        i++;
      } else if (c === ';') {
        if (words.length) flush(null);
        i++;
      } else if (/\s/.test(c)) i++;
      else if (c === '"') {
        const end = text.indexOf('"', i + 1);
        if (words.length === 0) startLine = line;
        words.push(text.slice(i + 1, end < 0 ? text.length : end));
        i = end < 0 ? text.length : end + 1;
      } else {
        const m = /^[^\s{};"]+/.exec(text.slice(i, i + 400))!;
        if (words.length === 0) startLine = line;
        words.push(m[0]);
        i += m[0].length;
      }
    }
  };
  return {
    line: (t) => {
      firstLine ??= t;
      feed(t.replace(/\r$/, ''));
    },
    finish: () => ({ tree: root, firstLine: firstLine ?? '' }),
  };
}

/** The values of a statement: `protocol tcp;`, `protocol [ tcp udp ];`, or a block of `value;` lines. */
const values = (n: Node): { value: string; line: number }[] =>
  n.children
    ? n.children.map((c) => ({ value: c.words.join(' '), line: c.line }))
    : n.words
        .slice(1)
        .filter((w) => w !== '[' && w !== ']')
        .map((value) => ({ value, line: n.line }));

function portRanges(list: { value: string }[]): Interval[] | null {
  const out: Interval[] = [];
  for (const { value } of list) {
    const [a, b] = value.split('-');
    const lo = parsePort(a ?? '');
    const hi = b === undefined ? lo : parsePort(b);
    if (lo === null || hi === null) return null;
    out.push({ lo: BigInt(lo), hi: BigInt(hi) });
  }
  return out;
}

/**
 * Reads Junos firewall filters (`firewall family inet|inet6 filter`) and SRX security policies
 * (`security policies from-zone … to-zone …` with the address book). Filters end in an implicit
 * discard; each zone pair is a policy with the SRX default deny.
 */
export function parseJunos(text: string, file: string): ParsedRuleSet {
  return junosFromTree(readText(junosTreeReader(false), text), file);
}

/** The same, streamed: only the `firewall` and `security` hierarchies are kept while reading. */
export async function parseJunosLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  return junosFromTree(await readLines(junosTreeReader(true), lines), file);
}

function junosFromTree({ tree, firstLine }: { tree: Node[]; firstLine: string }, file: string): ParsedRuleSet {
  const warnings: ParseWarning[] = [];
  const warn = warner(file, warnings);
  const policies: Policy[] = [];

  const firewall = tree.find((n) => n.words[0] === 'firewall');
  const families = firewall?.children?.filter((n) => n.words[0] === 'family') ?? [];
  const bare = firewall?.children?.filter((n) => n.words.includes('filter')) ?? [];
  for (const fam of [...families, ...(bare.length ? [{ words: ['family', 'inet'], line: 0, children: bare, comment: null } as Node] : [])]) {
    const family: 4 | 6 = fam.words[1] === 'inet6' ? 6 : 4;
    for (const filter of fam.children?.filter((n) => n.words.includes('filter')) ?? []) {
      const name = filter.words[filter.words.indexOf('filter') + 1]!;
      const b = new PolicyBuilder(name, file, family, 'junos');
      for (const term of filter.children?.filter((n) => n.words[0] === 'term' || n.words[1] === 'term') ?? []) {
        const termName = term.words[term.words.indexOf('term') + 1]!;
        const from = term.children?.find((n) => n.words[0] === 'from');
        const then = term.children?.find((n) => n.words[0] === 'then');
        const thenWords = then ? (then.children ? then.children.map((c) => c.words[0]) : then.words.slice(1)) : [];
        const inactive = term.words[0] === 'inactive:';
        let action: Action | null = thenWords.includes('accept') ? 'permit' : thenWords.includes('discard') || thenWords.includes('reject') ? 'deny' : null;
        if (thenWords.includes('next')) {
          warn(term.line, `term ${termName}`, '"then next term" is not terminal; the term is not analysed as a rule');
          continue;
        }
        // A term whose `then` only counts, logs or samples accepts (Junos default action).
        action ??= 'permit';
        const dims: RuleDims = {};
        let opaque = false;
        // Each address keeps its own line, so a finding points at the entry that causes it.
        const lined: { src: { range: Interval; line: number }[] | null; dst: { range: Interval; line: number }[] | null } = { src: null, dst: null };
        for (const cond of from?.children ?? []) {
          const key = cond.words[0]!;
          const list = values(cond);
          if (
            key === 'source-address' ||
            key === 'destination-address' ||
            key === 'address' ||
            key === 'source-prefix-list' ||
            key === 'destination-prefix-list'
          ) {
            if (key.endsWith('prefix-list')) {
              opaque = true;
              warn(cond.line, cond.words.join(' '), 'prefix lists are not resolved; the term is treated as opaque');
              continue;
            }
            const include: { range: Interval; line: number }[] = [];
            const except: Interval[] = [];
            for (const v of list) {
              const [addr, flag] = v.value.split(/\s+/);
              const p = parsePrefix(addr ?? '', family);
              if (!p) {
                opaque = true;
                warn(v.line, v.value, 'unreadable address; the term is treated as opaque');
              } else if (flag === 'except') except.push(p.range);
              else include.push({ range: p.range, line: v.line });
            }
            const ranges = except.length ? include.flatMap((r) => complement(except, r.range).map((range) => ({ range, line: r.line }))) : include;
            if (key === 'source-address') lined.src = ranges;
            else if (key === 'destination-address') lined.dst = ranges;
            else {
              opaque = true; // `address` matches either end: not one box
            }
          } else if (key === 'protocol' || key === 'next-header') {
            const ps = list.map((v) => parseProtocol(v.value));
            if (ps.some((p) => !p)) opaque = true;
            else dims.proto = ps as Interval[];
          } else if (key === 'source-port' || key === 'destination-port' || key === 'port') {
            const ports = portRanges(list);
            if (!ports) {
              opaque = true;
              warn(cond.line, cond.words.join(' '), 'unreadable port; the term is treated as opaque');
            } else if (key === 'source-port') dims.sport = ports;
            else if (key === 'destination-port') dims.dport = ports;
            else opaque = true;
          } else if (key === 'tcp-established') {
            dims.state = [ESTABLISHED];
          } else {
            opaque = true; // icmp-type, fragment flags, interface, …
          }
        }
        const tags = tagsIn(term.comment ?? '');
        const any = { range: anyAddress(family), line: term.line };
        for (const src of lined.src ?? [any]) {
          for (const dst of lined.dst ?? [any]) {
            const line = (lined.src?.length ?? 0) > 1 || !lined.dst ? src.line : dst.line;
            b.add(
              { line, name: termName, text: `term ${termName}`, action, opaque, disabled: inactive, comment: term.comment, ...tags },
              { ...dims, src: [src.range], dst: [dst.range] },
            );
          }
        }
      }
      policies.push(b.build('deny', 'implicit'));
    }
  }

  // SRX security policies.
  const security = tree.find((n) => n.words[0] === 'security');
  const addressBook = new Map<string, Interval[]>();
  const collectBook = (nodes: Node[] | null) => {
    for (const n of nodes ?? []) {
      if (n.words[0] === 'address' && n.words.length >= 3) {
        const p = parsePrefix(n.words[2]!);
        if (p) addressBook.set(n.words[1]!, [p.range]);
      } else if (n.words[0] === 'address' && n.children) {
        const prefix = n.children.find((c) => c.words[0] !== 'description');
        const p = prefix && parsePrefix(prefix.words[0] === 'range-address' ? '' : prefix.words[0]!);
        if (p) addressBook.set(n.words[1]!, [p.range]);
      } else if (n.words[0] === 'address-set') {
        const members = (n.children ?? []).flatMap((c) => addressBook.get(c.words[1]!) ?? []);
        addressBook.set(n.words[1]!, members);
      } else collectBook(n.children);
    }
  };
  collectBook(security?.children?.find((n) => n.words.includes('address-book'))?.children ?? null);
  const pol = security?.children?.find((n) => n.words.includes('policies'));
  for (const pair of pol?.children?.filter((n) => n.words[0] === 'from-zone') ?? []) {
    const [fromZone, toZone] = [pair.words[1]!, pair.words[3]!];
    const name = `${fromZone} → ${toZone}`;
    const families: Record<4 | 6, PolicyBuilder> = { 4: new PolicyBuilder(name, file, 4, 'srx'), 6: new PolicyBuilder(`${name} (inet6)`, file, 6, 'srx') };
    for (const p of pair.children?.filter((n) => n.words[0] === 'policy') ?? []) {
      const policyName = p.words[1]!;
      const match = p.children?.find((n) => n.words[0] === 'match');
      const then = p.children?.find((n) => n.words[0] === 'then');
      const thenWords = (then?.children ?? []).map((c) => c.words[0]);
      const action: Action = thenWords.includes('permit') ? 'permit' : 'deny';
      let opaque = false;
      const addresses = (key: string): Interval[] | null => {
        const node = match?.children?.find((n) => n.words[0] === key);
        if (!node) return null;
        const out: Interval[] = [];
        for (const v of values(node)) {
          if (v.value === 'any') return null;
          const found = addressBook.get(v.value);
          if (!found) {
            opaque = true;
            warn(v.line, v.value, `address ${v.value} is not in the address book; the policy is treated as opaque`);
          } else append(out, found);
        }
        return out;
      };
      const src = addresses('source-address');
      const dst = addresses('destination-address');
      const apps = match?.children?.find((n) => n.words[0] === 'application');
      const appList = apps ? values(apps).map((v) => v.value) : ['any'];
      if (!appList.includes('any')) opaque = true; // applications are not resolved to ports here
      const tags = tagsIn(p.comment ?? '');
      families[4].add(
        { line: p.line, name: policyName, text: `policy ${policyName}`, action, opaque, applications: appList, fromZone, toZone, comment: p.comment, ...tags },
        { src: src ?? [anyAddress(4)], dst: dst ?? [anyAddress(4)] },
      );
    }
    policies.push(families[4].build('deny', 'implicit'));
  }
  if (!firewall && !security) warn(1, firstLine, 'no firewall filter or security policies found: is this a Junos configuration?');
  return { syntax: 'junos', policies, warnings };
}
