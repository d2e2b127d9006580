import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { CoreError, type Problem } from '../core/errors.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => Ajv;

const compiled = new Map<string, ValidateFunction>();

/**
 * Validates an OSCAL document against one of NIST's JSON schemas (e.g. oscal_complete_schema.json
 * of 1.1.3 or 1.2.1). ccheck ships no copy of NIST's schemas; the user (or the tests) name the
 * file. Formats (date-time, uri, email) are checked too, not only the patterns.
 */
export function oscalSchemaProblems(document: unknown, schemaFile: string, documentName: string): Problem[] {
  let validate = compiled.get(schemaFile);
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    compiled.set(schemaFile, validate);
  }
  if (validate(document)) return [];
  return (validate.errors ?? []).slice(0, 50).map((e) => ({
    location: { file: documentName, field: e.instancePath || '/' },
    en: `${e.message ?? 'invalid'} (${e.schemaPath})`,
    zh: `不符合 OSCAL Schema：${e.message ?? 'invalid'}`,
  }));
}

export function assertOscalValid(document: unknown, schemaFile: string, documentName: string): void {
  const problems = oscalSchemaProblems(document, schemaFile, documentName);
  if (problems.length)
    throw new CoreError(
      'OSCAL_SCHEMA_INVALID',
      `${documentName} does not validate against ${schemaFile} (${problems.length} problems)`,
      { problems: problems.length },
      { file: documentName, field: problems[0]!.location.field },
      problems,
    );
}
