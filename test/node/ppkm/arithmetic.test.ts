import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { aggregateAndMask, decryptShares, encryptContribution } from '../../../src/protocol/ppkm/aggregation';
import { paillierPpkmCrypto, plainPpkmCrypto } from '../../../src/protocol/ppkm/crypto';
import type { PpkmCrypto } from '../../../src/protocol/ppkm/crypto';
import { divisionBlind, divisionFinish, divisionRequest } from '../../../src/protocol/ppkm/division';
import { aggregationLayout, divisionSpecs, pack, unpackInto } from '../../../src/protocol/ppkm/layout';
import type { PpkmVariant } from '../../../src/protocol/ppkm/params';
import { deriveSizes, valueCount } from '../../../src/protocol/ppkm/params';
import { testParams } from './fixtures';

// Two 512-bit key pairs from a seeded generator, shared by the Paillier cases.
const keyCrypto = paillierPpkmCrypto(512, { rng: seededRng(42) });
const keysP = Promise.all([keyCrypto.generateKeyPair(), keyCrypto.generateKeyPair()]);

/** Runs aggregation + division end to end for given per-node values and returns the ratios. */
async function endToEnd(crypto: PpkmCrypto, variant: PpkmVariant, bits: number, nodes: bigint[][], seed: number): Promise<(number | null)[]> {
  const p = testParams(variant, { keyBits: bits });
  const z = deriveSizes(p);
  const layout = aggregationLayout(p, z);
  const specs = divisionSpecs(p, z);
  const V = valueCount(p);
  const rng = seededRng(seed);
  const [agg, div] = bits ? await keysP : [await crypto.generateKeyPair(), await crypto.generateKeyPair()];
  const contributions = await Promise.all(nodes.map((v) => encryptContribution(crypto, agg!.publicKey, v, layout)));
  const { masked, masks } = await aggregateAndMask(crypto, agg!.publicKey, contributions, layout, V, z.maskBits, rng);
  const req = await divisionRequest(crypto, div!.publicKey, masks, specs);
  const shares = await decryptShares(crypto, agg!, masked, layout, V);
  const blinded = await divisionBlind(crypto, div!.publicKey, req, shares, specs, rng);
  return divisionFinish(crypto, div!, blinded, specs, V);
}

describe('secure aggregation + bounded-λ division are exact', () => {
  const p = testParams('packed', { keyBits: 512 });
  const z = deriveSizes(p);
  const V = valueCount(p);
  const maxLocal = (1n << BigInt(z.sigma)) - 1n; // near the bound: σ bits per node
  const members = p.maxNeighbours + 1; // |Γ*| at its public maximum
  const nodeValues = fc.array(fc.oneof(fc.bigInt({ min: 0n, max: maxLocal }), fc.constantFrom(0n, 1n, maxLocal)), { minLength: V, maxLength: V });

  it.each(['b', 'e', 'packed'] as const)('plain scheme, variant %s: ratios equal Σsums/Σcounts for random values up to the bounds', async (variant) => {
    await fc.assert(fc.asyncProperty(fc.array(nodeValues, { minLength: 1, maxLength: members }), fc.integer(), async (nodes, seed) => {
      const ratios = await endToEnd(plainPpkmCrypto(), variant, 0, nodes, seed);
      for (let j = 0; j < p.k; j++) {
        const cnt = nodes.reduce((a, v) => a + v[j * (p.d + 1) + p.d]!, 0n);
        for (let s = 0; s < p.d; s++) {
          const sum = nodes.reduce((a, v) => a + v[j * (p.d + 1) + s]!, 0n);
          const r = ratios[j * (p.d + 1) + s];
          if (cnt === 0n) expect(r).toBeNull();
          else expect(r).toBeCloseTo(Number(sum) / Number(cnt), 6);
        }
      }
    }), { numRuns: 40, seed: 7 });
  });

  it('Paillier 512, packed and e: exact at the maximal aggregate (every node at the σ bound)', async () => {
    for (const variant of ['packed', 'e'] as const) {
      const nodes = Array.from({ length: members }, () => Array<bigint>(V).fill(maxLocal));
      const ratios = await endToEnd(keyCrypto, variant, 512, nodes, 3);
      for (let j = 0; j < p.k; j++) for (let s = 0; s < p.d; s++) expect(ratios[j * (p.d + 1) + s]).toBe(1);
    }
  });

  it('Paillier 512, packed: random values', async () => {
    await fc.assert(fc.asyncProperty(fc.array(nodeValues, { minLength: 2, maxLength: 4 }), async (nodes) => {
      const ratios = await endToEnd(keyCrypto, 'packed', 512, nodes, 9);
      const cnt = nodes.reduce((a, v) => a + v[p.d]!, 0n);
      const sum = nodes.reduce((a, v) => a + v[0]!, 0n);
      if (cnt > 0n) expect(ratios[0]).toBeCloseTo(Number(sum) / Number(cnt), 6);
    }), { numRuns: 5, seed: 11 });
  });

  it('a λ that could wrap would break the ratio (why λ is bounded)', () => {
    // λ·A ≥ n wraps: (λ·A mod n)/(λ·m mod n) is no longer A/m.
    const n = 1000003n, A = 700n, m = 7n, lambda = 999_999n;
    expect(Number((lambda * A) % n) / Number((lambda * m) % n)).not.toBeCloseTo(Number(A) / Number(m), 3);
  });
});

describe('Horner packing', () => {
  it('round-trips the sum of |Γ*| packed vectors at the slot bound', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 8, max: 90 }), fc.integer({ min: 1, max: 12 }), (members, valueBits, len) => {
      const slotBits = valueBits + Math.ceil(Math.log2(members + 1));
      const idx = Array.from({ length: len }, (_, i) => i);
      const rng = seededRng(members * 1000 + valueBits);
      const vecs = Array.from({ length: members }, () => idx.map(() => BigInt(rng.nextUint32()) % (1n << BigInt(valueBits))));
      vecs[0] = idx.map(() => (1n << BigInt(valueBits)) - 1n);
      const total = vecs.reduce((a, v) => a + pack(v, idx, slotBits), 0n);
      const out = Array<bigint>(len).fill(0n);
      unpackInto(total, idx, slotBits, out);
      expect(out).toEqual(idx.map((i) => vecs.reduce((a, v) => a + v[i]!, 0n)));
    }), { numRuns: 100, seed: 5 });
  });

  it('detects overflow and out-of-range slots', () => {
    const out = [0n, 0n];
    expect(() => unpackInto(1n << 16n, [0, 1], 8, out)).toThrow(/overflow/);
    expect(() => pack([256n], [0], 8)).toThrow(RangeError);
    expect(() => pack([-1n], [0], 8)).toThrow(RangeError);
  });
});
