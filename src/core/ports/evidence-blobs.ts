/**
 * Evidence files, content-addressed by SHA-256 and encrypted at rest (today the vault on disk;
 * an object store could implement the same). Evidence enters as a named stream, so a file on
 * disk and an upload over HTTP take the same path.
 */
export interface NamedStream {
  /** How reports and findings name the file (a base name, or a path inside an evidence folder). */
  readonly name: string;
  readonly stream: AsyncIterable<Uint8Array>;
}

export interface EvidenceBlobStore {
  /** Stores the bytes (encrypted, verified) and returns their SHA-256 and size; the same bytes are stored once. */
  put(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }>;
  has(sha256: string): boolean;
}
