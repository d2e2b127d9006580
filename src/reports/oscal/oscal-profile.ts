import type { ApplicabilityDecision } from '../../core/applicability/evaluate-applicability.js';
import type { CatalogVersion } from '../../core/catalog/catalog-version.js';
import { CCHECK_NS, controlIdOf, uuidV5 } from '../../core/oscal/oscal-ids.js';
import type { OscalExportOptions, OscalObject } from './oscal-catalog.js';

export interface OscalProfileInput {
  readonly version: CatalogVersion;
  readonly decisions: readonly ApplicabilityDecision[];
  readonly firm: { readonly name: string; readonly licence: string };
  /** Where the catalog export sits relative to the profile, e.g. `catalog-2023-08-23.json`. */
  readonly catalogHref: string;
}

/** One line, no edge whitespace: OSCAL property values may not hold line breaks. */
export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The firm's applicability as an OSCAL profile: it imports the catalog export and includes the
 * controls that apply to this firm; each included control carries the rule and the reason
 * (zh-TW and English), and 宜 items are marked advisory. What does not apply is listed with its
 * reason in the remarks, because OSCAL's exclude-controls has no place for a reason.
 */
export function oscalProfile(input: OscalProfileInput, options: OscalExportOptions): OscalObject {
  const { version, decisions, firm } = input;
  const isPoint = new Set(version.nodes.filter((n) => n.level === 'point').map((n) => n.path));
  const controls = decisions.filter((d) => !isPoint.has(d.path));
  const applies = controls.filter((d) => d.applies);
  const excluded = controls.filter((d) => !d.applies);
  const firmUuid = uuidV5(`firm:${firm.licence}`);
  const prop = (name: string, value: string) => ({ name, ns: CCHECK_NS, value: oneLine(value) });
  return {
    profile: {
      uuid: uuidV5(`profile:${firm.licence}:${version.hash}:${decisions.map((d) => `${d.path}=${d.applies}`).join(',')}`),
      metadata: {
        title: oneLine(`${firm.name} 適用之證券商資通安全檢查項目 (${version.id})`),
        'last-modified': options.lastModified,
        version: version.id,
        'oscal-version': options.oscalVersion,
        props: [prop('catalog-hash', version.hash), prop('applicable-controls', String(applies.length)), prop('excluded-controls', String(excluded.length))],
        roles: [{ id: 'inspected-firm', title: '受查證券商 / Inspected securities firm' }],
        parties: [{ uuid: firmUuid, type: 'organization', name: firm.name, props: [prop('licence', firm.licence)] }],
        'responsible-parties': [{ 'role-id': 'inspected-firm', 'party-uuids': [firmUuid] }],
        ...(excluded.length
          ? { remarks: ['不適用項目 / Not applicable:', '', ...excluded.map((d) => `- ${d.path}: ${d.reasonZh} / ${d.reason}`)].join('\n') }
          : {}),
      },
      imports: [{ href: encodeURI(input.catalogHref), 'include-controls': [{ 'with-ids': applies.map((d) => controlIdOf(d.path)) }] }],
      merge: { 'as-is': true },
      ...(applies.length
        ? {
            modify: {
              alters: applies.map((d) => ({
                'control-id': controlIdOf(d.path),
                adds: [
                  {
                    position: 'ending',
                    props: [
                      ...(d.rules.length ? [prop('applicability-rule', d.rules.join(','))] : []),
                      prop('advisory', String(d.advisory)),
                      ...Object.entries(d.facts).map(([k, v]) => ({ ...prop('profile-fact', `${k}=${v}`), class: 'fact' })),
                    ],
                    parts: [{ name: 'applicability-reason', ns: CCHECK_NS, prose: `${d.reasonZh}\n\n${d.reason}` }],
                  },
                ],
              })),
            },
          }
        : {}),
    },
  };
}
