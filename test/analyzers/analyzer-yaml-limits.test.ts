import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { MalformedRecords } from '../../src/analyzers/malformed-records.js';
import { channelsFromYaml } from '../../src/analyzers/signin-factors/read-channels.js';
import { readProfileCoreSystems } from '../../src/analyzers/recovery-targets.js';

function errorOf(fn: () => unknown): CoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

/** Nine levels of ten aliases each: 10⁹ strings once expanded, a few hundred bytes as text. */
function billionLaughs(key: string): string {
  const lines = ['a0: &a0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push(`${key}: *a9`);
  return `${lines.join('\n')}\n`;
}

/** A flow list nested far beyond any real file (thousands of levels abort a naive parser). */
const tooDeep = (key: string) => `${key}: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;

// Both analyzers read YAML that a person or a tool hands in as evidence; they go through the
// limits of src/formats/yaml-input.ts like every other YAML ccheck reads, naming the file.
describe.each([
  {
    reader: 'recovery-targets (firm profile core_systems)',
    key: 'core_systems',
    read: (file: string, text: string) => readProfileCoreSystems(file, text, new MalformedRecords(file, 'line')),
  },
  { reader: 'signin-factors (channels)', key: 'channels', read: (file: string, text: string) => channelsFromYaml(file, text) },
])('$reader YAML', ({ key, read }) => {
  it('refuses an alias bomb with the alias-limit code, naming the file', () => {
    const e = errorOf(() => read('bomb.yaml', billionLaughs(key)));
    expect(e.code).toBe('INPUT_YAML_ALIAS_LIMIT');
    expect(e.location?.file).toBe('bomb.yaml');
  });

  it('refuses nesting too deep with the too-large code, naming the file', () => {
    const e = errorOf(() => read('deep.yaml', tooDeep(key)));
    expect(e.code).toBe('INPUT_TOO_LARGE');
    expect(e.location?.file).toBe('deep.yaml');
  });
});
