import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { publicKeyFingerprint } from '../core/inspection/package-manifest.js';

/**
 * The installation's package-signing key (Ed25519), beside the vault key: the private half 0600,
 * never in the database; the public half is printed in every signed report and put into backups.
 */
export function signingKeyFiles(env: NodeJS.ProcessEnv, home: string): { privateKey: string; publicKey: string } {
  const dir = env.CCHECK_SIGNING_KEY_DIR || home;
  return { privateKey: path.join(dir, 'package-signing.key'), publicKey: path.join(dir, 'package-signing.pub') };
}

/** The public key (PEM) and its fingerprint, or null when the installation has no signing key yet. */
export function readSigningPublicKey(env: NodeJS.ProcessEnv, home: string): { publicKeyPem: string; fingerprint: string } | null {
  const { publicKey } = signingKeyFiles(env, home);
  if (!existsSync(publicKey)) return null;
  const pem = readFileSync(publicKey, 'utf8');
  return { publicKeyPem: pem, fingerprint: publicKeyFingerprint(createPublicKey(pem).export({ type: 'spki', format: 'der' })) };
}

/** The private key, created (with its public half) on first use. */
export function ensureSigningKey(env: NodeJS.ProcessEnv, home: string): { privateKey: KeyObject; publicKeyPem: string; fingerprint: string } {
  const files = signingKeyFiles(env, home);
  if (!existsSync(files.privateKey)) {
    const pair = generateKeyPairSync('ed25519');
    mkdirSync(path.dirname(files.privateKey), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(files.privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      writeFileSync(files.publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another ccheck made it just now
    }
  }
  const privateKey = createPrivateKey(readFileSync(files.privateKey, 'utf8'));
  const pub = createPublicKey(privateKey);
  if (!existsSync(files.publicKey)) writeFileSync(files.publicKey, pub.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return {
    privateKey,
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(pub.export({ type: 'spki', format: 'der' })),
  };
}
