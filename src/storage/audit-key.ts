import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseWitnesses, witnessLine, type Witness } from '../core/audit/audit-auth.js';
import { CoreError } from '../core/errors.js';

/**
 * The audit key and the witness file live beside the vault key, outside the database and
 * outside backups' table files: someone who can write the database cannot read them.
 */
export function auditKeyFile(env: NodeJS.ProcessEnv, home: string): string {
  return env.CCHECK_AUDIT_KEY_FILE || path.join(home, 'audit.key');
}

export function witnessFile(env: NodeJS.ProcessEnv, home: string): string {
  return env.CCHECK_WITNESS_FILE || path.join(home, 'witness.log');
}

/** The installation's audit key (CCHECK_AUDIT_KEY, or audit.key), or null when none exists yet. */
export function resolveAuditKey(env: NodeJS.ProcessEnv, home: string): Buffer | null {
  const parse = (text: string, from: string): Buffer => {
    const t = text.trim();
    const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (key.length !== 32) throw new CoreError('AUDIT_KEY_MISSING', `${from}: the audit key must be 32 bytes, as 64 hex digits or base64`, { file: from });
    return key;
  };
  if (env.CCHECK_AUDIT_KEY) return parse(env.CCHECK_AUDIT_KEY, 'CCHECK_AUDIT_KEY');
  const file = auditKeyFile(env, home);
  return existsSync(file) ? parse(readFileSync(file, 'utf8'), file) : null;
}

/** Creates audit.key (0600, never overwritten); false when another process made it first. */
export function createAuditKeyFile(file: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Appends one witness (append-only, 0600). */
export function appendWitness(file: string, w: Witness): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, witnessLine(w), { mode: 0o600 });
}

export function readWitnesses(file: string): Witness[] {
  if (!existsSync(file)) return [];
  const { witnesses, bad } = parseWitnesses(readFileSync(file, 'utf8'), file);
  if (bad.length) throw new CoreError('AUDIT_CHAIN_BROKEN', bad[0]!.detail, { problems: bad.length, first: 'witness file' }, { file, line: bad[0]!.line });
  return witnesses;
}
