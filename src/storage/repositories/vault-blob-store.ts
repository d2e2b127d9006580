import { Readable } from 'node:stream';
import type { EvidenceBlobStore } from '../../core/ports/evidence-blobs.js';
import type { EvidenceVault } from '../evidence-vault.js';

/** The encrypted vault on disk as the evidence blob store (an object store could implement the same port). */
export class VaultBlobStore implements EvidenceBlobStore {
  constructor(
    private readonly vault: EvidenceVault,
    /** Told how many bytes were stored so far, as they are stored. */
    private readonly onBytes?: (bytesSoFar: number) => void,
  ) {}

  put(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
    return this.vault.put(stream instanceof Readable ? stream : Readable.from(stream), this.onBytes);
  }

  has(sha256: string): boolean {
    return this.vault.has(sha256);
  }
}
