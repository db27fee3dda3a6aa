import { describe, expect, it } from 'vitest';
import { emptyCensus } from '../../../src/core/census';
import { seededRng } from '../../../src/core/rng';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import { codecLink } from '../../../src/protocol/chiaroscuro/link';
import { CHIAROSCURO_WIRE_VERSION, encodeMessage, MessageType } from '../../../src/protocol/chiaroscuro/messages';
import type { CentroidsMsg, ChiaroscuroMessage } from '../../../src/protocol/chiaroscuro/messages';
import { MIN_TAKEOVER_PATIENCE_MS, Participant } from '../../../src/protocol/chiaroscuro/participant';
import { ciphertextCount, makeRoundConfig } from '../../../src/protocol/chiaroscuro/round';
import { MemoryNetwork } from '../../../src/sim/network';
import { VirtualClock } from '../../../src/sim/virtual-clock';

/** Decides whether participant `from`'s message to `to` is delivered (false: lost on the way). */
type SendFilter = (from: string, to: string, msg: ChiaroscuroMessage) => boolean;

function setup(N: number, answered: Record<number, number[]> = {}, events: Array<[number, string, number]> = [], deliver?: SendFilter) {
  const ids = Array.from({ length: N }, (_, i) => `p${i}`);
  const dealt = dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 });
  const cfg = makeRoundConfig({
    round: 'test', k: 2, T: 3, L: 1, lo: 0, hi: 10, iterations: 2, epsilon: 1, strategy: 'uniform', smoothing: 1,
    keyBits: 0, holderIds: ids.slice(0, 3), publicKey: dealt.publicKey, participants: N, noise: false, cycles: 20,
  });
  const clock = new VirtualClock();
  const net = new MemoryNetwork({ clock, rng: seededRng(1) });
  net.buildOverlay([...ids, 'mallory'], 3);
  const backend = plainBackend(dealt.publicKey);
  const rng = seededRng(2);
  const ps = ids.map((id, i) => {
    const t = net.transport(id);
    const wire = codecLink(t, backend.ciphertextBytes);
    const link = !deliver ? wire : { ...wire, send: (to: string, msg: ChiaroscuroMessage) => { if (deliver(id, to, msg)) wire.send(to, msg); } };
    const p: Participant = new Participant({
      config: cfg, link, clock, backend, rng: seededRng(100 + i), memberIndex: i,
      data: [[1 + 8 * (i % 2) + rng.nextFloat(), 1, 1 + 8 * (i % 2)]], keyShare: i < 3 ? dealt.shares[i] : undefined,
      onWork: (w) => clock.track(w), answered: answered[i],
      onEvent: (e) => { if (e.type === 'answered') events.push([i, e.type, e.iteration]); },
    });
    t.onFrame((from, frame) => p.handle(from, frame));
    return p;
  });
  const mallory = net.transport('mallory');
  return { cfg, clock, net, ps, mallory, width: backend.ciphertextBytes, n: dealt.publicKey.n };
}

describe('Participant under bad input', () => {
  it('drops malformed, wrong-round, stale, huge and out-of-range frames with reasons and still finishes', async () => {
    const { cfg, clock, ps, mallory, width, n } = setup(8);
    const target = ps[3]!;
    const count = ciphertextCount(cfg);
    const census = emptyCensus(8);
    const push = (iteration: number, c: bigint) => encodeMessage({ type: MessageType.GossipPush, round: 'test', iteration, exponent: 1, ciphertexts: new Array(count).fill(c), census }, width);
    const send = (frame: Uint8Array) => mallory.send('p3', frame);
    ps[0]!.start();
    clock.setTimer(1500, () => {
      send(new Uint8Array([CHIAROSCURO_WIRE_VERSION, 1, 4]));            // malformed (truncated)
      send(encodeMessage({ type: MessageType.GossipPush, round: 'other', iteration: 1, exponent: 1, ciphertexts: [], census }, width)); // wrong round
      send(push(1, n));                                                   // ciphertext out of range
      send(push(1, 1n).subarray(0, 20));                                  // truncated ciphertexts
      send(new Uint8Array(4 * 1024 * 1024));                               // maximal junk frame (senders refuse larger ones)
      send(encodeMessage({ type: MessageType.PartialDecryption, round: 'test', iteration: 1, holder: 1, values: new Array(count).fill(0n) }, width)); // unexpected
    });
    clock.setTimer(40_000, () => send(push(1, 1n)));                      // stale: iteration 1 is over by then
    await clock.run();
    expect(target.drops.malformed).toBeGreaterThanOrEqual(2);
    expect(target.drops['wrong-round']).toBe(1);
    expect(target.drops['bad-ciphertext']).toBe(1);
    expect(target.drops.unexpected).toBeGreaterThanOrEqual(1);
    expect(target.drops['stale-iteration']).toBe(1);
    for (const p of ps) {
      expect(p.done).toBe(true);
      expect(p.centroidsIteration).toBe(cfg.iterations);
    }
    // Two clean clusters of levels ≈ 1.5 and 9: the protocol found them.
    const levels = ps[5]!.centroids.map((c) => c[0]!).sort((a, b) => a - b);
    expect(levels[0]!).toBeCloseTo(1.5, 0);
    expect(levels[levels.length - 1]!).toBeCloseTo(9.5, 0);
  });

  it('drops centroids of the wrong shape and decrypt requests of the wrong size', async () => {
    const { clock, ps, mallory, width } = setup(5);
    const bad: CentroidsMsg = { type: MessageType.Centroids, round: 'test', iteration: 1, final: false, epsilonSpent: 0.5, centroids: [Float64Array.of(1, 2)] };
    mallory.send('p4', encodeMessage(bad, width));
    mallory.send('p4', encodeMessage({ type: MessageType.DecryptRequest, round: 'test', iteration: 1, requester: 1, exponent: 0, ciphertexts: [], census: emptyCensus(5) }, width));
    await clock.run();
    expect(ps[4]!.drops['bad-shape']).toBe(1);
    expect(ps[4]!.drops['bad-count']).toBe(1);
    expect(ps[4]!.centroidsIteration).toBe(0);
  });

  it('a key holder back from a reload never answers a second decryption of an iteration it answered', async () => {
    const events: Array<[number, string, number]> = [];
    const { clock, ps } = setup(6, { 1: [1] }, events); // holder p1 answered iteration 1 before its reload
    ps[0]!.start();
    await clock.run();
    expect(ps[1]!.drops.duplicate).toBeGreaterThanOrEqual(1);
    expect(events.filter(([i, , it]) => i === 1 && it === 1)).toEqual([]);
    expect(events.filter(([i, , it]) => i === 1 && it === 2).length).toBe(1); // it still answers later iterations
    for (const p of ps) expect(p.done).toBe(true); // threshold 2 of 3: p0 and p2 suffice
  });
});

/**
 * Three key holders h1..h3 (2 of 3), 4 cycles of 100 ms, no noise: for take-over tests of one
 * holder alone, so without a contributor census (it would wait for the two others' contributions).
 */
function holderTrio() {
  const dealt = dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 });
  const cfg = makeRoundConfig({
    round: 'test', k: 2, T: 3, L: 1, lo: 0, hi: 10, iterations: 2, epsilon: 1, strategy: 'uniform', smoothing: 1,
    keyBits: 0, holderIds: ['h1', 'h2', 'h3'], publicKey: dealt.publicKey, participants: 3, noise: false, cycles: 4, cycleMs: 100, census: false,
  });
  return { dealt, cfg };
}
const NO_CENSUS = new Uint32Array(0);

describe('key-holder take-over', () => {
  it('a holder that helped another holder decrypt an iteration waits before taking over, then takes over', async () => {
    const { dealt, cfg } = holderTrio();
    const clock = new VirtualClock();
    const backend = plainBackend(dealt.publicKey);
    const sent: Array<{ to: string; type: number; at: number }> = [];
    const h2 = new Participant({
      config: cfg, clock, backend, rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1], memberIndex: 1,
      link: { self: 'h2', neighbours: () => ['h1'], send: (to, msg) => { sent.push({ to, type: msg.type, at: clock.now() }); } },
      onWork: (w) => clock.track(w),
    });
    // Iteration 1 starts with the public initial centroids; h1's decrypt request arrives while h2 gossips.
    h2.receive('h1', { type: MessageType.Centroids, round: 'test', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
    const count = ciphertextCount(cfg);
    clock.setTimer(150, () => h2.receive('h1', { type: MessageType.DecryptRequest, round: 'test', iteration: 1, requester: 1, exponent: 0, ciphertexts: new Array(count).fill(1n), census: NO_CENSUS }));
    await clock.run();
    const requests = sent.filter((s) => s.type === MessageType.DecryptRequest);
    const answered = sent.find((s) => s.type === MessageType.PartialDecryption && s.to === 'h1');
    expect(answered).toBeDefined();
    // Without patience h2 would ask at 4 cycles of gossip + 6 cycles of take-over wait ≈ 1 s.
    expect(requests.length).toBeGreaterThan(0); // h1 never released: h2 does take over in the end…
    expect(Math.min(...requests.map((r) => r.at))).toBeGreaterThanOrEqual(answered!.at + 30_000); // …but only after the patience
  });
});

describe('lost decryption messages', () => {
  it('the requester asks again; holders re-send the same partials without decrypting twice, and the round finishes', async () => {
    const events: Array<[number, string, number]> = [];
    // Each holder's first partial decryption of each iteration is lost on the way.
    const lost: string[] = [];
    const loseFirstReply: SendFilter = (from, _to, msg) => {
      if (msg.type !== MessageType.PartialDecryption || lost.includes(`${from}:${msg.iteration}`)) return true;
      lost.push(`${from}:${msg.iteration}`);
      return false;
    };
    const { clock, ps } = setup(6, {}, events, loseFirstReply);
    ps[0]!.start();
    await clock.run();
    expect(lost.length).toBeGreaterThanOrEqual(2); // replies were lost in both iterations
    for (const p of ps) expect(p.done).toBe(true);
    // Each holder decrypted each iteration once: the repeats were re-sends of the same reply.
    for (const holder of [0, 1, 2]) for (const iteration of [1, 2]) {
      expect(events.filter(([i, , it]) => i === holder && it === iteration).length).toBeLessThanOrEqual(1);
    }
    expect(ps.every((p) => p.centroids.length > 0)).toBe(true);
  });
});

describe('take-over while holder 1 is linked', () => {
  it('holder 2 waits while holder 1 is a live neighbour and takes over soon after its link is gone', async () => {
    const { dealt, cfg } = holderTrio();
    const run = async (loseH1At: number | null) => {
      const clock = new VirtualClock();
      const neighbours = ['h1', 'h3'];
      const sent: Array<{ to: string; type: number; at: number }> = [];
      const h2 = new Participant({
        config: cfg, clock, backend: plainBackend(dealt.publicKey), rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1], memberIndex: 1,
        link: { self: 'h2', neighbours: () => neighbours, send: (to, msg) => { sent.push({ to, type: msg.type, at: clock.now() }); } },
        onWork: (w) => clock.track(w),
      });
      h2.receive('h1', { type: MessageType.Centroids, round: 'test', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
      if (loseH1At !== null) clock.setTimer(loseH1At, () => { neighbours.splice(neighbours.indexOf('h1'), 1); });
      await clock.run();
      return Math.min(...sent.filter((x) => x.type === MessageType.DecryptRequest).map((x) => x.at));
    };
    // Linked all along: only after the patience (30 s) counted from the end of its gossip (~0.5 s).
    expect(await run(null)).toBeGreaterThanOrEqual(30_000);
    // Holder 1's link goes at 5 s: holder 2 takes over within 10 cycles (1 s) of noticing.
    const at = await run(5_000);
    expect(at).toBeGreaterThanOrEqual(5_000);
    expect(at).toBeLessThanOrEqual(6_100);
  });
});

describe('iteration start in a tab', () => {
  it('runs as one short task per centroid before encrypting, and encrypts what the one-go start encrypts', async () => {
    const { dealt, cfg } = holderTrio(); // k = 2, no noise: the contribution is deterministic
    const run = async (sliced: boolean) => {
      const clock = new VirtualClock();
      const log: string[] = [];
      const plaintexts: bigint[][] = [];
      const inner = plainBackend(dealt.publicKey);
      // A spread drops the synchronous bypass: the participant then takes the async (tab) path.
      const backend = { ...inner, encryptVector: (p: bigint[]) => { log.push('encrypt'); plaintexts.push(p); return inner.encryptVector(p); } };
      const h2 = new Participant({
        config: { ...cfg, iterations: 1 }, clock, backend, rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1], memberIndex: 1,
        link: { self: 'h2', neighbours: () => [], send: () => {} },
        onWork: (w) => clock.track(w),
        onEvent: (e) => { if (e.type === 'iteration-started') log.push('started'); },
        // A real macrotask (the virtual clock waits for tracked work before it advances).
        ...(sliced ? { pause: (ms: number) => { if (ms === 0) log.push('yield'); return new Promise<void>((r) => { setTimeout(r, 0); }); } } : {}),
      });
      h2.receive('h1', { type: MessageType.Centroids, round: 'test', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
      await clock.run({ until: 5_000 });
      return { log: log.slice(log.indexOf('started')), plaintexts };
    };
    const oneGo = await run(false);
    const sliced = await run(true);
    expect(oneGo.log).toEqual(['started', 'encrypt']);
    expect(sliced.log).toEqual(['started', ...new Array<string>(cfg.k).fill('yield'), 'encrypt']);
    expect(sliced.plaintexts).toEqual(oneGo.plaintexts);
    expect(oneGo.plaintexts.length).toBe(1);
  });
});

describe('the aggregator leaves after the holders answered it', () => {
  it('a holder that answered takes over with the same aggregate; the others answer it again and the round finishes', async () => {
    const events: Array<[number, string, number]> = [];
    // p0 (holder 1) asks for iteration 1; both other holders answer it, and p0 is gone before their
    // partials arrive. p1 and p2 then have each answered iteration 1: a request for any other
    // aggregate of it would be refused, so with 2 of 3 holders left only p0's aggregate can be released.
    let goneAt = -1, releasedAt = -1;
    const { clock, net, ps } = setup(6, {}, events, (_from, to, msg) => {
      if (msg.type === MessageType.Centroids && msg.iteration === 1 && releasedAt < 0) releasedAt = clock.now();
      if (to !== 'p0' || msg.type !== MessageType.PartialDecryption || msg.iteration !== 1) return goneAt < 0 || to !== 'p0';
      if (goneAt < 0) { goneAt = clock.now(); clock.setTimer(0, () => { net.leave('p0'); ps[0]!.stop(); }); }
      return false;
    });
    ps[0]!.start();
    await clock.run();
    expect(goneAt).toBeGreaterThan(0);
    // p0's links are gone: iteration 1 is released without the take-over patience (30 s).
    expect(releasedAt).toBeGreaterThan(goneAt);
    expect(releasedAt - goneAt).toBeLessThan(MIN_TAKEOVER_PATIENCE_MS);
    for (const p of ps.slice(1)) {
      expect(p.done).toBe(true);
      expect(p.centroidsIteration).toBe(2);
    }
    // Neither remaining holder decrypted iteration 1 twice: the second requester got the same partials again.
    for (const holder of [1, 2]) expect(events.filter(([i, , it]) => i === holder && it === 1).length).toBe(1);
    expect(ps[1]!.centroids).toEqual(ps[5]!.centroids);
  });
});

describe('holder 1 gone: holder 3 defers to holder 2', () => {
  it('while holder 2 is linked, holder 3 answers its late request instead of asking for its own aggregate', async () => {
    const { dealt, cfg } = holderTrio();
    const run = async (neighbours: string[]) => {
      const clock = new VirtualClock();
      const sent: Array<{ to: string; type: number; at: number }> = [];
      const h3 = new Participant({
        config: cfg, clock, backend: plainBackend(dealt.publicKey), rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[2], memberIndex: 2,
        link: { self: 'h3', neighbours: () => neighbours, send: (to, msg) => { sent.push({ to, type: msg.type, at: clock.now() }); } },
        onWork: (w) => clock.track(w),
      });
      h3.receive('x', { type: MessageType.Centroids, round: 'test', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
      // Holder 2's request (its own aggregate) is slow to arrive: its link to holder 3 was being dialled.
      clock.setTimer(8_000, () => h3.receive('h2', { type: MessageType.DecryptRequest, round: 'test', iteration: 1, requester: 2, exponent: 0, ciphertexts: new Array(ciphertextCount(cfg)).fill(1n), census: NO_CENSUS }));
      await clock.run();
      return { h3, sent };
    };
    // Linked to holder 2: holder 3 waits for it and answers its request. (Holder 2 never releases in
    // this test: after the patience holder 3 takes over, asking for the aggregate it answered.)
    const linked = await run(['h2', 'x']);
    const asked = linked.sent.filter((s) => s.type === MessageType.DecryptRequest);
    expect(Math.min(...asked.map((s) => s.at))).toBeGreaterThanOrEqual(8_000 + MIN_TAKEOVER_PATIENCE_MS);
    expect(linked.sent.filter((s) => s.type === MessageType.PartialDecryption).map((s) => s.to)).toEqual(['h2']);
    expect(linked.h3.drops.duplicate ?? 0).toBe(0);
    // Not linked to any lower holder: after its take-over slots it asks for its own aggregate, and
    // then refuses holder 2's (one aggregate per iteration).
    const alone = await run(['x']);
    const own = alone.sent.filter((s) => s.type === MessageType.DecryptRequest);
    expect(own.length).toBeGreaterThan(0);
    expect(Math.min(...own.map((s) => s.at))).toBeLessThan(8_000);
    expect(alone.sent.filter((s) => s.type === MessageType.PartialDecryption)).toEqual([]);
    expect(alone.h3.drops.duplicate).toBe(1);
  });
});
