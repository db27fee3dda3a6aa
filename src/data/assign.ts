/**
 * Participant assignment (BRIEF §7): participant i gets L series of one owner. When N exceeds the
 * number of owners, each owner's series are split into disjoint groups of L and owners contribute
 * several participants, round-robin so that no owner gets a second group before every owner has
 * one. This weakens user-level privacy (one person behind several participants), so the result's
 * `note` says so.
 * @module
 */
import type { Rng } from '../core/rng';
import type { Assignment, Dataset, Participant } from './types';

/** Uniform integer in [0, n) by rejection (n ≤ 2^32). */
function below(rng: Rng, n: number): number {
  const limit = Math.floor(0x100000000 / n) * n;
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/** Fisher–Yates shuffle of the indices 0 … n − 1. */
function permutation(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Assigns N participants their series. Owners are taken in a random order (from `rng`), each owner's
 * series are shuffled and cut into disjoint groups of L (a remainder shorter than L is left out,
 * unless the owner has fewer than L series in all, in which case it contributes what it has).
 * Participants take groups round-robin over owners. Deterministic for a given `rng` state.
 * @throws RangeError when N or L is not a positive integer, or the dataset has fewer than N groups.
 */
export function assignParticipants(dataset: Dataset, N: number, L: number, rng: Rng): Assignment {
  if (!Number.isSafeInteger(N) || N < 1) throw new RangeError(`assignParticipants: N must be a positive integer, got ${N}`);
  if (!Number.isSafeInteger(L) || L < 1) throw new RangeError(`assignParticipants: L must be a positive integer, got ${L}`);
  const owners = dataset.owners.filter((o) => o.series.length > 0);
  if (owners.length === 0) throw new RangeError(`assignParticipants: dataset '${dataset.name}' has no series`);

  // groups[r] = round r: at most one group per owner, owners in a random order.
  const order = permutation(rng, owners.length);
  const perOwner = order.map((oi) => {
    const owner = owners[oi]!;
    const idx = permutation(rng, owner.series.length);
    const count = owner.series.length < L ? 1 : Math.floor(owner.series.length / L);
    return Array.from({ length: count }, (_, g) => ({
      owner: owner.id,
      group: g,
      series: idx.slice(g * L, (g + 1) * L).map((i) => owner.series[i]!),
    }));
  });
  const total = perOwner.reduce((s, g) => s + g.length, 0);
  if (total < N) {
    throw new RangeError(
      `assignParticipants: '${dataset.name}' has ${owners.length} owners giving only ${total} disjoint groups ` +
      `of ${L} series; N = ${N} is too many (lower N or L)`);
  }
  const participants: Participant[] = [];
  for (let round = 0; participants.length < N; round++) {
    for (const groups of perOwner) {
      const g = groups[round];
      if (g) participants.push(g);
      if (participants.length === N) break;
    }
  }

  const notes: string[] = [];
  const usedOwners = new Set(participants.map((p) => p.owner)).size;
  if (N > usedOwners) {
    notes.push(`N = ${N} exceeds the ${owners.length} owners of '${dataset.name}': their series were split into ` +
      `disjoint groups of ${L}, so ${usedOwners} owners stand behind ${N} participants ` +
      `(up to ${Math.max(...participants.map((p) => p.group)) + 1} each)`);
  }
  const short = participants.filter((p) => p.series.length < L).length;
  if (short > 0) notes.push(`${short} participant(s) have fewer than L = ${L} series (their owner has no more)`);
  return notes.length > 0 ? { participants, note: notes.join('; ') } : { participants };
}
