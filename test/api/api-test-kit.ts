import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** One request as app.inject takes it. */
export interface Sent {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly payload?: string | Buffer | Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/** A multipart/form-data request: fields first, then the files, as a browser's form sends them. */
export function multipart(
  method: Sent['method'],
  url: string,
  fields: Readonly<Record<string, string>>,
  files: readonly { name: string; filename: string; body: string | Buffer }[],
  headers: Record<string, string> = {},
): Sent & { payload: Buffer } {
  const boundary = `----ccheck${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      ),
    );
    parts.push(typeof f.body === 'string' ? Buffer.from(f.body) : f.body, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { method, url, payload: Buffer.concat(parts), headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * 9/(12): short error messages with codes and no internals. No body may carry a stack frame, an
 * SQL statement or error, or a path on the server (the store's folder, the temp folder, the
 * source tree). Binary bodies (PDF, XLSX, ZIP) are checked as text too: a path inside would show.
 */
export function expectNoInternals(name: string, body: string, contentType: string, home: string): void {
  const text = body;
  const where = `${name} (${contentType})`;
  expect(text, where).not.toMatch(/\bat [\w.<>]+ \(?(?:file:\/\/|\/)[^)]*:\d+:\d+\)?/); // stack frames
  expect(text, where).not.toMatch(/node:internal|\.ts:\d+:\d+|\.js:\d+:\d+/);
  expect(text, where).not.toMatch(/\b(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b.+\b(?:FROM|VALUES|WHERE|SET)\b/);
  expect(text, where).not.toMatch(/SQLITE_\w+|syntax error at or near|violates (?:foreign key|unique) constraint|relation "\w+" does not exist/i);
  expect(text, where).not.toContain(home);
  expect(text, where).not.toMatch(/\/tmp\/|\/work\/|\/home\/|\/root\/|node_modules|[A-Z]:\\\\/);
}
