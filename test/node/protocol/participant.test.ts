import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import { codecLink } from '../../../src/protocol/chiaroscuro/link';
import { encodeMessage, MessageType } from '../../../src/protocol/chiaroscuro/messages';
import type { CentroidsMsg } from '../../../src/protocol/chiaroscuro/messages';
import { Participant } from '../../../src/protocol/chiaroscuro/participant';
import { ciphertextCount, makeRoundConfig } from '../../../src/protocol/chiaroscuro/round';
import { MemoryNetwork } from '../../../src/sim/network';
import { VirtualClock } from '../../../src/sim/virtual-clock';

function setup(N: number, answered: Record<number, number[]> = {}, events: Array<[number, string, number]> = [], loseFirstReplies = false) {
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
  const lost: string[] = [];
  const ps = ids.map((id, i) => {
    const t = net.transport(id);
    const wire = codecLink(t, backend.ciphertextBytes);
    // Optionally each holder's first partial decryption of each iteration is lost on the way.
    const link = !loseFirstReplies ? wire : {
      ...wire,
      send: (to: string, msg: Parameters<typeof wire.send>[1]) => {
        const key = `${id}:${msg.type === MessageType.PartialDecryption ? msg.iteration : ''}`;
        if (msg.type === MessageType.PartialDecryption && !lost.includes(key)) { lost.push(key); return; }
        wire.send(to, msg);
      },
    };
    const p: Participant = new Participant({
      config: cfg, link, clock, backend, rng: seededRng(100 + i),
      data: [[1 + 8 * (i % 2) + rng.nextFloat(), 1, 1 + 8 * (i % 2)]], keyShare: i < 3 ? dealt.shares[i] : undefined,
      onWork: (w) => clock.track(w), answered: answered[i],
      onEvent: (e) => { if (e.type === 'answered') events.push([i, e.type, e.iteration]); },
    });
    t.onFrame((from, frame) => p.handle(from, frame));
    return p;
  });
  const mallory = net.transport('mallory');
  return { cfg, clock, ps, mallory, width: backend.ciphertextBytes, n: dealt.publicKey.n, lost };
}

describe('Participant under bad input', () => {
  it('drops malformed, wrong-round, stale, huge and out-of-range frames with reasons and still finishes', async () => {
    const { cfg, clock, ps, mallory, width, n } = setup(8);
    const target = ps[3]!;
    const count = ciphertextCount(cfg);
    const push = (iteration: number, c: bigint) => encodeMessage({ type: MessageType.GossipPush, round: 'test', iteration, exponent: 1, ciphertexts: new Array(count).fill(c) }, width);
    const send = (frame: Uint8Array) => mallory.send('p3', frame);
    ps[0]!.start();
    clock.setTimer(1500, () => {
      send(new Uint8Array([1, 1, 4]));                                   // malformed (truncated)
      send(encodeMessage({ type: MessageType.GossipPush, round: 'other', iteration: 1, exponent: 1, ciphertexts: [] }, width)); // wrong round
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
    mallory.send('p4', encodeMessage({ type: MessageType.DecryptRequest, round: 'test', iteration: 1, requester: 1, exponent: 0, ciphertexts: [] }, width));
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

/** Three key holders h1..h3 (2 of 3), 4 cycles of 100 ms, no noise: for take-over tests of one holder. */
function holderTrio() {
  const dealt = dealPlainThresholdKey({ bits: 1024, holders: 3, threshold: 2 });
  const cfg = makeRoundConfig({
    round: 'test', k: 2, T: 3, L: 1, lo: 0, hi: 10, iterations: 2, epsilon: 1, strategy: 'uniform', smoothing: 1,
    keyBits: 0, holderIds: ['h1', 'h2', 'h3'], publicKey: dealt.publicKey, participants: 3, noise: false, cycles: 4, cycleMs: 100,
  });
  return { dealt, cfg };
}

describe('key-holder take-over', () => {
  it('a holder that helped another holder decrypt an iteration waits before taking over, then takes over', async () => {
    const { dealt, cfg } = holderTrio();
    const clock = new VirtualClock();
    const backend = plainBackend(dealt.publicKey);
    const sent: Array<{ to: string; type: number; at: number }> = [];
    const h2 = new Participant({
      config: cfg, clock, backend, rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1],
      link: { self: 'h2', neighbours: () => ['h1'], send: (to, msg) => { sent.push({ to, type: msg.type, at: clock.now() }); } },
      onWork: (w) => clock.track(w),
    });
    // Iteration 1 starts with the public initial centroids; h1's decrypt request arrives while h2 gossips.
    h2.receive('h1', { type: MessageType.Centroids, round: 'test', iteration: 0, final: false, epsilonSpent: 0, centroids: cfg.initialCentroids.map((c) => Float64Array.from(c)) });
    const count = ciphertextCount(cfg);
    clock.setTimer(150, () => h2.receive('h1', { type: MessageType.DecryptRequest, round: 'test', iteration: 1, requester: 1, exponent: 0, ciphertexts: new Array(count).fill(1n) }));
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
    const { clock, ps, lost } = setup(6, {}, events, true);
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
        config: cfg, clock, backend: plainBackend(dealt.publicKey), rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1],
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
        config: { ...cfg, iterations: 1 }, clock, backend, rng: seededRng(3), data: [[1, 2, 3]], keyShare: dealt.shares[1],
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
