import {
  ANY_PORT,
  ESTABLISHED,
  complement,
  parsePrefix,
  parseProtocol,
  anyAddress,
  type Action,
  type Interval,
  type ParsedRuleSet,
  type ParseWarning,
  type Policy,
} from '../rule-model.js';
import { type LineReader, PolicyBuilder, readLines, readText, type RuleDims, tagsIn, tokenize, warner, withoutTags } from './policy-builder.js';

interface RawRule {
  readonly line: number;
  readonly text: string;
  readonly args: string[];
}

const SOURCE_PORT = new Set(['--sport', '--source-port', '--sports', '--source-ports']);
const DEST_PORT = new Set(['--dport', '--destination-port', '--dports', '--destination-ports']);
const TERMINAL: Record<string, Action> = { ACCEPT: 'permit', DROP: 'deny', REJECT: 'deny' };

function ports(spec: string, negated: boolean): Interval[] | null {
  const list: Interval[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split(':');
    const lo = a === '' || a === undefined ? 0 : Number(a);
    const hi = b === undefined ? lo : b === '' ? 65535 : Number(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || hi > 65535) return null;
    list.push({ lo: BigInt(lo), hi: BigInt(hi) });
  }
  return negated ? complement(list, ANY_PORT) : list;
}

/**
 * Reads `iptables-save` / `ip6tables-save` output (the filter table). Built-in chains are the
 * policies; user chains are followed where they are jumped to, as the kernel does, with RETURN
 * handing back to the caller. A match ccheck does not model makes the rule opaque, never dropped.
 */
export function parseIptablesSave(text: string, file: string, family: 4 | 6 = text.includes('ip6tables') ? 6 : 4, assumeFilterTable = false): ParsedRuleSet {
  return readText(saveReader(file, family, assumeFilterTable), text);
}

/**
 * The same, streamed: only the filter table's rules are kept, so a save file of any size (large
 * nat or mangle tables, ipset dumps around it) is read in constant memory beyond its rules.
 */
export async function parseIptablesSaveLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  return readLines(saveReader(file, 'detect', false), lines);
}

/** `iptables -nvL` listings, streamed: each row is turned into its iptables-save line as it is read. */
export async function parseIptablesListLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  const reader = saveReader(file, 4, true);
  const convert = listLineConverter();
  let i = 0;
  for await (const raw of lines) {
    if (/\s::\/0\s/.test(raw)) reader.setFamily(6);
    reader.line(convert(raw), i++);
  }
  return { ...reader.finish(), syntax: 'iptables-list' };
}

interface SaveReader extends LineReader<ParsedRuleSet> {
  setFamily(f: 4 | 6): void;
}

function saveReader(file: string, initialFamily: 4 | 6 | 'detect', assumeFilterTable: boolean): SaveReader {
  const warnings: ParseWarning[] = [];
  const warn = warner(file, warnings);
  const chains = new Map<string, RawRule[]>();
  const policies = new Map<string, string>();
  let table: string | null = assumeFilterTable ? 'filter' : null;
  // ip6tables-save says so in its header comment; until a line says so, IPv4.
  let family: 4 | 6 = initialFamily === 'detect' ? 4 : initialFamily;
  let firstLine: string | null = null;
  const line = (raw: string, i: number): void => {
    if (firstLine === null) firstLine = raw;
    if (initialFamily === 'detect' && family === 4 && raw.includes('ip6tables')) family = 6;
    const line = raw.trim();
    const n = i + 1;
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = line.slice(1);
      return;
    }
    if (line === 'COMMIT') return;
    if (table !== 'filter') return;
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      chains.set(name!, chains.get(name!) ?? []);
      if (policy && policy !== '-') policies.set(name!, policy);
      return;
    }
    const args = tokenize(line);
    if (args[0] === '-N') {
      chains.set(args[1]!, chains.get(args[1]!) ?? []);
      return;
    }
    if (args[0] === '-A' || args[0] === '--append') {
      const chain = args[1]!;
      if (!chains.has(chain)) chains.set(chain, []);
      chains.get(chain)!.push({ line: n, text: raw, args: args.slice(2) });
      return;
    }
    warn(n, raw, 'not an iptables-save line; the file may be in another format');
  };
  const finish = (): ParsedRuleSet => {
    if (table === null && chains.size === 0) {
      warn(1, firstLine ?? '', 'no *filter table found: is this iptables-save output?');
    }

    const result: Policy[] = [];
    for (const [chain, policy] of policies) {
      const b = new PolicyBuilder(chain, file, family, 'iptables');
      const walk = (name: string, stack: string[], inherited: RuleDims & { opaque: boolean }) => {
        for (const [position, r] of (chains.get(name) ?? []).entries()) {
          const dims: RuleDims = {};
          let opaque = inherited.opaque;
          let target: string | null = null;
          let comment = '';
          let unmodelledModule = false; // its own options need no second warning
          const a = r.args;
          for (let k = 0; k < a.length; k++) {
            let neg = false;
            if (a[k] === '!') {
              neg = true;
              k++;
            }
            // A trailing "!" negates nothing: the rule ends there.
            if (k >= a.length) break;
            const opt = a[k]!;
            const val = a[k + 1] ?? '';
            const take = () => k++;
            if (opt === '-p' || opt === '--protocol') {
              take();
              const p = parseProtocol(val);
              if (!p) {
                warn(r.line, r.text, `unknown protocol ${val}`);
                opaque = true;
              } else dims.proto = neg ? complement([p], { lo: 0n, hi: 255n }) : [p];
            } else if (opt === '-s' || opt === '--source' || opt === '-d' || opt === '--destination') {
              take();
              const ranges = val.split(',').map((v) => parsePrefix(v, family)?.range);
              if (ranges.some((x) => !x)) {
                warn(r.line, r.text, `unreadable address ${val}`);
                opaque = true;
              } else {
                const list = neg ? complement(ranges as Interval[], anyAddress(family)) : (ranges as Interval[]);
                if (opt.startsWith('-s') || opt === '--source') dims.src = list;
                else dims.dst = list;
              }
            } else if (SOURCE_PORT.has(opt) || DEST_PORT.has(opt)) {
              take();
              const list = ports(val, neg);
              if (!list) {
                warn(r.line, r.text, `unreadable ports ${val}`);
                opaque = true;
              } else if (SOURCE_PORT.has(opt)) dims.sport = list;
              else dims.dport = list;
            } else if (opt === '-m' || opt === '--match') {
              take();
              if (!['multiport', 'state', 'conntrack', 'comment', 'tcp', 'udp', 'icmp'].includes(val)) {
                opaque = true;
                unmodelledModule = true;
                warn(r.line, r.text, `match module "${val}" is not modelled; the rule is treated as matching at most its other conditions`);
              }
            } else if (opt === '--state' || opt === '--ctstate') {
              take();
              const states = val.toUpperCase().split(',');
              if (neg) opaque = true;
              else if (states.every((s) => s === 'ESTABLISHED' || s === 'RELATED')) dims.state = [ESTABLISHED];
              else if (!states.includes('NEW')) opaque = true;
            } else if (opt === '--comment') {
              take();
              comment = val;
            } else if (opt === '-j' || opt === '--jump' || opt === '-g' || opt === '--goto') {
              take();
              target = val;
            } else if (opt === '-i' || opt === '--in-interface' || opt === '-o' || opt === '--out-interface') {
              take();
              opaque = true; // interface-specific: matches only part of the traffic
            } else if (opt === '--icmp-type' || opt === '--icmpv6-type' || opt === '--tcp-flags' || opt === '--syn') {
              if (opt !== '--syn') take();
              if (opt === '--tcp-flags') take();
              opaque = true;
            } else if (opt.startsWith('-')) {
              opaque = true;
              if (a[k + 1] && !a[k + 1]!.startsWith('-')) take();
              if (!unmodelledModule) warn(r.line, r.text, `option ${opt} is not modelled; the rule is treated as matching at most its other conditions`);
            }
          }
          // Every dimension set above holds a list (none is set to undefined): a plain spread.
          const merged: RuleDims = { ...inherited, ...dims };
          if (!target) continue; // counts or comments only
          const action = TERMINAL[target];
          const tags = tagsIn(comment);
          if (action) {
            // A user chain is how generators (aerleon, Shorewall) name a policy term.
            const name = withoutTags(comment) || (stack.length > 1 ? stack[stack.length - 1]! : `${chain} rule ${position + 1}`);
            b.add({ line: r.line, name, text: r.text.trim(), action, opaque, comment: comment || null, ...tags }, merged);
          } else if (target === 'RETURN') {
            if (!opaque && Object.keys(dims).length === 0) return; // unconditional: back to the caller
            warn(r.line, r.text, 'a conditional RETURN is not modelled; later rules of this chain are analysed as reachable');
          } else if (chains.has(target)) {
            if (stack.includes(target)) warn(r.line, r.text, `jump loop to ${target}`);
            else walk(target, [...stack, target], { ...merged, opaque });
          } else if (!['LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'TRACE', 'CT'].includes(target)) {
            warn(r.line, r.text, `target ${target} is not modelled`);
          }
        }
      };
      walk(chain, [chain], { opaque: false });
      const localEnd = chain === 'INPUT' ? 'dst' : chain === 'OUTPUT' ? 'src' : undefined;
      result.push(b.build(policy === 'ACCEPT' ? 'permit' : 'deny', 'chain_policy', 'packet_filter', localEnd));
    }
    return { syntax: 'iptables', policies: result, warnings };
  };
  return { line, finish, setFamily: (f) => (family = f) };
}

/**
 * Reads `iptables -nvL` (or `-nL`) listings: each row becomes the iptables-save rule it lists, at
 * the same line, and goes through the same parser.
 */
export function parseIptablesList(text: string, file: string): ParsedRuleSet {
  const convert = listLineConverter();
  const out = text.split(/\r?\n/).map(convert);
  const family: 4 | 6 = /\s::\/0\s/.test(text) ? 6 : 4;
  return { ...parseIptablesSave(out.join('\n'), file, family, true), syntax: 'iptables-list' };
}

/** Turns listing rows into iptables-save lines one at a time (it remembers the chain and the column layout). */
function listLineConverter(): (raw: string) => string {
  let chain: string | null = null;
  let verbose = false;
  return (raw) => {
    const head = /^Chain (\S+) \((?:policy (\S+)|\d+ references)/.exec(raw);
    if (head) {
      chain = head[1]!;
      return head[2] ? `:${chain} ${head[2]} [0:0]` : `-N ${chain}`;
    }
    if (/^\s*(?:pkts\s+bytes\s+)?target\s+prot\s+opt/.test(raw)) {
      verbose = /pkts/.test(raw);
      return '';
    }
    const t = raw.trim().split(/\s+/);
    if (!chain || t.length < (verbose ? 8 : 5)) return '';
    const [target, prot, , ...rest] = verbose ? t.slice(2) : t;
    const [inIf, outIf, src, dst, ...extra] = verbose ? rest : ['*', '*', ...rest];
    const args = [`-A ${chain}`, `-p ${prot}`];
    const neg = (v: string) => (v.startsWith('!') ? `! ${v.slice(1)}` : v);
    if (src && !/^(0\.0\.0\.0|::)\/0$/.test(src)) args.push(`-s ${neg(src)}`);
    if (dst && !/^(0\.0\.0\.0|::)\/0$/.test(dst)) args.push(`-d ${neg(dst)}`);
    if (inIf && inIf !== '*') args.push(`-i ${inIf}`);
    if (outIf && outIf !== '*') args.push(`-o ${outIf}`);
    const x = extra.join(' ');
    const comment = /\/\* (.*?) \*\//.exec(x)?.[1];
    const body = x.replace(/\/\* .*? \*\//, '');
    for (const m of body.matchAll(/\b(spts?|dpts?):(!?)(\d+(?::\d+)?)/g))
      args.push(`${m[2] ? '! ' : ''}--${m[1]!.startsWith('s') ? 'sport' : 'dport'} ${m[3]}`);
    for (const m of body.matchAll(/multiport (s|d)ports (\S+)/g)) args.push(`-m multiport --${m[1]}ports ${m[2]}`);
    const state = /(?:ctstate|state) (\S+)/.exec(body);
    if (state) args.push(`-m state --state ${state[1]}`);
    if (/\blimit:|\brecent:|\bmac |\bowner |\bTTL|\bhashlimit/.test(body)) args.push('-m unmodelled');
    if (comment) args.push(`-m comment --comment "${comment}"`);
    args.push(`-j ${target}`);
    return args.join(' ');
  };
}
