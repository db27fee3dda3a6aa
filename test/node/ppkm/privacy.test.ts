import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { aggregateAndMask, decryptShares, encryptContribution } from '../../../src/protocol/ppkm/aggregation';
import { paillierPpkmCrypto, plainPpkmCrypto } from '../../../src/protocol/ppkm/crypto';
import type { PpkmCrypto } from '../../../src/protocol/ppkm/crypto';
import { aggregationLayout } from '../../../src/protocol/ppkm/layout';
import { localValues, prepareLocalData } from '../../../src/protocol/ppkm/local-stats';
import { deriveSizes, valueCount } from '../../../src/protocol/ppkm/params';
import type { PpkmVariant } from '../../../src/protocol/ppkm/params';
import { completeGraph } from '../../../src/sim/ppkm/graph';
import { runPpkmNetwork } from '../../../src/sim/ppkm/harness';
import { blobData, testParams } from './fixtures';

const BUCKETS = 16;
/** χ² critical value, 15 degrees of freedom, α = 0.001. */
const CHI2_15_999 = 37.70;

/** The assistant's view over many aggregations of fixed inputs: top 4 bits of each share below 2^maskBits. */
async function assistantTopBits(crypto: PpkmCrypto, maskBits: number | null, allMax: boolean, runs: number): Promise<number[]> {
  const p = testParams('packed', { keyBits: crypto.keyBits });
  const z = deriveSizes(p);
  const layout = aggregationLayout(p, z);
  const V = valueCount(p);
  const sk = await crypto.generateKeyPair();
  const rng = seededRng(allMax ? 1 : 2);
  const value = allMax ? (1n << BigInt(z.sigma)) - 1n : 0n;
  const members = Array.from({ length: p.maxNeighbours + 1 }, () => Array<bigint>(V).fill(value));
  const counts = Array<number>(BUCKETS).fill(0);
  const shift = BigInt(z.maskBits - 4);
  for (let run = 0; run < runs; run++) {
    const cts = await Promise.all(members.map((v) => encryptContribution(crypto, sk.publicKey, v, layout)));
    const { masked } = await aggregateAndMask(crypto, sk.publicKey, cts, layout, V, maskBits ?? z.maskBits, rng);
    const shares = await decryptShares(crypto, sk, masked, layout, V);
    for (const s of shares) counts[Math.min(BUCKETS - 1, Number(s >> shift))]! += 1;
  }
  return counts;
}

function chi2(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
}

describe('the assistant only sees masked values', () => {
  it('shares of an all-zero and an all-maximal aggregate are both uniform on the top bits (χ², α = 0.001)', async () => {
    for (const allMax of [false, true]) {
      const counts = await assistantTopBits(plainPpkmCrypto(), null, allMax, 120);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(120 * 9);
      expect(chi2(counts)).toBeLessThan(CHI2_15_999);
    }
  });

  it('with real Paillier (256-bit) decryption the view is the same', async () => {
    const counts = await assistantTopBits(paillierPpkmCrypto(256, { rng: seededRng(4) }), null, true, 60);
    expect(chi2(counts)).toBeLessThan(CHI2_15_999);
  });

  it('negative control: without masks the test fails (the assistant would see A)', async () => {
    const counts = await assistantTopBits(plainPpkmCrypto(), 0, true, 120);
    expect(chi2(counts)).toBeGreaterThan(CHI2_15_999);
  });
});

/** Big-endian bytes of x (minimal length). */
function bytesOf(x: bigint): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('wire audit', () => {
  /** Runs a network, then searches every frame for every node's local plaintext values and packings. */
  async function audit(variant: PpkmVariant, bits: number): Promise<{ found: number; searched: number }> {
    const N = 4;
    const data = blobData(21, N, 12, 2);
    // 24 fraction bits make every sum ≥ 2^24: 4+ byte patterns, too long to match ciphertext bytes by chance.
    const p = testParams(variant, { keyBits: bits, maxIterations: 3, fractionBits: 24 });
    const crypto = bits ? paillierPpkmCrypto(bits, { rng: seededRng(6) }) : plainPpkmCrypto();
    const frames: Uint8Array[] = [];
    const res = await runPpkmNetwork({ params: p, crypto, graph: completeGraph(N), data, seed: 4, onSend: (_f, _t, fr) => frames.push(fr) });
    const layout = aggregationLayout(p, deriveSizes(p));
    let found = 0, searched = 0;
    res.nodes.forEach((node, i) => {
      const local = prepareLocalData(data[i]!, p);
      for (let l = 0; l < node.iterations; l++) {
        const values = localValues(local, node.centroidHistory[l]!, p);
        const secrets = [...values.filter((v) => v >= 1n << 24n), ...layout.plaintexts.map((idx) => {
          let acc = 0n;
          for (let t = idx.length - 1; t >= 0; t--) acc = (acc << BigInt(layout.slotBits)) | values[idx[t]!]!;
          return acc;
        }).filter((v) => v >= 1n << 24n)];
        for (const s of secrets) {
          searched++;
          if (frames.some((f) => contains(f, bytesOf(s)))) found++;
        }
      }
    });
    return { found, searched };
  }

  it.each(['packed', 'b'] as const)('no frame carries a node\'s plaintext local sums (Paillier 256, %s)', async (variant) => {
    const { found, searched } = await audit(variant, 256);
    expect(searched).toBeGreaterThan(20);
    expect(found).toBe(0);
  });

  it('negative control: with --key-bits 0 the audit finds them', async () => {
    const { found } = await audit('packed', 0);
    expect(found).toBeGreaterThan(0);
  });
});
