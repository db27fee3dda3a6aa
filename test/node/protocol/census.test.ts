/**
 * The contributor census in the Participant: an iteration's gossip waits for the n′ contributors its
 * noise shares are sized for, and no aggregate of fewer is ever decrypted (it would be under-noised).
 */
import { describe, expect, it } from 'vitest';
import { censusCount, censusOf, censusUnion, emptyCensus } from '../../../src/core/census';
import { seededRng } from '../../../src/core/rng';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import { codecLink } from '../../../src/protocol/chiaroscuro/link';
import { MessageType } from '../../../src/protocol/chiaroscuro/messages';
import type { ChiaroscuroMessage } from '../../../src/protocol/chiaroscuro/messages';
import { MIN_CONTRIBUTOR_WAIT_MS, Participant } from '../../../src/protocol/chiaroscuro/participant';
import type { ParticipantEvent, Release } from '../../../src/protocol/chiaroscuro/participant';
import { ciphertextCount, makeRoundConfig } from '../../../src/protocol/chiaroscuro/round';
import { MemoryNetwork } from '../../../src/sim/network';
import { VirtualClock } from '../../../src/sim/virtual-clock';

interface Options {
  N: number;
  dropout?: number;
  /** This participant never takes part (its tab was closed before the round started). */
  absent?: number;
  /** This participant starts each iteration `by` ms after receiving its centroids (a slow device). */
  slow?: { index: number; by: number };
  /** Decides whether `from`'s message to `to` is delivered. */
  deliver?: (from: string, to: string, msg: ChiaroscuroMessage) => boolean;
}

/** N participants over a lossless in-memory network, 3 key holders (2 of 3), 2 iterations, no noise. */
function round(o: Options) {
  const ids = Array.from({ length: o.N }, (_, i) => `p${i}`);
  const dealt = dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 });
  const cfg = makeRoundConfig({
    round: 'census', k: 2, T: 3, L: 1, lo: 0, hi: 10, iterations: 2, epsilon: 1, strategy: 'uniform', smoothing: 1,
    keyBits: 0, holderIds: ids.slice(0, 3), publicKey: dealt.publicKey, participants: o.N, noise: false, cycles: 16,
    dropout: o.dropout ?? 0,
  });
  const clock = new VirtualClock();
  const net = new MemoryNetwork({ clock, rng: seededRng(1) });
  net.buildOverlay(ids, 4);
  const backend = plainBackend(dealt.publicKey);
  const events: Array<{ i: number; e: ParticipantEvent }> = [];
  const ps = ids.map((id, i) => {
    const t = net.transport(id);
    const wire = codecLink(t, backend.ciphertextBytes);
    const link = o.deliver ? { ...wire, send: (to: string, msg: ChiaroscuroMessage) => { if (o.deliver!(id, to, msg)) wire.send(to, msg); } } : wire;
    const p = new Participant({
      config: cfg, link, clock, backend, rng: seededRng(100 + i), memberIndex: i,
      data: [[1 + 8 * (i % 2), 1, 1 + 8 * (i % 2)]], keyShare: i < 3 ? dealt.shares[i] : undefined,
      onWork: (w) => clock.track(w), onEvent: (e) => events.push({ i, e }),
    });
    t.onFrame((from, frame) => {
      if (o.slow?.index === i && frame[1] === MessageType.Centroids) clock.setTimer(o.slow.by, () => p.handle(from, frame));
      else p.handle(from, frame);
    });
    return p;
  });
  if (o.absent !== undefined) { ps[o.absent]!.stop(); net.leave(ids[o.absent]!); }
  const releases = (): Release[] => events.flatMap(({ e }) => (e.type === 'released' ? [e.release] : []));
  const answered = (): number => events.filter(({ e }) => e.type === 'answered').length;
  return { cfg, clock, net, ps, events, releases, answered };
}

describe('contributor census', () => {
  it('a member that never contributes: the holders end the round without decrypting anything', async () => {
    const r = round({ N: 6, absent: 5 }); // noise sized for all 6
    r.ps[0]!.start();
    await r.clock.run();
    expect(r.answered()).toBe(0); // no partial decryption of any aggregate
    expect(r.releases()).toEqual([]);
    const live = r.ps.slice(0, 5);
    for (const p of live) {
      expect(p.done).toBe(true);
      expect(p.stopReason).toBe('too-few-contributors');
      expect(p.epsilonSpent).toBe(0);
      expect(p.centroids).toEqual(r.cfg.initialCentroids); // iteration 0's: nothing was released
      expect(p.progress.known).toBe(5);
    }
    const short = r.events.find(({ e }) => e.type === 'too-few-contributors')!.e;
    expect(short).toEqual({ type: 'too-few-contributors', iteration: 1, contributors: 5, needed: 6 });
    // …after waiting for the missing contribution (at least MIN_CONTRIBUTOR_WAIT_MS).
    expect(r.clock.now()).toBeGreaterThanOrEqual(MIN_CONTRIBUTOR_WAIT_MS);
  });

  it('the same departure within the expected dropout: the round runs on the others', async () => {
    const r = round({ N: 6, absent: 5, dropout: 1 / 6 });
    r.ps[0]!.start();
    await r.clock.run();
    expect(r.releases().map((x) => x.contributors)).toEqual([5, 5]);
    for (const p of r.ps.slice(0, 5)) { expect(p.done).toBe(true); expect(p.stopReason).toBe('max-iterations'); }
    // Totals are scaled to the 5 contributors: each of the two levels holds its members' series.
    const counts = r.releases()[0]!.noisyCounts.slice().sort();
    expect(counts[0]! + counts[1]!).toBeCloseTo(5, 6);
  });

  it('waits for a slow contributor instead of leaving it out of the iteration', async () => {
    // p4 starts each iteration 40 s late: far longer than the whole gossip (16 cycles of 1 s).
    const r = round({ N: 6, slow: { index: 4, by: 40_000 } });
    r.ps[0]!.start();
    await r.clock.run();
    expect(r.releases().map((x) => x.contributors)).toEqual([6, 6]);
    for (const p of r.ps) expect(p.stopReason).toBe('max-iterations');
    // No noise: the exact means of the two levels (1, 1, 1) and (9, 1, 9), three series each.
    const levels = r.ps[4]!.centroids.map((c) => c[0]!).sort((a, b) => a - b);
    expect(levels[0]).toBeCloseTo(1, 6);
    expect(levels[1]).toBeCloseTo(9, 6);
  });

  it('a member counted as ready whose contribution never arrives: no decryption, the round ends', async () => {
    let gone = false;
    const r = round({
      N: 6,
      // p5 leaves right after announcing its contribution: the others count it, its state never comes.
      deliver: (from, _to, msg) => {
        if (from === 'p5' && msg.type === MessageType.Census && !gone) {
          gone = true;
          r.clock.setTimer(0, () => { r.ps[5]!.stop(); r.net.leave('p5'); });
        }
        return true;
      },
    });
    r.ps[0]!.start();
    await r.clock.run();
    expect(gone).toBe(true);
    expect(r.answered()).toBe(0);
    expect(r.releases()).toEqual([]);
    const short = r.events.find(({ e }) => e.type === 'too-few-contributors')!.e;
    expect(short).toMatchObject({ iteration: 1, contributors: 5, needed: 6 });
    for (const p of r.ps.slice(0, 5)) expect(p.stopReason).toBe('too-few-contributors');
    // The holders knew all six were ready and gossiped: their aggregates' own census refused them,
    // and they ended the round once p5's contribution could no longer arrive.
    for (const p of r.ps.slice(0, 5)) expect(p.progress.gossipAt).toBeGreaterThan(0);
    expect(r.clock.now()).toBeGreaterThanOrEqual(MIN_CONTRIBUTOR_WAIT_MS);
  });

  it('a key holder refuses to partially decrypt an aggregate of fewer than n′ contributors', async () => {
    const r = round({ N: 4 });
    const count = ciphertextCount(r.cfg);
    const sent: ChiaroscuroMessage[] = [];
    const h2 = new Participant({
      config: r.cfg, clock: r.clock, backend: plainBackend(r.cfg.publicKey), rng: seededRng(3), data: [[1, 2, 3]], memberIndex: 1,
      keyShare: dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 }).shares[1],
      link: { self: 'p1', neighbours: () => ['p0'], send: (_to, msg) => { sent.push(msg); } },
    });
    const ask = (members: number[]) => {
      const census = members.reduce((c, m) => censusUnion(c, censusOf(4, m)), emptyCensus(4));
      h2.receive('p0', { type: MessageType.DecryptRequest, round: 'census', iteration: 1, requester: 1, exponent: 3, ciphertexts: new Array(count).fill(1n), census });
    };
    ask([0, 1, 2]);
    await h2.idle();
    expect(h2.drops['too-few-contributors']).toBe(1);
    expect(sent.filter((m) => m.type === MessageType.PartialDecryption)).toEqual([]);
    ask([0, 1, 2, 3]); // all four: answered (refusing the first used up nothing)
    await h2.idle();
    expect(sent.filter((m) => m.type === MessageType.PartialDecryption).length).toBe(1);
  });

  it('refuses a member index outside the round', () => {
    const r = round({ N: 3 });
    const make = (memberIndex: number) => new Participant({
      config: r.cfg, clock: r.clock, backend: plainBackend(r.cfg.publicKey), rng: seededRng(1), data: [], memberIndex,
      link: { self: 'x', neighbours: () => [], send: () => {} },
    });
    expect(() => make(3)).toThrow('Participant: member index must be an integer in [0, 3), got 3');
    expect(() => make(-1)).toThrow(/got -1/);
    expect(() => make(0.5)).toThrow(/got 0.5/);
    expect(make(2).progress.known).toBe(0);
  });
});

describe('gossip timing with a census', () => {
  /** A non-holder `x` (member 3 of 4) alone with a stub link; 4 cycles of 100 ms. Returns its pushes. */
  function lone() {
    const dealt = dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 });
    const cfg = makeRoundConfig({
      round: 'census', k: 2, T: 3, L: 1, lo: 0, hi: 10, iterations: 2, epsilon: 1, strategy: 'uniform', smoothing: 1,
      keyBits: 0, holderIds: ['h1', 'h2', 'h3'], publicKey: dealt.publicKey, participants: 4, noise: false, cycles: 4, cycleMs: 100,
    });
    const clock = new VirtualClock();
    const pushes: Array<{ at: number; exponent: number; members: number }> = [];
    const x = new Participant({
      config: cfg, clock, backend: plainBackend(dealt.publicKey), rng: seededRng(5), data: [[1, 2, 3]], memberIndex: 3,
      link: { self: 'x', neighbours: () => ['h1'], send: (_to, m) => { if (m.type === MessageType.GossipPush) pushes.push({ at: clock.now(), exponent: m.exponent, members: censusCount(m.census) }); } },
    });
    const all = [0, 1, 2, 3].reduce((c, m) => censusUnion(c, censusOf(4, m)), emptyCensus(4));
    const count = ciphertextCount(cfg);
    const push = (exponent: number, members: number[]) => x.receive('h1', {
      type: MessageType.GossipPush, round: 'census', iteration: 1, exponent, ciphertexts: new Array(count).fill(0n),
      census: members.reduce((c, m) => censusUnion(c, censusOf(4, m)), emptyCensus(4)),
    });
    // Iteration 1 starts; everyone is known to be ready at t = 0: the gossip's cycles at 100, 200, …
    x.receive('h1', { type: MessageType.Centroids, round: 'census', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
    x.receive('h1', { type: MessageType.Census, round: 'census', iteration: 1, reply: true, census: all });
    return { clock, pushes, push };
  }

  it('a push one cycle ahead joins the state after this participant\'s own next push, an equal one at once', async () => {
    const a = lone();
    a.clock.setTimer(50, () => a.push(1, [0])); // h1's first cycle came first: exponent 1 against our 0
    await a.clock.run({ until: 250 });
    expect(a.pushes.slice(0, 2)).toEqual([{ at: 100, exponent: 1, members: 1 }, { at: 200, exponent: 2, members: 2 }]);
    const b = lone();
    b.clock.setTimer(50, () => b.push(0, [0])); // the same exponent: merged at once
    await b.clock.run({ until: 250 });
    expect(b.pushes[0]).toEqual({ at: 100, exponent: 1, members: 2 });
  });

  it('after its own cycles, passes on a push that brings contributions it lacked, once per cycle', async () => {
    const a = lone();
    await a.clock.run({ until: 450 }); // 4 cycles done at 400
    expect(a.pushes.map((p) => p.at)).toEqual([100, 200, 300, 400]);
    a.push(4, [3]); // nothing new: no relay
    await a.clock.run({ until: 700 });
    expect(a.pushes).toHaveLength(4);
    const t = a.clock.now();
    a.push(4, [1, 2]); // two new contributions, then one more in the same cycle
    a.push(4, [0]);
    await a.clock.run({ until: 1000 });
    expect(a.pushes.slice(4)).toEqual([{ at: t + 100, exponent: 5, members: 4 }]);
  });
});
