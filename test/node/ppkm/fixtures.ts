/** Shared fixtures of the PPkM tests: seeded blob data and small-key parameters. */
import type { Rng } from '../../../src/core/rng';
import { seededRng } from '../../../src/core/rng';
import type { PpkmParams, PpkmVariant } from '../../../src/protocol/ppkm/params';

/** Standard normal by Box–Muller. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** `nodes` datasets of `per` records in [0, 1]^d around `centres` blobs (σ = 0.06), deterministic. */
export function blobData(seed: number, nodes: number, per: number, d: number, centres = 3): number[][][] {
  const rng = seededRng(seed);
  const mus = Array.from({ length: centres }, () => Array.from({ length: d }, () => 0.15 + 0.7 * rng.nextFloat()));
  return Array.from({ length: nodes }, () =>
    Array.from({ length: per }, () => {
      const mu = mus[rng.nextUint32() % centres]!;
      return mu.map((m) => Math.min(1, Math.max(0, m + 0.06 * gaussian(rng))));
    }),
  );
}

/** Small-key parameters over [0, 1]^d. */
export function testParams(variant: PpkmVariant, over: Partial<PpkmParams> = {}): PpkmParams {
  const d = over.d ?? 2;
  const k = over.k ?? 3;
  return {
    variant, k, d,
    lo: Array<number>(d).fill(0), hi: Array<number>(d).fill(1),
    fractionBits: 16, maxRecords: 64, maxNeighbours: 8, kappa: 40, lambdaBits: 48,
    keyBits: 512, epsStop: 1e-9, maxIterations: 30,
    initialCentroids: Array.from({ length: k }, (_, j) => Array<number>(d).fill((j + 0.5) / k)),
    ...over,
  };
}
