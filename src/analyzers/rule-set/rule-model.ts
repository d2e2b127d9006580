import type { IsoDate } from '../../core/dates.js';

/** A closed interval of addresses, ports or protocol numbers. */
export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * What one rule matches, as a box: protocol × source × destination × source port × destination
 * port × connection state (0 = new, 1 = established). Rules with lists (several addresses, a
 * multiport) are expanded into one box each, keeping the line of the element they came from, so
 * the same policy in different syntaxes gives the same boxes.
 */
export interface Box {
  readonly proto: Interval;
  readonly src: Interval;
  readonly dst: Interval;
  readonly sport: Interval;
  readonly dport: Interval;
  readonly state: Interval;
}
export const DIMENSIONS = ['proto', 'src', 'dst', 'sport', 'dport', 'state'] as const;

export type Action = 'permit' | 'deny';

export interface NormalizedRule {
  readonly policy: string;
  /** Position in the policy (after expansion); the order the device evaluates. */
  readonly index: number;
  readonly file: string;
  readonly line: number;
  /** Term, remark, rule id or name: what a person calls the rule. */
  readonly name: string;
  readonly text: string;
  readonly action: Action;
  readonly family: 4 | 6;
  readonly box: Box;
  readonly disabled: boolean;
  /**
   * The rule has conditions ccheck does not model (an interface, a rate limit, a time range):
   * it matches at most its box. It can be found shadowed, but never shadows another rule.
   */
  readonly opaque: boolean;
  /**
   * Its lists multiplied past the expansion limit, so its box is their bounding range (and it is
   * opaque). Its protocol, ports and applications are still exact: only its addresses are not.
   */
  readonly approximated?: boolean;
  /** PAN-OS applications; `['any']` is an over-broad permit. */
  readonly applications: readonly string[] | null;
  readonly fromZone: string | null;
  readonly toZone: string | null;
  readonly owner: string | null;
  readonly reviewedOn: IsoDate | null;
  readonly comment: string | null;
}

export interface ParseWarning {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly message: string;
}

/** One ordered rule list: an ACL, a chain, a filter, a policy section. */
export interface Policy {
  readonly name: string;
  readonly file: string;
  readonly family: 4 | 6;
  readonly syntax: string;
  /** What happens to traffic no rule matches, and where that comes from. */
  readonly defaultAction: Action;
  readonly defaultSource: 'implicit' | 'explicit' | 'chain_policy';
  /** Route filters (ACLs used by route-maps) are not judged as packet filters. */
  readonly kind: 'packet_filter' | 'route_filter';
  /**
   * The end that is the device itself (iptables INPUT: the destination; OUTPUT: the source):
   * `any` there means "this host", not a broad range.
   */
  readonly localEnd?: 'src' | 'dst';
  readonly rules: readonly NormalizedRule[];
  /** What building the policy noticed, e.g. a rule whose lists multiply into too many boxes. */
  readonly warnings?: readonly ParseWarning[];
}

export interface ParsedRuleSet {
  readonly syntax: string;
  readonly policies: readonly Policy[];
  readonly warnings: readonly ParseWarning[];
}

export const ANY_PORT: Interval = { lo: 0n, hi: 65535n };
export const ANY_PROTO: Interval = { lo: 0n, hi: 255n };
export const ANY_STATE: Interval = { lo: 0n, hi: 1n };
export const ESTABLISHED: Interval = { lo: 1n, hi: 1n };
export const anyAddress = (family: 4 | 6): Interval => ({ lo: 0n, hi: family === 4 ? 0xffffffffn : (1n << 128n) - 1n });

export function parseIPv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

export function parseIPv6(text: string): bigint | null {
  let t = text.trim().toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(t) || !t.includes(':')) return null;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes its two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const n = parseIPv4(v4[1]!);
    if (n === null) return null;
    t = `${t.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const part = (s: string) => (s === '' ? [] : s.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? BigInt(`0x${h}`) : -1n)));
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? fill : 0).fill(0n), ...rest];
  if (groups.some((g) => g < 0n)) return null;
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** `10.0.0.0/8`, `2001:db8::/32`, a bare address (a host), or `any`. */
export function parsePrefix(text: string, family?: 4 | 6): { family: 4 | 6; range: Interval } | null {
  const t = text.trim();
  if (t === 'any' || t === '0.0.0.0/0') return { family: family ?? 4, range: anyAddress(family ?? 4) };
  if (t === '::/0' || t === 'any6' || t === 'any-ipv6') return { family: 6, range: anyAddress(6) };
  const [addr, lenText] = t.split('/') as [string, string | undefined];
  const v4 = parseIPv4(addr);
  const fam: 4 | 6 | null = v4 !== null ? 4 : parseIPv6(addr) !== null ? 6 : null;
  if (fam === null) return null;
  const bits = fam === 4 ? 32 : 128;
  const len = lenText === undefined ? bits : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > bits) return null;
  const base = (v4 ?? parseIPv6(addr))!;
  const hostBits = BigInt(bits - len);
  const lo = (base >> hostBits) << hostBits;
  return { family: fam, range: { lo, hi: lo + (1n << hostBits) - 1n } };
}

/** Cisco `address wildcard` (0.0.0.255) or ASA/FortiOS `address netmask` (255.255.255.0). */
export function addressWithMask(address: string, mask: string, kind: 'wildcard' | 'netmask'): Interval | null {
  const a = parseIPv4(address);
  let m = parseIPv4(mask);
  if (a === null || m === null) return null;
  if (kind === 'netmask') m = ~m & 0xffffffffn;
  // Only contiguous wildcards describe one interval; others are reported by the parser.
  if (((m + 1n) & m) !== 0n) return null;
  const lo = a & ~m & 0xffffffffn;
  return { lo, hi: lo | m };
}

/** The printable form of an interval, for findings: a prefix where it is one, else a range. */
export function formatAddress(r: Interval, family: 4 | 6): string {
  const bits = family === 4 ? 32 : 128;
  const size = r.hi - r.lo + 1n;
  const fmt = (n: bigint) => (family === 4 ? [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.') : formatIPv6(n));
  if (r.lo === 0n && r.hi === (1n << BigInt(bits)) - 1n) return 'any';
  if ((size & (size - 1n)) === 0n && r.lo % size === 0n) {
    const len = bits - (size.toString(2).length - 1);
    return len === bits ? fmt(r.lo) : `${fmt(r.lo)}/${len}`;
  }
  return `${fmt(r.lo)}-${fmt(r.hi)}`;
}

/** RFC 5952: lower case, the longest run of two or more zero groups written as `::`. */
export function formatIPv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

export function formatPorts(r: Interval): string {
  if (r.lo === 0n && r.hi === 65535n) return 'any';
  return r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`;
}

const PROTO_NAMES: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  ipinip: 4,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  ahp: 51,
  icmp6: 58,
  'ipv6-icmp': 58,
  icmpv6: 58,
  eigrp: 88,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  sctp: 132,
};

/** `tcp`, `6`, or `ip`/`all`/`any` for every protocol. */
export function parseProtocol(text: string): Interval | null {
  const t = text.trim().toLowerCase();
  if (t === 'ip' || t === 'all' || t === 'any' || t === 'ipv6') return ANY_PROTO;
  const n = PROTO_NAMES[t] ?? (/^\d+$/.test(t) ? Number(t) : null);
  if (n === null || n > 255) return null;
  return { lo: BigInt(n), hi: BigInt(n) };
}

export function protocolName(r: Interval): string {
  if (r.lo === 0n && r.hi === 255n) return 'ip';
  const name = Object.entries(PROTO_NAMES).find(([, n]) => BigInt(n) === r.lo)?.[0];
  return r.lo === r.hi ? (name ?? String(r.lo)) : `${r.lo}-${r.hi}`;
}

const PORT_NAMES: Record<string, number> = {
  echo: 7,
  discard: 9,
  daytime: 13,
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  time: 37,
  tacacs: 49,
  domain: 53,
  dns: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  gopher: 70,
  finger: 79,
  www: 80,
  http: 80,
  kerberos: 88,
  pop2: 109,
  pop3: 110,
  sunrpc: 111,
  ident: 113,
  nntp: 119,
  ntp: 123,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  imap4: 143,
  imap: 143,
  snmp: 161,
  snmptrap: 162,
  bgp: 179,
  irc: 194,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  smb: 445,
  isakmp: 500,
  exec: 512,
  biff: 512,
  login: 513,
  cmd: 514,
  rsh: 514,
  syslog: 514,
  lpd: 515,
  talk: 517,
  rip: 520,
  uucp: 540,
  klogin: 543,
  kshell: 544,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  sqlnet: 1521,
  h323: 1720,
  nfs: 2049,
  cifs: 3020,
  rdp: 3389,
  sip: 5060,
  aol: 5190,
  'pcanywhere-data': 5631,
};

export function parsePort(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= 65535 ? n : null;
  }
  return PORT_NAMES[t] ?? null;
}

/** The ranges that together make the complement of `ranges` within `universe` (for `!` and `neq`). */
export function complement(ranges: readonly Interval[], universe: Interval): Interval[] {
  const sorted = [...ranges].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  let next = universe.lo;
  for (const r of sorted) {
    if (r.lo > next) out.push({ lo: next, hi: r.lo - 1n });
    if (r.hi + 1n > next) next = r.hi + 1n;
  }
  if (next <= universe.hi) out.push({ lo: next, hi: universe.hi });
  return out;
}

/** Expands lists in each dimension into single boxes (the cartesian product). */
export function expandBoxes(dims: { proto: Interval[]; src: Interval[]; dst: Interval[]; sport: Interval[]; dport: Interval[]; state: Interval[] }): Box[] {
  const out: Box[] = [];
  for (const proto of dims.proto)
    for (const src of dims.src)
      for (const dst of dims.dst)
        for (const sport of dims.sport) for (const dport of dims.dport) for (const state of dims.state) out.push({ proto, src, dst, sport, dport, state });
  return out;
}

/** A short, syntax-independent description of a box: what the findings of different syntaxes are compared by. */
export function describeBox(b: Box, family: 4 | 6): string {
  return `${protocolName(b.proto)} ${formatAddress(b.src, family)}:${formatPorts(b.sport)} -> ${formatAddress(b.dst, family)}:${formatPorts(b.dport)}${b.state.lo === 1n ? ' established' : ''}`;
}
