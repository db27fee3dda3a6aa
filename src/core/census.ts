/**
 * A contributor census: the set of a round's members (indices 0..n−1) whose contribution an
 * aggregate contains, as a bitset (bit i&31 of word i>>5 = member i). Noise shares are sized for n′
 * contributors, so an aggregate with fewer is under-noised and must not be decrypted
 * (src/core/dp/noise-shares.ts); the census is how the key holders know. Who contributed is public
 * metadata, like who gossips with whom: it says nothing about anyone's data.
 *
 * Censuses are immutable values: {@link censusUnion} returns one of its inputs when that input
 * already holds every member of the other, so well-mixed gossip states share one object instead of
 * allocating a copy per merge, and {@link censusCount} is computed once per object. On the wire a
 * census is its words, 4 little-endian bytes each ({@link censusToBytes}, {@link censusFromBytes}).
 * @module
 */

/** Largest round a census covers (2.5 KB on the wire); the round configuration refuses more. */
export const CENSUS_MAX_MEMBERS = 20_000;

/** A census of a round's members: ⌈members/32⌉ words. Treat as immutable. */
export type Census = Uint32Array;

/** Words of a census of `members` members. */
export function censusWords(members: number): number {
  return Math.ceil(members / 32);
}

/** Bytes of a census of `members` members on the wire. */
export function censusBytes(members: number): number {
  return 4 * censusWords(members);
}

function checkMembers(fn: string, members: number): void {
  if (!Number.isSafeInteger(members) || members < 1 || members > CENSUS_MAX_MEMBERS) {
    throw new RangeError(`${fn}: members must be an integer in [1, ${CENSUS_MAX_MEMBERS}], got ${members}`);
  }
}

/**
 * The empty census of a round of `members` members.
 * @throws RangeError if members is out of range
 */
export function emptyCensus(members: number): Census {
  checkMembers('emptyCensus', members);
  return new Uint32Array(censusWords(members));
}

/**
 * The census of one member.
 * @throws RangeError if members is out of range or index is not in [0, members)
 */
export function censusOf(members: number, index: number): Census {
  checkMembers('censusOf', members);
  if (!Number.isSafeInteger(index) || index < 0 || index >= members) {
    throw new RangeError(`censusOf: member index must be an integer in [0, ${members}), got ${index}`);
  }
  const c = new Uint32Array(censusWords(members));
  c[index >>> 5] = (1 << (index & 31)) >>> 0;
  return c;
}

/**
 * Whether `c` is a census of `members` members: ⌈members/32⌉ words and no bit at or beyond
 * `members` (a message from a peer is checked with this before use).
 */
export function isValidCensus(c: unknown, members: number): c is Census {
  if (!(c instanceof Uint32Array) || members < 1 || c.length !== censusWords(members)) return false;
  const spare = members & 31;
  return spare === 0 || (c[c.length - 1]! >>> spare) === 0;
}

/**
 * The union of two censuses of the same round. Returns `a` itself when it already holds every member
 * of `b` (and `b` when it holds every member of `a`), else a new census.
 * @throws RangeError on censuses of different sizes
 */
export function censusUnion(a: Census, b: Census): Census {
  if (a.length !== b.length) throw new RangeError(`censusUnion: censuses of ${a.length} and ${b.length} words`);
  if (a === b) return a;
  let aHasAll = true, bHasAll = true;
  for (let i = 0; i < a.length && (aHasAll || bHasAll); i++) {
    const x = a[i]!, y = b[i]!, u = (x | y) >>> 0;
    if (u !== x) aHasAll = false;
    if (u !== y) bHasAll = false;
  }
  if (aHasAll) return a;
  if (bHasAll) return b;
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! | b[i]!;
  return out;
}

/** Whether `b` holds a member that `a` lacks. @throws RangeError on censuses of different sizes */
export function censusLacks(a: Census, b: Census): boolean {
  if (a.length !== b.length) throw new RangeError(`censusLacks: censuses of ${a.length} and ${b.length} words`);
  for (let i = 0; i < a.length; i++) if (((a[i]! | b[i]!) >>> 0) !== a[i]) return true;
  return false;
}

const counts = new WeakMap<Census, number>();

/** Members in the census (computed once per census object). */
export function censusCount(c: Census): number {
  let n = counts.get(c);
  if (n !== undefined) return n;
  n = 0;
  for (let i = 0; i < c.length; i++) {
    let x = c[i]!;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  counts.set(c, n);
  return n;
}

/** The wire bytes of a census: byte j holds members 8j..8j+7 (each word little-endian). */
export function censusToBytes(c: Census): Uint8Array {
  const out = new Uint8Array(4 * c.length);
  for (let j = 0; j < out.length; j++) out[j] = (c[j >>> 2]! >>> (8 * (j & 3))) & 0xff;
  return out;
}

/** A census from its wire bytes, or null if they are not a census of `members` members (size, spare bits). */
export function censusFromBytes(bytes: Uint8Array, members: number): Census | null {
  if (members < 1 || members > CENSUS_MAX_MEMBERS || bytes.length !== censusBytes(members)) return null;
  const c = new Uint32Array(censusWords(members));
  for (let j = 0; j < bytes.length; j++) c[j >>> 2]! |= bytes[j]! << (8 * (j & 3));
  return isValidCensus(c, members) ? c : null;
}
