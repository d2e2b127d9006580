import { XMLParser } from 'fast-xml-parser';
import { CoreError } from '../../../core/errors.js';
import { ANY_PORT, ANY_PROTO, anyAddress, complement, parsePrefix, type Interval, type ParsedRuleSet, type ParseWarning } from '../rule-model.js';
import { append, type LineReader, policiesByZonePair, readText, type RuleDims, tagsIn, tokenize, warner, type ZonedRule } from './policy-builder.js';

interface PanRule {
  name: string;
  line: number;
  from: string[];
  to: string[];
  source: string[];
  destination: string[];
  negateSource: boolean;
  negateDestination: boolean;
  service: string[];
  application: string[];
  action: string;
  disabled: boolean;
  description: string | null;
}

interface PanConfig {
  addresses: Map<string, Interval[] | null>;
  groups: Map<string, string[]>;
  /** null: a service whose ports could not be read (the rules using it are opaque). */
  services: Map<string, { proto: Interval; dport: Interval[]; sport: Interval[] }[] | null>;
  serviceGroups: Map<string, string[]>;
  zones: string[];
  rules: PanRule[];
}

const empty = (): PanConfig => ({ addresses: new Map(), groups: new Map(), services: new Map(), serviceGroups: new Map(), zones: [], rules: [] });

/** `80,8000-8100` as intervals; null when a port is not a number 0–65535 (not a crash). */
function portList(spec: string | undefined): Interval[] | null {
  if (!spec) return [ANY_PORT];
  const out: Interval[] = [];
  for (const p of spec.split(',')) {
    const [a, b] = p.split('-').map(Number);
    const ok = (x: number | undefined) => x !== undefined && Number.isInteger(x) && x >= 0 && x <= 65535;
    if (!ok(a) || (b !== undefined && !ok(b))) return null;
    out.push({ lo: BigInt(Math.min(a!, b ?? a!)), hi: BigInt(Math.max(a!, b ?? a!)) });
  }
  return out;
}

function addressValue(kind: string, value: string): Interval[] | null {
  if (kind === 'ip-netmask') return parsePrefix(value) ? [parsePrefix(value)!.range] : null;
  if (kind === 'ip-range') {
    const [a, b] = value.split('-').map((x) => parsePrefix(x));
    return a && b ? [{ lo: a.range.lo, hi: b.range.hi }] : null;
  }
  return null; // fqdn, ip-wildcard: not resolved here
}

// The services PAN-OS predefines (a configuration may define its own under the same name, which wins).
const TCP: Interval = { lo: 6n, hi: 6n };
const PREDEFINED_SERVICES: Record<string, { proto: Interval; dport: Interval[]; sport: Interval[] }[]> = {
  'service-http': [
    {
      proto: TCP,
      dport: [
        { lo: 80n, hi: 80n },
        { lo: 8080n, hi: 8080n },
      ],
      sport: [ANY_PORT],
    },
  ],
  'service-https': [{ proto: TCP, dport: [{ lo: 443n, hi: 443n }], sport: [ANY_PORT] }],
};

/** `set …` lines (the CLI form): `set rulebase security rules NAME from [ a b ]`. */
function readSetFormat(text: string): PanConfig {
  return readText(setReader(), text);
}

function setReader(): LineReader<PanConfig> {
  const c = empty();
  const rule = (name: string, line: number): PanRule => {
    let r = c.rules.find((x) => x.name === name);
    if (!r) {
      r = {
        name,
        line,
        from: [],
        to: [],
        source: [],
        destination: [],
        negateSource: false,
        negateDestination: false,
        service: [],
        application: [],
        action: 'allow',
        disabled: false,
        description: null,
      };
      c.rules.push(r);
    }
    return r;
  };
  const line = (raw: string, i: number): void => {
    const t = tokenize(raw.trim()).filter((w) => w !== '[' && w !== ']');
    if (t[0] !== 'set') return;
    const rest = t.slice(1);
    // Device-group, shared and vsys prefixes lead to the same objects.
    while (['shared', 'vsys', 'device-group', 'devices'].includes(rest[0] ?? '')) rest.splice(0, rest[0] === 'shared' ? 1 : 2);
    const [head, ...args] = rest;
    if (head === 'address' && args.length >= 3) c.addresses.set(args[0]!, addressValue(args[1]!, args[2]!));
    else if (head === 'address-group' && args[1] === 'static') c.groups.set(args[0]!, args.slice(2));
    else if (head === 'service' && args[1] === 'protocol') {
      const list = c.services.has(args[0]!) ? c.services.get(args[0]!)! : [];
      const proto = args[2] === 'udp' ? { lo: 17n, hi: 17n } : { lo: 6n, hi: 6n };
      const at = (k: string) => args[args.indexOf(k) + 1];
      const dport = portList(args.includes('port') ? at('port') : undefined);
      const sport = portList(args.includes('source-port') ? at('source-port') : undefined);
      c.services.set(args[0]!, list && dport && sport ? [...list, { proto, dport, sport }] : null);
    } else if (head === 'service-group') c.serviceGroups.set(args[0]!, args.slice(2));
    else if (head === 'zone') {
      if (!c.zones.includes(args[0]!)) c.zones.push(args[0]!);
    } else if ((head === 'rulebase' || head === 'pre-rulebase' || head === 'post-rulebase') && args[0] === 'security' && args[1] === 'rules') {
      const r = rule(args[2]!, i + 1);
      const field = args[3];
      const values = args.slice(4);
      if (field === 'from') r.from = values;
      else if (field === 'to') r.to = values;
      else if (field === 'source') r.source = values;
      else if (field === 'destination') r.destination = values;
      else if (field === 'negate-source') r.negateSource = values[0] === 'yes';
      else if (field === 'negate-destination') r.negateDestination = values[0] === 'yes';
      else if (field === 'service') r.service = values;
      else if (field === 'application') r.application = values;
      else if (field === 'action') r.action = values[0] ?? 'allow';
      else if (field === 'disabled') r.disabled = values[0] === 'yes';
      else if (field === 'description') r.description = values.join(' ');
    }
  };
  return { line, finish: () => c };
}

type X = Record<string, unknown>;
const list = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v ? [v as X] : []);
/** The text of an XML value: a plain value, or an element with attributes and text. */
const textOf = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : v && typeof v === 'object' && '#text' in v ? textOf((v as X)['#text']) : '';
const members = (v: unknown): string[] => list((v as X | undefined)?.member).map(textOf);

/** The XML form (running config or an export): vsys or shared objects, the security rulebase. */
function readXmlFormat(text: string, file: string): PanConfig {
  const c = empty();
  let xml: X;
  try {
    xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'entry' || name === 'member' }).parse(text) as X;
  } catch (e) {
    // fast-xml-parser throws plain errors on broken markup (a truncated export): a format error, not a crash.
    const detail = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new CoreError('INPUT_UNSUPPORTED_FORMAT', `${file}: not readable as PAN-OS XML (${detail})`, { context: 'content', detail }, { file });
  }
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as X;
    for (const e of list((n.address as X | undefined)?.entry)) {
      const kind = ['ip-netmask', 'ip-range', 'fqdn'].find((k) => e[k] !== undefined);
      c.addresses.set(textOf(e['@_name']), kind ? addressValue(kind, textOf(e[kind])) : null);
    }
    for (const e of list((n['address-group'] as X | undefined)?.entry)) c.groups.set(textOf(e['@_name']), members(e.static));
    for (const e of list((n.service as X | undefined)?.entry)) {
      const proto = e.protocol as X | undefined;
      const out: { proto: Interval; dport: Interval[]; sport: Interval[] }[] = [];
      let unreadable = false;
      for (const [key, num] of [
        ['tcp', 6n],
        ['udp', 17n],
      ] as const) {
        const p = proto?.[key] as X | undefined;
        if (!p) continue;
        const dport = portList(textOf(p.port) || undefined);
        const sport = portList(textOf(p['source-port']) || undefined);
        if (dport && sport) out.push({ proto: { lo: num, hi: num }, dport, sport });
        else unreadable = true;
      }
      c.services.set(textOf(e['@_name']), unreadable ? null : out);
    }
    for (const e of list((n['service-group'] as X | undefined)?.entry)) c.serviceGroups.set(textOf(e['@_name']), members(e.members));
    for (const e of list((n.zone as X | undefined)?.entry)) if (!c.zones.includes(textOf(e['@_name']))) c.zones.push(textOf(e['@_name']));
    for (const key of ['rulebase', 'pre-rulebase', 'post-rulebase']) {
      for (const e of list(((((n[key] as X | undefined)?.security as X | undefined)?.rules as X | undefined) ?? {}).entry)) {
        c.rules.push({
          name: textOf(e['@_name']),
          line: 0,
          from: members(e.from),
          to: members(e.to),
          source: members(e.source),
          destination: members(e.destination),
          negateSource: e['negate-source'] === 'yes',
          negateDestination: e['negate-destination'] === 'yes',
          service: members(e.service),
          application: members(e.application),
          action: textOf(e.action) || 'allow',
          disabled: e.disabled === 'yes',
          description: textOf(e.description) || null,
        });
      }
    }
    for (const [k, v] of Object.entries(n))
      if (!['address', 'address-group', 'service', 'service-group', 'zone', 'rulebase', 'pre-rulebase', 'post-rulebase'].includes(k)) list(v).forEach(visit);
  };
  visit(xml);
  // XML has no line numbers per element in this parser: find each rule's line by its name.
  const lines = text.split(/\r?\n/);
  for (const r of c.rules) {
    const i = lines.findIndex((l) => l.includes(`name="${r.name}"`) && /<entry/.test(l));
    r.line = i + 1;
  }
  return c;
}

/**
 * Reads PAN-OS security rules, in the XML form or as `set` commands, with address objects and
 * groups, services and service groups. Rules apply per zone pair; without a matching rule,
 * intrazone traffic is allowed and interzone traffic denied (the PAN-OS defaults).
 */
export function parsePanOs(text: string, file: string): ParsedRuleSet {
  return fromConfig(text.trimStart().startsWith('<') ? readXmlFormat(text, file) : readSetFormat(text), file, text.split('\n')[0] ?? '');
}

/**
 * The same, streamed: the `set` form line by line. The XML form is one document that the XML
 * parser needs whole, so it is collected first (PAN-OS XML exports are the size of the rulebase).
 */
export async function parsePanOsLines(lines: AsyncIterable<string>, file: string): Promise<ParsedRuleSet> {
  let firstLine: string | null = null;
  let xml: string[] | null = null;
  const set = setReader();
  let i = 0;
  for await (const raw of lines) {
    if (firstLine === null && raw.trim() !== '') {
      firstLine = raw;
      if (raw.trimStart().startsWith('<')) xml = [];
    }
    if (xml) xml.push(raw);
    else set.line(raw, i);
    i++;
  }
  return fromConfig(xml ? readXmlFormat(xml.join('\n'), file) : set.finish(), file, firstLine ?? '');
}

function fromConfig(c: PanConfig, file: string, firstLine: string): ParsedRuleSet {
  const warnings: ParseWarning[] = [];
  const warn = warner(file, warnings);
  const resolve = (name: string, seen = new Set<string>()): Interval[] | null | undefined => {
    if (name === 'any') return [anyAddress(4)];
    if (c.addresses.has(name)) return c.addresses.get(name);
    const g = c.groups.get(name);
    if (g && !seen.has(name)) {
      const out: Interval[] = [];
      for (const m of g) {
        const r = resolve(m, new Set([...seen, name]));
        if (!r) return r;
        append(out, r);
      }
      return out;
    }
    const literal = parsePrefix(name);
    return literal ? [literal.range] : undefined;
  };
  const services = (name: string, seen = new Set<string>()): { proto: Interval; dport: Interval[]; sport: Interval[] }[] | null | undefined => {
    if (name === 'any') return [{ proto: ANY_PROTO, dport: [ANY_PORT], sport: [ANY_PORT] }];
    if (name === 'application-default') return null; // the application's own ports: not modelled
    if (c.services.has(name)) return c.services.get(name);
    const predefined = PREDEFINED_SERVICES[name];
    if (predefined) return predefined;
    const g = c.serviceGroups.get(name);
    if (g && !seen.has(name)) {
      const out = g.map((m) => services(m, new Set([...seen, name])));
      return out.some((x) => !x) ? null : out.flatMap((x) => x!);
    }
    return undefined;
  };
  const zoned: ZonedRule[] = [];
  for (const r of c.rules) {
    let opaque = false;
    const addr = (names: string[], negate: boolean): Interval[] => {
      const out: Interval[] = [];
      for (const n of names.length ? names : ['any']) {
        const found = resolve(n);
        if (found === undefined) warn(r.line, n, `address ${n} is not defined; rule ${r.name} is treated as opaque`);
        if (!found) opaque = true;
        else append(out, found);
      }
      const ranges = out.length ? out : [anyAddress(4)];
      return negate ? complement(ranges, anyAddress(4)) : ranges;
    };
    const src = addr(r.source, r.negateSource);
    const dst = addr(r.destination, r.negateDestination);
    const svc: { proto: Interval; dport: Interval[]; sport: Interval[] }[] = [];
    for (const s of r.service.length ? r.service : ['any']) {
      const found = services(s);
      if (found === undefined) warn(r.line, s, `service ${s} is not defined; rule ${r.name} is treated as opaque`);
      if (!found) opaque = true;
      else append(svc, found);
    }
    if (!r.application.includes('any') && r.application.length) opaque = true; // App-ID narrows the match
    const action = r.action === 'allow' ? 'permit' : 'deny';
    const meta = {
      line: r.line,
      name: r.name,
      text: `rule ${r.name}`,
      action,
      opaque,
      disabled: r.disabled,
      applications: r.application.length ? r.application : ['any'],
      comment: r.description,
      ...tagsIn(r.description ?? ''),
    } as const;
    for (const s of svc.length ? svc : [{ proto: ANY_PROTO, dport: [ANY_PORT], sport: [ANY_PORT] }]) {
      const dims: RuleDims = { proto: [s.proto], src, dst, sport: s.sport, dport: s.dport };
      zoned.push({ meta, dims, from: r.from.length ? r.from : ['any'], to: r.to.length ? r.to : ['any'] });
    }
  }
  const policies = policiesByZonePair(zoned, c.zones, file, 'panos', (from, to) =>
    from === to ? { action: 'permit', source: 'implicit' } : { action: 'deny', source: 'implicit' },
  );
  if (c.rules.length === 0) warn(1, firstLine, 'no security rules found: is this a PAN-OS configuration?');
  return { syntax: 'panos', policies, warnings };
}
