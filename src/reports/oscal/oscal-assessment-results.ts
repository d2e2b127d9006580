import { CCHECK_NS, controlIdOf, statementIdOf, uuidV5 } from '../../core/oscal/oscal-ids.js';
import type { InspectionReportData, ReportItem } from '../inspection-report-html.js';
import type { OscalExportOptions, OscalObject } from './oscal-catalog.js';
import { oneLine } from './oscal-profile.js';

const prop = (name: string, value: string) => ({ name, ns: CCHECK_NS, value: oneLine(value) });
const props = (entries: [string, string | null | undefined][]) => entries.filter(([, v]) => v && oneLine(v)).map(([k, v]) => prop(k, v!));

/** A stored instant as an OSCAL date-time (zone required); a bare date is the end of that day in Taipei. */
function instant(value: string | null | undefined, fallbackDate: string): string {
  if (value && /T.*(Z|[+-]\d\d:\d\d)$/.test(value)) return value;
  return `${(value ?? fallbackDate).slice(0, 10)}T23:59:59+08:00`;
}

// OSCAL's risk-status values (risk.status): ccheck's remediation lifecycle mapped onto them.
const RISK_STATUS: Record<string, string> = { open: 'open', in_progress: 'remediating', remediated: 'remediating', verified_closed: 'closed' };

/**
 * An inspection run as OSCAL assessment-results: every evidence file is a back-matter resource
 * with its SHA-256; each recorded result is an observation (analyzer results as TEST, attestations
 * as EXAMINE) pointing at its evidence and collected time; each analyzer finding is its own
 * observation naming file, line and rule; each judged item is an OSCAL finding (satisfied or not)
 * on its statement; open remediation findings are risks with owner and deadline.
 */
export function oscalAssessmentResults(data: InspectionReportData, options: OscalExportOptions): OscalObject {
  const key = `${data.firm.licence}:${data.period}:${data.catalogHash}`;
  const fallback = data.periodEnd;
  const evidenceUuid = (sha: string) => uuidV5(`evidence:${sha}`);
  const evidence = new Map<string, { sha256: string; name: string; collectedAt: string }>();
  for (const i of data.items) for (const e of i.evidence) evidence.set(e.sha256, e);
  const byName = new Map([...evidence.values()].map((e) => [e.name, e]));
  const firmUuid = uuidV5(`firm:${data.firm.licence}`);
  const planUuid = uuidV5(`plan:${key}`);

  const observations: OscalObject[] = [];
  const obsOf = new Map<string, string[]>();
  const note = (path: string, uuid: string) => obsOf.set(path, [...(obsOf.get(path) ?? []), uuid]);
  const recorded = (i: ReportItem) => i.status !== 'not_run' && i.status !== 'not_applicable';
  for (const item of data.items.filter(recorded)) {
    const uuid = uuidV5(`observation:${key}:${item.path}`);
    note(item.path, uuid);
    observations.push({
      uuid,
      title: oneLine(`${item.path}${item.code ? ` (${item.code})` : ''} ${item.status}`),
      description: item.justification ?? `${item.path}: ${item.status}`,
      props: props([
        ['result', item.status],
        ['source', item.source],
        ['recorded-by', item.recordedBy],
        ['approved-by', item.approval?.state === 'approved' ? item.approval.by : null],
      ]),
      methods: [item.source === 'analyzer' ? 'TEST' : 'EXAMINE'],
      collected: instant(item.recordedAt, fallback),
      ...(item.expiresOn ? { expires: instant(item.expiresOn, fallback) } : {}),
      ...(item.evidence.length
        ? { 'relevant-evidence': item.evidence.map((e) => ({ href: `#${evidenceUuid(e.sha256)}`, description: oneLine(`${e.name} (SHA-256 ${e.sha256})`) })) }
        : {}),
    });
    item.analyzerFindings.forEach((f, n) => {
      const fu = uuidV5(`observation:${key}:${item.path}:${f.analyzer}:${n}`);
      note(item.path, fu);
      const file = f.file ? byName.get(f.file) : undefined;
      observations.push({
        uuid: fu,
        title: oneLine(`${f.analyzer}: ${f.kind}${where(f)}`),
        description: `${f.detailZh}\n\n${f.detail}${f.blocking.length ? `\n\nBlocking: ${f.blocking.map((b) => where(b).trim()).join('; ')}` : ''}`,
        props: props([
          ['analyzer', f.analyzer],
          ['kind', f.kind],
          ['severity', f.severity],
          ['clause', f.clause],
          ['file', f.file],
          ['line', f.line === null ? null : String(f.line)],
          ['rule', f.rule],
        ]),
        methods: ['TEST'],
        types: ['finding'],
        collected: instant(item.recordedAt, fallback),
        ...(file ? { 'relevant-evidence': [{ href: `#${evidenceUuid(file.sha256)}`, description: oneLine(`${file.name}${where(f)}`) }] } : {}),
      });
    });
  }

  const risks = data.findings.map((f) => ({
    uuid: uuidV5(`risk:${f.id}`),
    title: oneLine(`${f.path} ${f.severity}`),
    description: f.rootCause ?? `缺失 ${f.path} / finding on ${f.path}`,
    statement: f.correctiveAction ?? '尚未提出改善措施 / no corrective action recorded yet',
    props: props([
      ['finding-id', f.id],
      ['severity', f.severity],
      ['finding-status', f.status],
      ['owner', f.owner],
      ['repeat-of', f.repeatOf],
    ]),
    status: RISK_STATUS[f.status] ?? 'open',
    ...(f.dueOn ? { deadline: instant(f.dueOn, fallback) } : {}),
  }));
  const risksOf = (path: string) => risks.filter((r, i) => data.findings[i]!.path === path).map((r) => ({ 'risk-uuid': r.uuid }));

  const judged = data.items.filter((i) => i.status === 'pass' || i.status === 'fail' || i.status === 'partial');
  const findings = judged.map((i) => ({
    uuid: uuidV5(`finding:${key}:${i.path}`),
    title: oneLine(`${i.path}${i.code ? ` (${i.code})` : ''}${i.title ? ` ${i.title}` : ''}`),
    description: i.justification ?? i.text ?? i.path,
    target: {
      type: 'statement-id',
      'target-id': statementIdOf(i.path),
      status: { state: i.status === 'pass' ? 'satisfied' : 'not-satisfied', reason: i.status === 'partial' ? 'other' : i.status },
    },
    ...(obsOf.get(i.path)?.length ? { 'related-observations': obsOf.get(i.path)!.map((u) => ({ 'observation-uuid': u })) } : {}),
    ...(risksOf(i.path).length ? { 'related-risks': risksOf(i.path) } : {}),
  }));

  const applicable = data.items.filter((i) => i.status !== 'not_applicable');
  const excluded = data.items.filter((i) => i.status === 'not_applicable');
  return {
    'assessment-results': {
      uuid: uuidV5(`assessment-results:${key}`),
      metadata: {
        title: oneLine(`${data.firm.name} 證券商資通安全檢查 ${data.period}`),
        'last-modified': options.lastModified,
        version: data.period,
        'oscal-version': options.oscalVersion,
        props: props([
          ['catalog-version', data.catalogVersion],
          ['catalog-hash', data.catalogHash],
          ['audit-head', data.auditHead],
          ['period-start', data.periodStart],
          ['period-end', data.periodEnd],
        ]),
        roles: [{ id: 'inspected-firm', title: '受查證券商 / Inspected securities firm' }],
        parties: [{ uuid: firmUuid, type: 'organization', name: data.firm.name, props: [prop('licence', data.firm.licence)] }],
        'responsible-parties': [{ 'role-id': 'inspected-firm', 'party-uuids': [firmUuid] }],
      },
      'import-ap': { href: `#${planUuid}` },
      results: [
        {
          uuid: uuidV5(`result:${key}`),
          title: oneLine(`${data.period} 查核結果 / inspection results`),
          description: `Inspection of ${data.firm.name} (${data.firm.licence}) for ${data.period} (${data.periodStart} – ${data.periodEnd}) against catalog version ${data.catalogVersion} (${data.catalogHash}).`,
          start: instant(data.startedAt, data.periodStart),
          props: props([['started-by', data.startedBy]]),
          'reviewed-controls': {
            'control-selections': [
              {
                ...(applicable.length ? { 'include-controls': applicable.map((i) => ({ 'control-id': controlIdOf(i.path) })) } : {}),
                ...(excluded.length ? { 'exclude-controls': excluded.map((i) => ({ 'control-id': controlIdOf(i.path) })) } : {}),
              },
            ],
          },
          ...(observations.length ? { observations } : {}),
          ...(risks.length ? { risks } : {}),
          ...(findings.length ? { findings } : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: 'ccheck inspection run (the plan is the catalog version and the firm profile frozen into the run)',
            props: props([['catalog-hash', data.catalogHash]]),
          },
          ...[...evidence.values()].map((e) => ({
            uuid: evidenceUuid(e.sha256),
            title: oneLine(e.name),
            props: props([['collected-at', e.collectedAt]]),
            rlinks: [{ href: `ccheck-evidence:sha256:${e.sha256}`, hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] }],
          })),
        ],
      },
    },
  };
}

function where(f: { file: string | null; line: number | null; rule: string | null }): string {
  return `${f.file ? ` ${f.file}` : ''}${f.line !== null ? `:${f.line}` : ''}${f.rule ? ` (${f.rule})` : ''}`;
}
