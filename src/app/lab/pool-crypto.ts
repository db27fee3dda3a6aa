/**
 * Real encryption for lab mode: a factory of {@link CryptoBackend}s over the app's crypto worker pool
 * (workers/backend.ts), bound to the simulated round's threshold key. Every virtual participant's
 * encryption, push-sum merge and partial decryption then runs in the workers, so the page stays
 * responsive and both cores work.
 * @module
 */
import type { CryptoPool } from '../../../workers/pool';
import { workerBackend } from '../../../workers/backend';
import type { ThresholdPublicKey } from '../../crypto/types';
import type { LabCrypto } from './engine';

/**
 * A {@link LabCrypto} over `pool` for `bits`-bit round keys.
 * @throws RangeError if bits is not 512, 1024 or 2048 (and, from `backend`, if the key's size differs)
 */
export function poolLabCrypto(pool: CryptoPool, bits: number): LabCrypto {
  if (![512, 1024, 2048].includes(bits)) throw new RangeError(`poolLabCrypto: bits must be 512, 1024 or 2048, got ${String(bits)}`);
  return {
    name: `${bits}-bit threshold Paillier in ${pool.size} worker${pool.size === 1 ? '' : 's'}`,
    backend(publicKey: ThresholdPublicKey) {
      if (publicKey.bits !== bits) throw new RangeError(`poolLabCrypto: a ${publicKey.bits}-bit key for a ${bits}-bit backend`);
      return workerBackend(pool, publicKey, { variant: 'djn' });
    },
  };
}
