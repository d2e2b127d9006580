import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { importAmendmentTable, type AmendmentImport } from '../../src/core/catalog/amendment/import-amendment.js';
import { findNode, verifyVersionHash, type CatalogVersion } from '../../src/core/catalog/catalog-version.js';
import { mapPath } from '../../src/core/catalog/diff-versions.js';
import { builtinVersionsDir, loadAllCorrections, loadMechanismReference } from '../../src/io/catalog-data.js';
import { decodeText, sha256Hex } from '../../src/io/read-text-file.js';
import { buildCommittedVersions } from '../../src/services/catalog-service.js';
import { serializeVersion } from '../../src/storage/catalog-store.js';
import { SEED, SHARED } from '../helpers/shared.js';

let result: AmendmentImport;
let current: CatalogVersion;
let amended: CatalogVersion;

function importSeed(text: string, sha256: string): AmendmentImport {
  return importAmendmentTable({
    text,
    fileName: SEED,
    sha256,
    reference: loadMechanismReference(),
    corrections: loadAllCorrections(),
    current: { id: 'before', effectiveDate: null },
    amended: { id: 'after', effectiveDate: '2023-08-23' },
  });
}

beforeAll(() => {
  const bytes = readFileSync(SEED);
  result = importSeed(bytes.toString('utf8'), sha256Hex(bytes));
  ({ current, amended } = result);
});

const node = (v: CatalogVersion, p: string) => {
  const n = findNode(v, p);
  if (!n) throw new Error(`${v.id} has no ${p}`);
  return n;
};
const pathsOf = (kind: string) => result.diff.changes.filter((c) => c.kind === kind).map((c) => c.path);
const letters = (prefix: string, from: string, to: string, paren = false) => {
  const out: string[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(`${prefix}/${paren ? `(${String.fromCharCode(c)})` : String.fromCharCode(c)}`);
  return out;
};

describe('the 2023 amendment table (seed) → two versions and their diff', () => {
  it('lists every new item of the amendment, and nothing else', () => {
    expect(pathsOf('added')).toEqual([
      '7/(1)/a/(j)',
      '7/(1)/b/(h)',
      '7/(1)/b/(i)',
      '7/(1)/d',
      ...letters('7/(1)/d', 'a', 'c', true),
      '7/(1)/e/(c)',
      '7/(1)/e/(d)',
      '7/(1)/j/(g)',
      ...letters('7/(2)/b', 'f', 'h', true),
      '7/(2)/c/(f)',
      '7/(2)/c/(g)',
      '8/(2)/g',
      '8/(2)/h',
      '8/(4)/d',
      '8/(5)/k',
      ...letters('9/(4)', 'a', 'j'),
      '9/(12)',
      '9/(13)',
      '10/(9)',
      '10/(10)',
      '12/(4)/g',
      '12/(6)',
      '12/(6)/a',
      '12/(6)/b',
    ]);
  });

  it('lists every modified item with what changed', () => {
    const modified = result.diff.changes.filter((c) => c.kind === 'modified').map((c) => [c.path, c.fields.join(',')]);
    expect(modified).toEqual([
      ['1/(4)', 'text'],
      ['7/(1)', 'all_broker_items'],
      ['7/(1)/a/(h)', 'text'],
      ['7/(1)/b', 'title'],
      ['7/(1)/c/(c)', 'text'],
      ['8/(2)/f', 'text'],
      ['8/(5)/h', 'text'],
      ['9/(4)', 'title'],
      ['9/(11)/c/(a)', 'text'],
      ['10/(3)', 'text'],
      ['10/(4)', 'text'],
      ['10/(5)', 'text'],
      ['12/(1)', 'text'],
      ['12/(1)/a', 'text'],
      ['12/(2)/c/(c)', 'text'],
    ]);
  });

  it('follows the renumbering of 7/(1) d–k to e–l, children included, and removes nothing', () => {
    const moves = result.diff.changes.filter((c) => c.kind.startsWith('renumbered')).map((c) => `${c.oldPath}→${c.path}:${c.kind}`);
    expect(moves).toEqual([
      '7/(1)/d→7/(1)/e:renumbered_and_modified', // CA 認證與憑證管理 → 身分CA認證與憑證管理
      '7/(1)/d/(a)→7/(1)/e/(a):renumbered',
      '7/(1)/d/(b)→7/(1)/e/(b):renumbered',
      '7/(1)/e→7/(1)/f:renumbered',
      '7/(1)/f→7/(1)/g:renumbered',
      '7/(1)/g→7/(1)/h:renumbered',
      '7/(1)/h→7/(1)/i:renumbered',
      '7/(1)/i→7/(1)/j:renumbered_and_modified', // 項次調整，移除非生效日期
      ...letters('7/(1)/i', 'a', 'f', true).map((p) => `${p}→${p.replace('/i/', '/j/')}:renumbered`),
      '7/(1)/j→7/(1)/k:renumbered_and_modified',
      '7/(1)/k→7/(1)/l:renumbered_and_modified',
    ]);
    expect(pathsOf('removed')).toEqual([]);
    expect(mapPath(result.diff, '7/(1)/d')).toBe('7/(1)/e');
    expect(mapPath(result.diff, '7/(1)/e')).toBe('7/(1)/f');
    expect(mapPath(result.diff, '7/(1)/a/(h)')).toBe('7/(1)/a/(h)');
  });

  it('reads CC codes, frequencies and where they come from', () => {
    expect(node(amended, '1')).toMatchObject({
      code: 'CC-11000',
      codeSource: 'stated',
      frequency: 'annual',
      frequencySource: 'stated',
      title: '風險評鑑與管理',
    });
    expect(node(amended, '1/(4)')).toMatchObject({ code: 'CC-11000', codeSource: 'inherited', frequency: 'annual', frequencySource: 'inherited' });
    expect(node(amended, '7')).toMatchObject({ code: 'CC-17000', frequency: null });
    expect(node(amended, '7/(1)/d/(b)')).toMatchObject({ code: 'CC-17010', frequency: 'monthly' });
    expect(node(amended, '7/(2)/c/(g)')).toMatchObject({ code: 'CC-17020', frequency: 'semiannual' });
    // Point 8 prints neither code nor frequency: both come from the reference data, marked so.
    expect(node(amended, '8/(2)/f')).toMatchObject({ code: 'CC-18000', codeSource: 'inherited', frequency: 'monthly', frequencySource: 'inherited' });
    expect(node(amended, '8')).toMatchObject({ codeSource: 'reference', frequencySource: 'reference' });
    expect(node(amended, '12/(6)/b')).toMatchObject({ code: 'CC-21100', frequency: 'annual' });
  });

  it('binds CC-17010 items a, b, f to all brokers after 2023 and a, b, e before', () => {
    const allBrokers = (v: CatalogVersion) => v.nodes.filter((n) => n.parentPath === '7/(1)' && n.appliesTo === 'all_brokers').map((n) => n.label);
    expect(allBrokers(amended)).toEqual(['a', 'b', 'f']);
    expect(allBrokers(current)).toEqual(['a', 'b', 'e']);
    expect(node(amended, '7/(1)').allBrokerItems).toEqual(['a', 'b', 'f']);
    expect(node(amended, '7/(1)/f').appliesToReason).toContain('所有證券商');
    expect(node(amended, '7/(1)/b/(h)').appliesTo).toBe('all_brokers');
    expect(node(amended, '7/(1)/c/(c)').appliesTo).toBe('internet_order_brokers');
    expect(node(amended, '1/(4)').appliesTo).toBe('internet_order_brokers');
    expect(node(amended, '9/(11)/c/(a)').appliesTo).toBe('internet_order_brokers');
    expect(node(amended, '9/(12)').appliesTo).toBe('all_brokers');
    expect(node(amended, '7/(2)/b/(f)').appliesTo).toBe('all_brokers');
  });

  it('marks tier-dependent items, shall/should strength and printed effective dates', () => {
    for (const p of ['7/(2)/b/(g)', '7/(2)/b/(h)', '10/(3)', '10/(4)']) expect(node(amended, p).tierDependent, p).toBe(true);
    expect(node(current, '10/(3)').tierDependent).toBe(false);
    expect(node(amended, '9/(12)').tierDependent).toBe(false);
    expect(node(amended, '7/(2)/c/(g)').strength).toBe('should'); // 宜考量 3-2-1
    expect(node(amended, '7/(1)/j/(g)').strength).toBe('mixed'); // core 應, non-core 宜
    expect(node(amended, '9/(4)/e').strength).toBe('shall'); // 供應商 is not a modal 應
    expect(node(amended, '7/(1)/a/(a)').strength).toBeNull();
    expect(node(current, '7/(1)/i').effectiveDate).toBe('2023-02-28');
    expect(node(amended, '7/(1)/j').effectiveDate).toBeNull();
    expect(node(amended, '10/(4)').effectiveDate).toBe('2022-01-31'); // (111年1月底生效)
  });

  it('keeps 略 ranges as elided placeholders and notes where the source stops', () => {
    for (const p of ['2', '3', '4', '5', '6', '11', '7/(1)/a/(a)', '7/(1)/a/(g)', '9/(10)', '12/(4)/f']) expect(node(amended, p).status, p).toBe('elided');
    expect(node(amended, '7/(1)/f')).toMatchObject({ status: 'elided', title: '電腦病毒及惡意軟體之防範', text: null });
    expect(node(amended, '7/(1)/a/(h)').status).toBe('text');
    expect(amended.truncatedAfter).toBe('12/(6)/b');
    expect(current.truncatedAfter).toBe('12/(5)');
  });

  it('carries points 13 and 14, which the table elides under (以下略), as elided reference nodes in both versions', () => {
    for (const v of [current, amended]) {
      expect(node(v, '13'), v.id).toMatchObject({ level: 'point', status: 'elided', text: null, code: 'CC-22000', codeSource: 'reference' });
      expect(node(v, '13')).toMatchObject({ frequency: 'semiannual', frequencySource: 'reference', appliesTo: 'all_brokers' });
      expect(node(v, '14'), v.id).toMatchObject({ level: 'point', status: 'elided', text: null, code: 'CC-23000', codeSource: 'reference' });
      expect(node(v, '14')).toMatchObject({ frequency: 'monthly', frequencySource: 'reference', appliesTo: 'colocation_users' });
      expect(node(v, '14').appliesToReason).toContain('(reference: ');
      expect(v.nodes.slice(-2).map((n) => n.path)).toEqual(['13', '14']);
      expect(findNode(v, '15')).toBeUndefined(); // the reference knows no point 15
    }
    // The same placeholders on both sides are no change of the 2023 amendment.
    expect(result.diff.changes.filter((c) => c.path === '13' || c.path === '14' || c.oldPath === '13' || c.oldPath === '14')).toEqual([]);
  });

  it('keeps the underlined (amended) words and applies the recorded corrections', () => {
    expect(node(amended, '1/(4)').amendedFragments).toEqual(['復原時間目標(RTO)', '資料復原點目標(RPO)']);
    expect(node(amended, '7/(1)/b').title).toBe('網路設備之安全管理');
    expect(node(amended, '9/(4)').title).toBe('廠商管理');
    expect(node(amended, '8/(5)/h').text).toContain('保有之個人資料');
    expect(amended.corrections.map((c) => `${c.path}:${c.field}`)).toContain('8/(2)/f:text');
    expect(result.notices.filter((n) => n.kind === 'correction_applied')).toHaveLength(9);
  });

  it('reads the 說明 column: 同上 resolved, guidelines named, and what cannot be tied recorded', () => {
    expect(amended.basis).toBe('依據主管機關112年8月15日金管證券字第11203447331號函同意辦理');
    expect(node(amended, '7/(1)/e/(c)').rationale).toMatchObject({ text: '項次調整', repeatsAbove: true, alignment: 'row' });
    expect(node(amended, '7/(1)/j/(g)').rationale).toMatchObject({ guideline: '資通系統安全防護基準自律規範', alignment: 'row' });
    expect(node(amended, '7/(2)/c/(g)').rationale).toMatchObject({ guideline: '資訊作業韌性參考指引', alignment: 'row' });
    expect(node(amended, '10/(10)').rationale?.text).toBe('依據臺證輔字第1120503153號函增訂重大資安事件申報');
    const unresolved = node(amended, '1/(4)').rationale;
    expect(unresolved).toMatchObject({ alignment: 'unresolved', text: '' });
    expect(unresolved?.candidates).toEqual(['參考資訊作業韌性自律規範修訂']);
    const notices = result.notices.filter((n) => n.kind === 'rationale_unresolved');
    expect(notices.map((n) => n.path)).toContain('1/(4)');
    expect(notices.every((n) => n.line > 0)).toBe(true);
    // Every changed item either has a rationale tied to it or says it could not be tied.
    for (const c of result.diff.changes) {
      if (c.kind === 'added' || c.kind === 'modified') expect(node(amended, c.path!).rationale, c.path!).not.toBeNull();
    }
  });

  it('identifies versions by a content hash that any edit breaks', () => {
    expect(amended.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(verifyVersionHash(amended)).toBe(true);
    const edited = JSON.parse(JSON.stringify(amended)) as CatalogVersion & { nodes: { text: string | null }[] };
    edited.nodes[5]!.text = '竄改';
    expect(verifyVersionHash(edited)).toBe(false);
    expect(Object.isFrozen(amended.nodes[0])).toBe(true);
  });

  it('reads the same table saved as Big5', () => {
    const text = readFileSync(SEED, 'utf8');
    const big5 = iconv.encode(text, 'big5');
    expect(iconv.decode(big5, 'big5')).toBe(text); // the seed is representable in Big5
    const decoded = decodeText(big5, 'seed-big5.txt');
    expect(decoded.encoding).toBe('big5');
    const again = importSeed(decoded.text, sha256Hex(readFileSync(SEED)));
    expect(again.amended.hash).toBe(amended.hash);
  });
});

describe('the committed catalog data', () => {
  it('equals a fresh import of the seed from the shared folder', async () => {
    const { versions } = await buildCommittedVersions(SHARED);
    expect(versions.map((v) => v.id)).toEqual(['before-2023-08-23', '2023-08-23']);
    for (const v of versions) {
      const committed = readFileSync(path.join(builtinVersionsDir(), `${v.id}.json`), 'utf8');
      expect(committed, `data/catalog/versions/${v.id}.json is stale: run npm run catalog:build`).toBe(serializeVersion(v));
    }
  });

  it('carries English readings for the amended items, and reference titles for elided points', async () => {
    const [before, after] = (await buildCommittedVersions(SHARED)).versions as [CatalogVersion, CatalogVersion];
    expect(node(after, '7/(1)/d/(a)').textEn).toMatch(/^Knowledge:/);
    expect(node(after, '7/(1)/b').titleEn).toBe('Network-device security management');
    expect(node(after, '3')).toMatchObject({ status: 'elided', title: null, titleEn: 'Security organisation' });
    expect(node(before, '7/(1)/d/(a)').textEn).toBeNull(); // the readings are of the 2023 text only
  });
});
