import { ANY_PORT, ANY_PROTO, addressWithMask, anyAddress, parsePrefix, type Interval, type ParsedRuleSet, type ParseWarning } from '../rule-model.js';
import { append, type LineReader, policiesByZonePair, readLines, readText, type RuleDims, tagsIn, tokenize, warner, type ZonedRule } from './policy-builder.js';

interface Entry {
  readonly name: string;
  readonly line: number;
  readonly settings: Map<string, { values: string[]; line: number }>;
}

type Service = { proto: Interval; sport: Interval[]; dport: Interval[] };
const tcp = { lo: 6n, hi: 6n };
const udp = { lo: 17n, hi: 17n };
const icmp = { lo: 1n, hi: 1n };
const port = (p: number, q = p): Interval[] => [{ lo: BigInt(p), hi: BigInt(q) }];

/** FortiOS predefined services (the common ones); anything else must be defined in the file. */
const PREDEFINED: Record<string, Service[]> = {
  ALL: [{ proto: ANY_PROTO, sport: [ANY_PORT], dport: [ANY_PORT] }],
  ALL_TCP: [{ proto: tcp, sport: [ANY_PORT], dport: [ANY_PORT] }],
  ALL_UDP: [{ proto: udp, sport: [ANY_PORT], dport: [ANY_PORT] }],
  ALL_ICMP: [{ proto: icmp, sport: [ANY_PORT], dport: [ANY_PORT] }],
  PING: [{ proto: icmp, sport: [ANY_PORT], dport: [ANY_PORT] }],
  HTTP: [{ proto: tcp, sport: [ANY_PORT], dport: port(80) }],
  HTTPS: [{ proto: tcp, sport: [ANY_PORT], dport: port(443) }],
  SSH: [{ proto: tcp, sport: [ANY_PORT], dport: port(22) }],
  TELNET: [{ proto: tcp, sport: [ANY_PORT], dport: port(23) }],
  FTP: [{ proto: tcp, sport: [ANY_PORT], dport: port(21) }],
  SMTP: [{ proto: tcp, sport: [ANY_PORT], dport: port(25) }],
  DNS: [
    { proto: tcp, sport: [ANY_PORT], dport: port(53) },
    { proto: udp, sport: [ANY_PORT], dport: port(53) },
  ],
  NTP: [
    { proto: tcp, sport: [ANY_PORT], dport: port(123) },
    { proto: udp, sport: [ANY_PORT], dport: port(123) },
  ],
  SNMP: [{ proto: udp, sport: [ANY_PORT], dport: port(161, 162) }],
  SYSLOG: [{ proto: udp, sport: [ANY_PORT], dport: port(514) }],
  RDP: [{ proto: tcp, sport: [ANY_PORT], dport: port(3389) }],
  SMB: [{ proto: tcp, sport: [ANY_PORT], dport: port(445) }],
  MYSQL: [{ proto: tcp, sport: [ANY_PORT], dport: port(3306) }],
  'MS-SQL': [{ proto: tcp, sport: [ANY_PORT], dport: port(1433, 1434) }],
  LDAP: [{ proto: tcp, sport: [ANY_PORT], dport: port(389) }],
  IMAP: [{ proto: tcp, sport: [ANY_PORT], dport: port(143) }],
  POP3: [{ proto: tcp, sport: [ANY_PORT], dport: port(110) }],
};

/** Reads `config … / edit … / set … / next / end` blocks line by line; `append` adds to a setting. */
function sectionReader(): LineReader<Map<string, Entry[]>> {
  const sections = new Map<string, Entry[]>();
  const path: string[] = [];
  let entry: { name: string; line: number; settings: Map<string, { values: string[]; line: number }> } | null = null;
  const line = (raw: string, i: number): void => {
    const t = tokenize(raw.trim());
    if (t.length === 0 || t[0]!.startsWith('#')) return;
    const n = i + 1;
    if (t[0] === 'config') path.push(t.slice(1).join(' '));
    else if (t[0] === 'end') path.pop();
    else if (t[0] === 'edit') {
      entry = { name: t[1] ?? '', line: n, settings: new Map() };
      const key = path.join(' / ');
      sections.set(key, [...(sections.get(key) ?? []), entry]);
    } else if (t[0] === 'next') entry = null;
    else if ((t[0] === 'set' || t[0] === 'append') && entry) {
      const e = entry as { settings: Map<string, { values: string[]; line: number }> };
      const prev = e.settings.get(t[1]!);
      e.settings.set(t[1]!, { values: t[0] === 'append' && prev ? [...prev.values, ...t.slice(2)] : t.slice(2), line: n });
    } else if (t[0] === 'unset' && entry) (entry as { settings: Map<string, unknown> }).settings.delete(t[1]!);
  };
  return { line, finish: () => sections };
}

/**
 * Reads FortiOS `config firewall policy` with its addresses, address groups, custom services and
 * service groups. Policies apply per interface (or zone) pair, in the order written; everything
 * else meets the implicit deny.
 */
export function parseFortiOs(text: string, file: string): ParsedRuleSet {
  return fromSections(readText(sectionReader(), text), file);
}

/** The same, streamed line by line. */
export async function parseFortiOsLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  return fromSections(await readLines(sectionReader(), lines), file);
}

function fromSections(sections: Map<string, Entry[]>, file: string): ParsedRuleSet {
  const warnings: ParseWarning[] = [];
  const warn = warner(file, warnings);
  const get = (s: string) => sections.get(s) ?? [];
  const addresses = new Map<string, Interval[] | null>([['all', [anyAddress(4)]]]);
  for (const e of get('firewall address')) {
    const s = e.settings;
    const type = s.get('type')?.values[0] ?? 'ipmask';
    if (type === 'iprange') {
      const a = parsePrefix(s.get('start-ip')?.values[0] ?? '');
      const b = parsePrefix(s.get('end-ip')?.values[0] ?? '');
      addresses.set(e.name, a && b ? [{ lo: a.range.lo, hi: b.range.hi }] : null);
    } else if (type === 'ipmask') {
      const subnet = s.get('subnet')?.values ?? [];
      const r =
        subnet.length === 2
          ? addressWithMask(subnet[0]!, subnet[1]!, 'netmask')
          : subnet.length === 1
            ? (parsePrefix(subnet[0]!)?.range ?? null)
            : anyAddress(4);
      addresses.set(e.name, r ? [r] : null);
    } else addresses.set(e.name, null); // fqdn, geography, dynamic: not resolvable here
  }
  const groups = get('firewall addrgrp');
  const resolveAddr = (name: string, seen = new Set<string>()): Interval[] | null | undefined => {
    if (addresses.has(name)) return addresses.get(name);
    const g = groups.find((x) => x.name === name);
    if (!g || seen.has(name)) return undefined;
    const out: Interval[] = [];
    for (const m of g.settings.get('member')?.values ?? []) {
      const r = resolveAddr(m, new Set([...seen, name]));
      if (!r) return r;
      append(out, r);
    }
    return out;
  };
  const services = new Map<string, Service[] | null>(Object.entries(PREDEFINED));
  for (const e of get('firewall service custom')) {
    const out: Service[] = [];
    let unreadable = false;
    const proto = (e.settings.get('protocol')?.values[0] ?? 'TCP/UDP/SCTP').toUpperCase();
    if (proto === 'IP') {
      const n = Number(e.settings.get('protocol-number')?.values[0] ?? 0);
      out.push({ proto: n ? { lo: BigInt(n), hi: BigInt(n) } : ANY_PROTO, sport: [ANY_PORT], dport: [ANY_PORT] });
    } else if (proto.startsWith('ICMP')) out.push({ proto: icmp, sport: [ANY_PORT], dport: [ANY_PORT] });
    for (const [key, p] of [
      ['tcp-portrange', tcp],
      ['udp-portrange', udp],
    ] as const) {
      for (const spec of e.settings.get(key)?.values ?? []) {
        // dst[-dsthigh][:src[-srchigh]]; a reversed range (12-11 written 12:11 is src) is read as written
        const [dst, src] = spec.split(':');
        const range = (v: string | undefined): Interval[] | null => {
          if (!v) return [ANY_PORT];
          const [a, b] = v.split('-').map(Number);
          // A port that is not a number 0–65535 makes the service unreadable (opaque), not a crash.
          const ok = (x: number | undefined) => x !== undefined && Number.isInteger(x) && x >= 0 && x <= 65535;
          if (!ok(a) || (b !== undefined && !ok(b))) return null;
          return [{ lo: BigInt(Math.min(a!, b ?? a!)), hi: BigInt(Math.max(a!, b ?? a!)) }];
        };
        const dport = range(dst);
        const sport = range(src);
        if (!dport || !sport) {
          unreadable = true;
          continue;
        }
        out.push({ proto: p, dport, sport });
      }
    }
    services.set(e.name, out.length && !unreadable ? out : null);
  }
  for (const g of get('firewall service group')) {
    const members = (g.settings.get('member')?.values ?? []).map((m) => services.get(m));
    services.set(g.name, members.some((m) => !m) ? null : members.flatMap((m) => m!));
  }
  const zones = [...get('system zone').map((z) => z.name), ...get('system interface').map((z) => z.name)];

  const zoned: ZonedRule[] = [];
  for (const p of get('firewall policy')) {
    const s = p.settings;
    const line = s.get('srcaddr')?.line ?? p.line;
    const name = s.get('name')?.values.join(' ') || `policy ${p.name}`;
    let opaque = false;
    const addr = (key: string): Interval[] => {
      const out: Interval[] = [];
      for (const m of s.get(key)?.values ?? ['all']) {
        const r = resolveAddr(m);
        if (r === undefined) warn(s.get(key)?.line ?? p.line, m, `address ${m} is not defined; the policy is treated as opaque`);
        if (!r) opaque = true;
        else append(out, r);
      }
      return out.length ? out : [anyAddress(4)];
    };
    const src = addr('srcaddr');
    const dst = addr('dstaddr');
    if (s.get('srcaddr-negate')?.values[0] === 'enable' || s.get('dstaddr-negate')?.values[0] === 'enable') opaque = true;
    const svc: Service[] = [];
    for (const m of s.get('service')?.values ?? []) {
      const found = services.get(m);
      if (found === undefined) warn(s.get('service')!.line, m, `service ${m} is not defined; the policy is treated as opaque`);
      if (!found) opaque = true;
      else append(svc, found);
    }
    if ((s.get('schedule')?.values[0] ?? 'always') !== 'always') opaque = true;
    const action = s.get('action')?.values[0] === 'accept' ? 'permit' : 'deny'; // FortiOS: unset action is deny
    const comment = s.get('comments')?.values.join(' ') ?? null;
    const meta = {
      line,
      name,
      text: `edit ${p.name}`,
      action,
      opaque,
      disabled: s.get('status')?.values[0] === 'disable',
      comment,
      ...tagsIn(comment ?? ''),
    } as const;
    const from = s.get('srcintf')?.values ?? ['any'];
    const to = s.get('dstintf')?.values ?? ['any'];
    const list: Service[] = svc.length ? svc : [{ proto: ANY_PROTO, sport: [ANY_PORT], dport: [ANY_PORT] }];
    for (const x of list) {
      const dims: RuleDims = { proto: [x.proto], src, dst, sport: x.sport, dport: x.dport };
      zoned.push({ meta, dims, from, to });
    }
  }
  const policies = policiesByZonePair(zoned, zones, file, 'fortios', () => ({ action: 'deny', source: 'implicit' }));
  return { syntax: 'fortios', policies, warnings };
}
