import type { TabularData } from '../../../core/catalog/checklist/apply-checklist.js';
import { parseAnyDate } from '../../../core/dates.js';
import { readColumns } from '../../table-columns.js';
import {
  ANY_PORT,
  anyAddress,
  parsePort,
  parsePrefix,
  parseProtocol,
  type Action,
  type Interval,
  type ParsedRuleSet,
  type ParseWarning,
  type Policy,
} from '../rule-model.js';
import { PolicyBuilder, warner } from './policy-builder.js';

/** The rule-set template, for devices whose export ccheck cannot read (or a firm's own register). */
export const RULE_COLUMNS = [
  { key: 'policy', zh: '規則集', en: 'policy', required: false },
  { key: 'name', zh: '規則名稱', en: 'name', required: true },
  { key: 'action', zh: '動作', en: 'action', required: true },
  { key: 'protocol', zh: '協定', en: 'protocol', required: false },
  { key: 'source', zh: '來源', en: 'source', required: false },
  { key: 'sourcePort', zh: '來源埠', en: 'source_port', required: false },
  { key: 'destination', zh: '目的', en: 'destination', required: false },
  { key: 'destinationPort', zh: '目的埠', en: 'destination_port', required: false },
  { key: 'application', zh: '應用程式', en: 'application', required: false },
  { key: 'enabled', zh: '啟用', en: 'enabled', required: false },
  { key: 'owner', zh: '負責人', en: 'owner', required: false },
  { key: 'reviewedOn', zh: '檢視日', en: 'reviewed_on', required: false },
  { key: 'comment', zh: '說明', en: 'comment', required: false },
] as const;

const ACTIONS: Record<string, Action> = {
  permit: 'permit',
  allow: 'permit',
  accept: 'permit',
  允許: 'permit',
  deny: 'deny',
  drop: 'deny',
  reject: 'deny',
  拒絕: 'deny',
};
const split = (v: string | null) => (v ?? '').split(/[;,\s]+/).filter(Boolean);

/**
 * Reads the CSV/XLSX rule template: one rule per row, in order; several addresses or ports in a
 * cell separated by `;`. The list must end in an explicit deny-all rule to be an allow-list.
 */
export function parseRuleTemplate(data: TabularData): ParsedRuleSet {
  const warnings: ParseWarning[] = [];
  const warn = warner(data.fileName, warnings);
  const builders = new Map<string, { 4: PolicyBuilder; 6: PolicyBuilder }>();
  for (const row of readColumns(data, RULE_COLUMNS)) {
    const at = (field: string, value: string) => `${data.fileName}: row ${row.rowNumber}, column ${field}: "${value}"`;
    const policy = row.policy ?? 'rules';
    const sets = builders.get(policy) ?? {
      4: new PolicyBuilder(policy, data.fileName, 4, 'csv'),
      6: new PolicyBuilder(`${policy} (IPv6)`, data.fileName, 6, 'csv'),
    };
    builders.set(policy, sets);
    const action = ACTIONS[row.action.toLowerCase()];
    if (!action) {
      warn(row.rowNumber, row.action, `${at('動作 / action', row.action)}: not permit/deny; the row is not analysed`);
      continue;
    }
    const addresses = (v: string | null, field: string) => {
      const out: { family: 4 | 6; range: Interval }[] = [];
      for (const a of split(v)) {
        const p = a.toLowerCase() === 'any' ? null : parsePrefix(a);
        if (a.toLowerCase() === 'any') continue;
        if (!p) warn(row.rowNumber, a, `${at(field, a)}: not an address or prefix`);
        else out.push(p);
      }
      return out;
    };
    const src = addresses(row.source, '來源 / source');
    const dst = addresses(row.destination, '目的 / destination');
    const family: 4 | 6 = [...src, ...dst].some((a) => a.family === 6) ? 6 : 4;
    const ports = (v: string | null, field: string): Interval[] => {
      const list = split(v).filter((p) => p.toLowerCase() !== 'any');
      if (list.length === 0) return [ANY_PORT];
      const out: Interval[] = [];
      for (const p of list) {
        const [a, b] = p.split('-');
        const lo = parsePort(a ?? '');
        const hi = b === undefined ? lo : parsePort(b);
        if (lo === null || hi === null) warn(row.rowNumber, p, `${at(field, p)}: not a port or range`);
        else out.push({ lo: BigInt(lo), hi: BigInt(hi) });
      }
      return out;
    };
    const protos = split(row.protocol).map((p) => ({ p, r: parseProtocol(p) }));
    for (const bad of protos.filter((x) => !x.r)) warn(row.rowNumber, bad.p, `${at('協定 / protocol', bad.p)}: unknown protocol`);
    let reviewedOn: string | null = null;
    if (row.reviewedOn) {
      try {
        reviewedOn = parseAnyDate(row.reviewedOn);
      } catch {
        warn(row.rowNumber, row.reviewedOn, `${at('檢視日 / reviewed_on', row.reviewedOn)}: not a date`);
      }
    }
    sets[family].add(
      {
        line: row.rowNumber,
        name: row.name,
        text: `${row.name}: ${row.action} ${row.protocol ?? 'any'} ${row.source ?? 'any'} → ${row.destination ?? 'any'} ${row.destinationPort ?? ''}`.trim(),
        action,
        disabled: /^(n|no|false|0|否|停用)$/i.test(row.enabled ?? ''),
        applications: row.application ? split(row.application) : null,
        owner: row.owner,
        reviewedOn,
        comment: row.comment,
      },
      {
        proto: protos.filter((x) => x.r).map((x) => x.r!).length ? protos.filter((x) => x.r).map((x) => x.r!) : undefined,
        src: src.length ? src.filter((a) => a.family === family).map((a) => a.range) : [anyAddress(family)],
        dst: dst.length ? dst.filter((a) => a.family === family).map((a) => a.range) : [anyAddress(family)],
        sport: ports(row.sourcePort, '來源埠 / source_port'),
        dport: ports(row.destinationPort, '目的埠 / destination_port'),
      },
    );
  }
  const policies: Policy[] = [];
  for (const sets of builders.values()) for (const b of [sets[4], sets[6]]) if (b.size > 0) policies.push(b.build('permit', 'explicit'));
  return { syntax: 'csv', policies, warnings };
}
