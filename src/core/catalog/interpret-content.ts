import { parseRocDate, type IsoDate } from '../dates.js';
import type { Frequency, Strength } from './catalog-node.js';

/** What a node's printed words say about it, before inheritance from its ancestors. */
export interface InterpretedContent {
  readonly title: string | null;
  readonly text: string | null;
  readonly elided: boolean;
  readonly code: string | null;
  readonly frequency: Frequency | null;
  /** The header says 適用網際網路下單證券商 (internet-order brokers only). */
  readonly internetOnly: boolean;
  /** "另 a、b、f 項並適用於所有證券商": items that bind all brokers. */
  readonly allBrokerItems: readonly string[] | null;
  readonly effectiveDate: IsoDate | null;
}

const FREQUENCY_WORDS: readonly [RegExp, Frequency][] = [
  [/每月查核/, 'monthly'],
  [/半年查核/, 'semiannual'],
  [/年度查核/, 'annual'],
];
const EFFECTIVE = /[（(]\s*(\d{2,3}\s*年\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*日|底))\s*生效\s*[）)]/;
const PAREN_GROUP = /[（(]([^（）()]*)[）)]/g;
const ELIDED_TAIL = /(?:^|[\s：:-])[（(]?略[）)]?$/;
const TITLE_BREAKERS = /[，,。、；（(]/;

function isMetadata(inner: string): boolean {
  return /CC-\d{5}/.test(inner) || /查核/.test(inner) || /適用.*證券商/.test(inner);
}

/**
 * Interprets a node's printed content: the header parenthesis `（CC-17010，適用網際網路下單證券商，
 * 另 a、b、f 項並適用於所有證券商，每月查核）`, an effective-date note `(112年2月28日生效)`, a
 * title before a colon, and a trailing 略.
 */
export function interpretContent(content: string): InterpretedContent {
  let rest = content;
  let code: string | null = null;
  let frequency: Frequency | null = null;
  let internetOnly = false;
  let allBrokerItems: string[] | null = null;
  let effectiveDate: IsoDate | null = null;

  const eff = EFFECTIVE.exec(rest);
  if (eff) {
    effectiveDate = parseRocDate(eff[1]!.replace(/\s+/g, ''));
    rest = rest.replace(eff[0], '');
  }
  rest = rest.replace(PAREN_GROUP, (whole, inner: string) => {
    if (!isMetadata(inner)) return whole;
    code ??= /CC-\d{5}/.exec(inner)?.[0] ?? null;
    for (const [re, f] of FREQUENCY_WORDS) if (re.test(inner)) frequency ??= f;
    if (/(?<!不)適用網際網路下單證券商/.test(inner)) internetOnly = true;
    const all = /另\s*([a-z](?:\s*[、,，]\s*[a-z])*)\s*項\s*並適用於所有證券商/.exec(inner);
    if (all) allBrokerItems = all[1]!.split(/[、,，]/).map((s) => s.trim());
    return '';
  });
  rest = rest.trim();

  let elided = false;
  if (ELIDED_TAIL.test(rest) || rest === '略') {
    elided = true;
    rest = rest.replace(/[（(]?略[）)]?$/, '').trim();
  }
  rest = rest.replace(/^[\s：:-]+/, '').trim();

  let title: string | null = null;
  let text: string | null = null;
  const colon = rest.search(/[：:]/);
  if (colon >= 0 && colon <= 30 && !TITLE_BREAKERS.test(rest.slice(0, colon))) {
    title = rest.slice(0, colon).trim() || null;
    text =
      rest
        .slice(colon + 1)
        .replace(/^[\s：:-]+/, '')
        .trim() || null;
  } else if (rest !== '' && rest.length <= 20 && !/[，,。：:]/.test(rest) && strengthOf(rest) === null) {
    title = rest;
  } else {
    text = rest.replace(/[\s-]+$/, '') || null;
  }
  if (title) title = title.replace(/[\s：:-]+$/, '');
  return { title, text, elided, code, frequency, internetOnly, allBrokerItems, effectiveDate };
}

// Words in which 應 or 宜 is not the modal verb: 供應商 supplier, 應變 response, 應用 application …
const NOT_MODAL = /供應|應變|因應|回應|相應|對應|反應|適應|響應|應用|事宜|適宜|便宜/g;

/**
 * 應 (shall) makes an item mandatory, 宜 (should) advisory. 7/(1)/j/(g) has both: core systems
 * 應, non-core systems 宜.
 */
export function strengthOf(text: string | null): Strength | null {
  if (!text) return null;
  const t = text.replace(NOT_MODAL, '');
  const shall = t.includes('應');
  const should = t.includes('宜');
  if (shall && should) return 'mixed';
  if (shall) return 'shall';
  if (should) return 'should';
  return null;
}

/** 7/(2)/b/(g),(h), 10/(3), 10/(4): "依其所屬資安分級" — the obligation scales with the tier. */
export function isTierDependent(text: string | null): boolean {
  return text !== null && /資安分級/.test(text);
}

/**
 * The key two texts are compared by: the two columns were typeset differently (full- and
 * half-width punctuation, spaces around labels), which is not a change of wording.
 */
export function comparisonKey(text: string | null): string {
  if (text === null) return '';
  return text.normalize('NFKC').replace(/\s+/g, '').replace(/[，]/g, ',').replace(/[：]/g, ':');
}
