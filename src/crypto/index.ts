/**
 * Public API of the encrypted-arithmetic core: Paillier (g = n + 1, CRT decryption, precomputed and
 * DJN short-exponent randomness), fixed-point encoding, signed slot packing, threshold Paillier
 * (Shoup / Damgård–Jurik, s = 1), safe primes, byte serialisation and the AdditiveScheme facades.
 * Pure TypeScript on BigInt: no DOM, no Node built-ins (runs in Node, workers and tabs).
 * @module
 */
export type {
  PublicKey, PrivateKey, ThresholdPublicKey, KeyShare, PartialDecryption, AdditiveScheme,
} from './types';

export {
  SUPPORTED_KEY_BITS, generateKeyPair, privateKeyFromPrimes, publicKeyFromModulus,
  encrypt, encryptWithNonce, encryptWithNonceTerm, decrypt, add, sub, mulConst, rerandomize, randomNonce,
  assertPublicKey, assertPlaintext, assertCiphertext,
} from './paillier';
export type { KeyBits } from './paillier';

export { createNoncePool, encryptOnline, standardNonce } from './nonce-pool';
export type { EncryptionVariant, NoncePool, NoncePoolOptions } from './nonce-pool';

export { DJN_EXPONENT_BITS, djnSetup, djnNonce, djnNonceFor, assertDjnParams } from './djn';
export type { DjnParams } from './djn';

export { encodeFixed, decodeFixed, encodeSigned, decodeSigned } from './fixed-point';

export { packingLayout, pack, unpack, plaintextsNeeded } from './packing';
export type { PackingLayout, PackingOptions } from './packing';

export {
  MAX_HOLDERS, dealThresholdKey, dealThresholdKeyFromPrimes, partialDecrypt, combinePartials,
  assertThresholdPublicKey,
} from './threshold';
export type { DealtThresholdKey, DealOptions } from './threshold';

export { findSafePrime, isSafePrime } from './safe-prime';
export type { SafePrimeProgress } from './safe-prime';

export {
  paillierScheme, plainScheme, plainModulus, isPlaintext,
  paillierThresholdDecryption, plainThresholdDecryption, dealPlainThresholdKey,
} from './schemes';
export type { CodecScheme, PaillierSchemeOptions, ThresholdDecryption } from './schemes';

export {
  bigintToBytes, bytesToBigint, ciphertextBytes,
  encodePublicKey, decodePublicKey, encodePrivateKey, decodePrivateKey,
  encodeThresholdPublicKey, decodeThresholdPublicKey, encodeKeyShare, decodeKeyShare,
  encodeCiphertext, decodeCiphertext, encodeCiphertexts, decodeCiphertexts,
  encodePartialDecryption, decodePartialDecryption,
} from './serialize';
export type { DecodeKeyOptions } from './serialize';
