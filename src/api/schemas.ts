/**
 * JSON Schema fragments shared by the routes: they validate requests, shape responses (fields
 * not listed never leave the server) and make the OpenAPI document at /api/docs/json.
 */
type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string' };
export const strOrNull: Schema = { type: 'string', nullable: true };
export const int: Schema = { type: 'integer' };
export const num: Schema = { type: 'number' };
export const bool: Schema = { type: 'boolean' };
export const isoDate: Schema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
export const isoDateOrNull: Schema = { ...isoDate, nullable: true };
/** Free-form JSON kept as it is (a profile, analyzer options), checked by the use case. */
export const anyObject: Schema = { type: 'object', additionalProperties: true };

export function obj(properties: Record<string, Schema>, required: readonly string[] = Object.keys(properties)): Schema {
  return { type: 'object', properties, required: [...required], additionalProperties: false };
}

/** A response object: every listed field, nothing else. */
export function out(properties: Record<string, Schema>): Schema {
  return { type: 'object', properties };
}

export const arr = (items: Schema): Schema => ({ type: 'array', items });

export const errorBody: Schema = out({
  code: str,
  message: str,
  location: out({ file: str, line: int, row: int, field: str }),
  problems: arr(out({ field: strOrNull, line: int, en: str, zh: str })),
});

export const firmParam = obj({ firm: { type: 'string', description: 'licence number or id' } });
export const runParams = obj({ firm: str, period: { type: 'string', description: 'e.g. 2026-11, 2026-H2, 2026' } });
export const itemParams = obj({
  firm: str,
  period: str,
  path: { type: 'string', description: 'item path, percent-encoded as one segment: 7%2F(1)%2Fd%2F(a)' },
});
export const revisionQuery = obj({ revision: { type: 'integer', minimum: 1 } }, []);

/** Common error responses of a route, for the document (the body is always {code, message}). */
export function errors(...statuses: number[]): Record<number, Schema> {
  return Object.fromEntries(statuses.map((s) => [s, { ...errorBody, description: 'error: {code, message}' }]));
}

/**
 * The first field of `value` that `schema` does not name where it allows no others
 * (`additionalProperties: false`), as `grants[0].firm`, or null. The app refuses such a field
 * by name instead of letting ajv drop it: a misspelt `justifcation` must not vanish without a word.
 */
export function unknownFieldOf(schema: unknown, value: unknown, at = ''): string | null {
  if (!schema || typeof schema !== 'object' || value === null || typeof value !== 'object') return null;
  const s = schema as { properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown };
  if (Array.isArray(value)) {
    if (!s.items) return null;
    for (const [i, v] of value.entries()) {
      const found = unknownFieldOf(s.items, v, `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  const properties = s.properties ?? {};
  for (const [key, v] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (!Object.hasOwn(properties, key)) {
      if (s.additionalProperties === false) return path;
      continue;
    }
    const found = unknownFieldOf(properties[key], v, path);
    if (found) return found;
  }
  return null;
}
