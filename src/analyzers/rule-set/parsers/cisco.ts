import {
  ANY_PORT,
  ANY_PROTO,
  ESTABLISHED,
  addressWithMask,
  anyAddress,
  complement,
  parseIPv4,
  parsePort,
  parsePrefix,
  parseProtocol,
  type Action,
  type Interval,
  type ParsedRuleSet,
  type ParseWarning,
  type Policy,
} from '../rule-model.js';
import {
  append,
  type LineReader,
  PolicyBuilder,
  readLines,
  readText,
  type RuleDims,
  tagsIn,
  tokenize,
  type Warn,
  warner,
  withoutTags,
} from './policy-builder.js';

/** A service object: protocols with their destination (and source) ports. */
interface Service {
  proto: Interval;
  sport: Interval[];
  dport: Interval[];
}

interface Objects {
  network: Map<string, Interval[] | undefined>;
  service: Map<string, Service[] | undefined>;
}

interface Acl {
  name: string;
  family: 4 | 6;
  standard: boolean;
  entries: { line: number; text: string; tokens: string[]; remark: string | null }[];
}

const FAMILY_BY_KEYWORD = (word: string): 4 | 6 => (word === 'ipv6' ? 6 : 4);

/**
 * ASA and FortiOS write netmasks (255.255.255.0), IOS wildcards (0.0.0.255). A mask's own shape
 * decides; only 0.0.0.0 and 255.255.255.255, which read both ways, follow the syntax.
 */
function maskKind(mask: string, asa: boolean): 'netmask' | 'wildcard' {
  if (mask === '0.0.0.0' || mask === '255.255.255.255') return asa ? 'netmask' : 'wildcard';
  const m = parseIPv4(mask);
  // Not an address at all: addressWithMask refuses it and the parser warns.
  if (m === null) return 'wildcard';
  const inverted = ~m & 0xffffffffn;
  return ((inverted + 1n) & inverted) === 0n ? 'netmask' : 'wildcard';
}

/** Reads the address at `t[i]`: any, any4, any6, host A, A/len, A wildcard|netmask, object-group N, object N. */
function readAddress(
  t: string[],
  i: number,
  family: 4 | 6,
  asa: boolean,
  objects: Objects,
  warn: () => void,
): { ranges: Interval[]; next: number; opaque: boolean } | null {
  const w = t[i];
  if (w === undefined) return null;
  if (w === 'any' || w === 'any4' || w === 'any6') return { ranges: [anyAddress(w === 'any6' ? 6 : family)], next: i + 1, opaque: false };
  if (w === 'host') {
    const p = parsePrefix(t[i + 1] ?? '', family);
    return p ? { ranges: [p.range], next: i + 2, opaque: false } : null;
  }
  if (w === 'object-group' || w === 'object' || w === 'addrgroup') {
    const name = t[i + 1] ?? '';
    if (!objects.network.has(name)) {
      warn();
      return { ranges: [anyAddress(family)], next: i + 2, opaque: true };
    }
    const ranges = objects.network.get(name);
    return { ranges: ranges ?? [anyAddress(family)], next: i + 2, opaque: ranges === undefined };
  }
  if (w.includes('/')) {
    const p = parsePrefix(w, family);
    return p ? { ranges: [p.range], next: i + 1, opaque: false } : null;
  }
  if (parseIPv4(w) !== null) {
    const mask = t[i + 1];
    if (mask && parseIPv4(mask) !== null) {
      const r = addressWithMask(w, mask, maskKind(mask, asa));
      return r ? { ranges: [r], next: i + 2, opaque: false } : null;
    }
    return { ranges: [parsePrefix(w, 4)!.range], next: i + 1, opaque: false }; // standard ACL host
  }
  return null;
}

/** Reads a port operator: eq P [P…], neq P, lt P, gt P, range A B, object-group S. */
function readPorts(t: string[], i: number): { ports: Interval[]; next: number } | null {
  const op = t[i];
  const num = (k: number) => parsePort(t[k] ?? '');
  if (op === 'eq') {
    const ports: Interval[] = [];
    let k = i + 1;
    for (let p = num(k); p !== null; p = num(++k)) ports.push({ lo: BigInt(p), hi: BigInt(p) });
    return ports.length ? { ports, next: k } : null;
  }
  if (op === 'neq' || op === 'lt' || op === 'gt') {
    const p = num(i + 1);
    if (p === null) return null;
    const b = BigInt(p);
    const ports =
      op === 'neq'
        ? complement([{ lo: b, hi: b }], ANY_PORT)
        : op === 'lt'
          ? b > 0n
            ? [{ lo: 0n, hi: b - 1n }]
            : []
          : b < 65535n
            ? [{ lo: b + 1n, hi: 65535n }]
            : [];
    return { ports, next: i + 2 };
  }
  if (op === 'range') {
    const a = num(i + 1);
    const b = num(i + 2);
    return a !== null && b !== null && a <= b ? { ports: [{ lo: BigInt(a), hi: BigInt(b) }], next: i + 3 } : null;
  }
  return null;
}

/** Object groups and objects, read line by line in the same pass as the access lists. */
function objectsReader(warn: Warn): LineReader<Objects> {
  const objects: Objects = { network: new Map(), service: new Map() };
  const groupRefs = new Map<string, string[]>();
  let current: { kind: 'network' | 'service'; name: string; proto: string | null } | null = null;
  const line = (raw: string, idx: number): void => {
    const t = tokenize(raw);
    const indented = /^\s/.test(raw);
    if (!indented) {
      current = null;
      // object-group network N | object-group service N [tcp|udp|tcp-udp] | object network N | object service N
      if ((t[0] === 'object-group' || t[0] === 'object') && (t[1] === 'network' || t[1] === 'service' || t[1] === 'ip')) {
        const kind = t[1] === 'service' ? 'service' : 'network';
        current = { kind, name: t[2] ?? '', proto: t[3] ?? null };
        if (kind === 'network') objects.network.set(current.name, []);
        else objects.service.set(current.name, []);
      } else if (t[0] === 'object-group' && t[1] === 'group' && t[2] === 'network') {
        current = { kind: 'network', name: t[3] ?? '', proto: null };
        objects.network.set(current.name, []);
      }
      return;
    }
    if (!current) return;
    const cur = current;
    if (t[0] === 'description') return;
    if (cur.kind === 'network') {
      const list = objects.network.get(cur.name);
      // A member that cannot be modelled (fqdn) made the group opaque: later members change nothing.
      if (!list) return;
      const w = t[0] === 'network-object' ? t.slice(1) : t;
      if (w[0] === 'group-object' || t[0] === 'group-object') {
        groupRefs.set(cur.name, [...(groupRefs.get(cur.name) ?? []), w[1] ?? t[1]!]);
      } else if (w[0] === 'object') {
        groupRefs.set(cur.name, [...(groupRefs.get(cur.name) ?? []), w[1]!]);
      } else if (w[0] === 'host') {
        const p = parsePrefix(w[1] ?? '');
        if (p) list.push(p.range);
        else warn(idx + 1, raw, 'unreadable host');
      } else if (w[0] === 'subnet' || (w[0] && parseIPv4(w[0]) !== null)) {
        const [a, m] = w[0] === 'subnet' ? [w[1], w[2]] : [w[0], w[1]];
        const r = m ? addressWithMask(a!, m, maskKind(m, true)) : parsePrefix(a!)?.range;
        if (r) list.push(r);
        else warn(idx + 1, raw, 'unreadable network');
      } else if (w[0] === 'range') {
        const a = parsePrefix(w[1] ?? '');
        const b = parsePrefix(w[2] ?? '');
        if (a && b) list.push({ lo: a.range.lo, hi: b.range.hi });
      } else if (w[0] && w[0].includes('/')) {
        const p = parsePrefix(w[0]);
        if (p) list.push(p.range);
      } else {
        objects.network.set(cur.name, undefined); // fqdn and the like: cannot be resolved
        warn(idx + 1, raw, 'network object not modelled (e.g. fqdn); rules using it are treated as opaque');
      }
    } else {
      const list = objects.service.get(cur.name);
      if (!list) return;
      // port-object eq 80 | service-object tcp destination eq 80 | service tcp destination eq 80 | tcp eq 80 (IOS)
      let k = 0;
      let proto = cur.proto;
      if (t[0] === 'port-object') k = 1;
      else if (t[0] === 'service-object' || t[0] === 'service') {
        proto = t[1] ?? null;
        k = 2;
      } else if (t[0] === 'group-object') {
        groupRefs.set(`svc:${cur.name}`, [...(groupRefs.get(`svc:${cur.name}`) ?? []), t[1]!]);
        return;
      } else {
        proto = t[0] ?? null;
        k = 1;
      }
      const protos = proto === 'tcp-udp' ? ['tcp', 'udp'] : [proto ?? 'ip'];
      let sport: Interval[] = [ANY_PORT];
      let dport: Interval[] = [ANY_PORT];
      while (k < t.length) {
        const which = t[k] === 'source' ? 'src' : 'dst';
        if (t[k] === 'source' || t[k] === 'destination') k++;
        const p = readPorts(t, k);
        if (!p) break;
        if (which === 'src') sport = p.ports;
        else dport = p.ports;
        k = p.next;
      }
      for (const pr of protos) {
        const pi = parseProtocol(pr);
        if (pi) list.push({ proto: pi, sport, dport });
        else warn(idx + 1, raw, `unknown protocol ${pr}`);
      }
    }
  };
  const finish = (): Objects => {
    // Nested groups, resolved after all are read (an undefined reference makes the group opaque).
    const resolve = (name: string, seen: Set<string>): Interval[] | undefined => {
      const own = objects.network.get(name);
      if (own === undefined) return undefined;
      const refs = groupRefs.get(name) ?? [];
      const out = [...own];
      for (const r of refs) {
        if (seen.has(r) || !objects.network.has(r)) return undefined;
        const sub = resolve(r, new Set([...seen, r]));
        if (sub === undefined) return undefined;
        append(out, sub);
      }
      return out;
    };
    for (const name of [...objects.network.keys()]) objects.network.set(name, resolve(name, new Set([name])));
    for (const [key, refs] of groupRefs) {
      if (!key.startsWith('svc:')) continue;
      const list = objects.service.get(key.slice(4));
      for (const r of refs) {
        const sub = objects.service.get(r);
        if (!list) break;
        if (sub === undefined) objects.service.set(key.slice(4), undefined);
        else append(list, sub);
      }
    }
    return objects;
  };
  return { line, finish };
}

/**
 * Reads Cisco IOS, IOS XE, NX-OS and ASA access lists: named (`ip access-list extended N`,
 * `ipv6 access-list N`) and numbered (`access-list 101 …`, ASA `access-list N extended …`),
 * with object groups. ACLs referenced only by route-maps are route filters, not packet filters.
 */
export function parseCiscoAcl(text: string, file: string): ParsedRuleSet {
  return readText(ciscoReader(file), text);
}

/** The same, streamed: a configuration of any size is read line by line, never held whole. */
export async function parseCiscoAclLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  return readLines(ciscoReader(file), lines);
}

function ciscoReader(file: string): LineReader<ParsedRuleSet> {
  const warnings: ParseWarning[] = [];
  const warn = warner(file, warnings);
  // ASA prints netmasks where IOS prints wildcards: any line that only an ASA writes decides.
  let asa = false;
  const objectLines = objectsReader(warn);
  const acls = new Map<string, Acl>();
  const routeMapRefs = new Set<string>();
  const packetRefs = new Set<string>();
  let open: Acl | null = null;
  let remark: string | null = null;
  let lastAcl: Acl | null = null;

  const line = (raw: string, idx: number): void => {
    objectLines.line(raw, idx);
    if (
      !asa &&
      (/^\s*(?:ASA|PIX) Version|^\s*access-group \S+ (?:in|out) interface/.test(raw) ||
        /access-list \S+ extended .* (?:host \S+ eq|\d+\.\d+\.\d+\.\d+ 255\.)/.test(raw))
    )
      asa = true;
    const n = idx + 1;
    const t = tokenize(raw.replace(/!.*$/, ''));
    if (t.length === 0) {
      // A blank line ends a block of remarks: the next remark names the next term.
      (open ?? lastAcl)?.entries.push({ line: n, text: '', tokens: ['!separator'], remark: null });
      return;
    }
    const indented = /^\s/.test(raw);
    if (!indented) open = null;
    if ((t[0] === 'ip' || t[0] === 'ipv6') && t[1] === 'access-list') {
      // ip access-list extended|standard NAME  |  ipv6 access-list NAME  |  NX-OS: ip access-list NAME
      const std = t[2] === 'standard';
      const name = t[2] === 'extended' || t[2] === 'standard' ? t[3]! : t[2]!;
      open = acls.get(name) ?? { name, family: FAMILY_BY_KEYWORD(t[0]), standard: std, entries: [] };
      acls.set(name, open);
      lastAcl = open;
      remark = null;
      return;
    }
    if (t[0] === 'no') return;
    if ((t[0] === 'match' && t[1] === 'ip' && t[2] === 'address') || (t[0] === 'match' && t[1] === 'ipv6' && t[2] === 'address')) {
      for (const name of t.slice(3).filter((x) => x !== 'prefix-list')) routeMapRefs.add(name);
      return;
    }
    if ((t[0] === 'ip' || t[0] === 'ipv6') && (t[1] === 'access-group' || t[1] === 'traffic-filter')) {
      packetRefs.add(t[2]!);
      return;
    }
    if (t[0] === 'access-group') {
      packetRefs.add(t[1]!);
      return;
    }
    if (t[0] === 'access-list') {
      // access-list NAME [line N] [extended|standard|remark] …  |  access-list 101 permit …
      let k = 2;
      if (t[k] === 'line') k += 2;
      const name = t[1]!;
      const num = /^\d+$/.test(name) ? Number(name) : null;
      let standard = num !== null && (num < 100 || (num >= 1300 && num < 2000));
      if (t[k] === 'extended') k++;
      else if (t[k] === 'standard') {
        standard = true;
        k++;
      } else if (t[k] === 'webtype' || t[k] === 'ethertype') return;
      const acl = acls.get(name) ?? { name, family: 4, standard, entries: [] };
      acls.set(name, acl);
      lastAcl = acl;
      if (k >= t.length) {
        open = acl; // `access-list N extended` on its own line: entries follow, indented
        return;
      }
      acl.entries.push({ line: n, text: raw, tokens: t.slice(k), remark: null });
      return;
    }
    if (open && indented) {
      const cur = open;
      const body = /^\d+$/.test(t[0]!) ? t.slice(1) : t; // sequence numbers
      cur.entries.push({ line: n, text: raw, tokens: body, remark: null });
    }
  };

  const finish = (): ParsedRuleSet => {
    const objects = objectLines.finish();
    const policies: Policy[] = [];
    for (const acl of acls.values()) {
      const b = new PolicyBuilder(acl.name, file, acl.family, asa ? 'cisco-asa' : 'cisco-ios');
      remark = null;
      let comment: string | null = null;
      let inRemarks = false;
      for (const e of acl.entries) {
        const t = e.tokens;
        if (t[0] === '!separator') {
          inRemarks = false;
          continue;
        }
        // The first remark of a block names the term (as generators write it); the rest describe it.
        if (t[0] === 'remark') {
          const text = t.slice(1).join(' ');
          if (!inRemarks) {
            remark = withoutTags(text) || text;
            comment = text === remark ? null : text;
          } else comment = comment ? `${comment} ${text}` : text;
          inRemarks = true;
          continue;
        }
        inRemarks = false;
        if (t[0] !== 'permit' && t[0] !== 'deny') {
          if (t[0] !== 'statistics' && t[0] !== 'fragments') warn(e.line, e.text, `not an ACL entry: ${t[0]}`);
          continue;
        }
        const action: Action = t[0];
        let opaque = false;
        const undefinedRef = () => {
          opaque = true;
          warn(e.line, e.text, 'refers to an object that is not defined; the rule is treated as opaque');
        };
        const dims: RuleDims = {};
        let k = 1;
        if (acl.standard) {
          const a = readAddress(t, k, acl.family, asa, objects, undefinedRef);
          if (!a) {
            warn(e.line, e.text, 'unreadable source address');
            continue;
          }
          dims.src = a.ranges;
          opaque ||= a.opaque;
          k = a.next;
        } else {
          // An extended entry that ends after its action has no protocol: unreadable, not a crash.
          if (t[k] === undefined) {
            warn(e.line, e.text, 'no protocol after the action; the entry is skipped');
            continue;
          }
          const protoWord = t[k]!;
          let services: Service[] | null = null;
          if (protoWord === 'object-group' || protoWord === 'object') {
            const svc = objects.service.get(t[k + 1]!);
            if (!objects.service.has(t[k + 1]!)) undefinedRef();
            else if (svc === undefined) opaque = true;
            else services = svc;
            k += 2;
          } else {
            const p = parseProtocol(protoWord);
            if (!p) {
              warn(e.line, e.text, `unknown protocol ${protoWord}; the rule is treated as opaque`);
              opaque = true;
            } else dims.proto = [p];
            k++;
          }
          // Each end: an address, then optionally its port operator.
          const readEnd = (end: 'source' | 'destination'): boolean => {
            const a = readAddress(t, k, acl.family, asa, objects, undefinedRef);
            if (!a) {
              warn(e.line, e.text, `unreadable ${end} address`);
              return false;
            }
            if (end === 'source') dims.src = a.ranges;
            else dims.dst = a.ranges;
            opaque ||= a.opaque;
            k = a.next;
            const p = readPorts(t, k);
            if (p) {
              if (end === 'source') dims.sport = p.ports;
              else dims.dport = p.ports;
              k = p.next;
            }
            return true;
          };
          if (!readEnd('source') || !readEnd('destination')) continue;
          if (!dims.dport && t[k] === 'object-group') {
            const svc = objects.service.get(t[k + 1]!);
            if (svc) dims.dport = svc.flatMap((s) => s.dport);
            else opaque = true;
            k += 2;
          }
          let disabled = false;
          for (; k < t.length; k++) {
            const w = t[k]!;
            if (w === 'established') dims.state = [ESTABLISHED];
            else if (w === 'inactive') disabled = true;
            else if (
              w === 'log' ||
              w === 'log-input' ||
              w === 'interval' ||
              /^\d+$/.test(w) ||
              w === 'disable' ||
              w === 'default' ||
              w === 'notifications' ||
              w === 'informational' ||
              w === 'debugging' ||
              w === 'warnings'
            )
              continue;
            else if (
              w === 'time-range' ||
              w === 'fragments' ||
              w === 'dscp' ||
              w === 'precedence' ||
              w === 'tos' ||
              w === 'ttl' ||
              w === 'echo' ||
              w === 'echo-reply' ||
              w === 'unreachable' ||
              w === 'time-exceeded'
            ) {
              opaque = true; // narrows the match in a way the boxes do not model
              if (w === 'time-range' || w === 'dscp' || w === 'precedence' || w === 'tos' || w === 'ttl') k++;
            } else {
              opaque = true;
              warn(e.line, e.text, `keyword ${w} is not modelled; the rule is treated as opaque`);
            }
          }
          const tags = tagsIn(`${remark ?? ''} ${comment ?? ''}`);
          const meta = { line: e.line, name: remark ?? `${acl.name}#${b.size + 1}`, text: e.text.trim(), action, opaque, disabled, comment, ...tags };
          if (services) {
            for (const s of services) b.add(meta, { ...dims, proto: [s.proto], sport: s.sport, dport: s.dport });
            if (services.length === 0) warn(e.line, e.text, 'empty service group: the rule matches nothing');
          } else b.add(meta, dims);
          continue;
        }
        b.add(
          {
            line: e.line,
            name: remark ?? `${acl.name}#${b.size + 1}`,
            text: e.text.trim(),
            action,
            opaque,
            comment,
            ...tagsIn(`${remark ?? ''} ${comment ?? ''}`),
          },
          { ...dims, proto: [ANY_PROTO] },
        );
      }
      // Every Cisco ACL ends in an implicit deny.
      const routeOnly = routeMapRefs.has(acl.name) && !packetRefs.has(acl.name);
      policies.push(b.build('deny', 'implicit', routeOnly ? 'route_filter' : 'packet_filter'));
    }
    return { syntax: asa ? 'cisco-asa' : 'cisco-ios', policies, warnings };
  };
  return { line, finish };
}
