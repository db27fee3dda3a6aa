import { afterEach, describe, expect, inject, it } from 'vitest';
import { dealPlainThresholdKey, dealThresholdKey } from '../../../src/crypto/index';
import { paillierBackend, plainBackend } from '../../../src/protocol/crypto-backend';
import { createRound, joinRound, type RoundSession, type SessionCrypto } from '../../../src/net/session';
import { finished, series } from './round-helpers';

const net = () => ({ signalling: { host: '127.0.0.1', port: inject('signalPort'), path: inject('signalPath'), secure: false }, degree: 2, connectTimeoutMs: 10_000 });

/** In-thread crypto (the swarm page uses the worker pool instead). */
const crypto_: SessionCrypto = {
  backendFor: (pk, keyBits) => (keyBits === 0 ? plainBackend(pk) : paillierBackend(pk)),
  async dealKey(bits, holders, threshold) {
    if (bits === 0) return dealPlainThresholdKey({ bits: 1024, holders, threshold });
    return dealThresholdKey({ bits: bits as 512, holders, threshold });
  },
};

const sessions: RoundSession[] = [];
afterEach(() => { for (const s of sessions.splice(0)) s.leave(); });

describe('a Chiaroscuro round between participants over real WebRTC', () => {
  it('4 participants, 512-bit threshold Paillier, PeerJS signalling: every tab gets the same final centroids', async () => {
    const creator = await createRound({
      net: net(), crypto: crypto_, data: series(0), baseUrl: 'http://127.0.0.1/swarm.html',
      round: { k: 2, T: 4, L: 1, lo: 0, hi: 8, iterations: 2, epsilon: 2000, strategy: 'uniform', smoothing: 1, keyBits: 512, holders: 3, threshold: 2, cycleMs: 40 },
    });
    sessions.push(creator);
    expect(creator.link).toMatch(/#join=[a-z0-9]{10}\.[0-9a-f]{32}$/);
    const joiners = await Promise.all([1, 2, 3].map((i) => joinRound(creator.link, { net: net(), crypto: crypto_, data: series(i) })));
    sessions.push(...joiners);
    expect(creator.members().length).toBe(4);
    const done = [creator, ...joiners].map(finished);
    await creator.start();
    const results = await Promise.all(done);
    for (const r of results) expect(r).toEqual(results[0]);
    // Two well-separated groups: the noisy centroids land near 1.15 and 5.15 on average (ε = 2000 makes the noise ~20× smaller than the bound, so this checks the round, not luck).
    const means = results[0]!.map((c) => c.reduce((a, b) => a + b, 0) / c.length).sort((a, b) => a - b);
    expect(means.length).toBe(2);
    expect(Math.abs(means[0]! - 1.15)).toBeLessThan(1);
    expect(Math.abs(means[1]! - 5.15)).toBeLessThan(1);
    expect(creator.stats().bytesSent).toBeGreaterThan(0);
    for (const j of joiners) expect(j.stats().dropped).toEqual({});
  }, 90_000);

  it('a joiner whose link to the creator closes as it says hello re-dials, says hello again and joins', async () => {
    const creator = await createRound({
      net: net(), crypto: crypto_, data: series(0), baseUrl: 'http://x/',
      round: { k: 2, T: 4, L: 1, lo: 0, hi: 8, iterations: 1, epsilon: 1, strategy: 'uniform', smoothing: 1, keyBits: 0 },
    });
    sessions.push(creator);
    // The joiner's data channels: the first frame that carries a hello is never sent, and its
    // channel closes at once (the link, and with it the link layer's retries, is gone).
    let cut = 0;
    const hasHello = (data: unknown): boolean => data instanceof Uint8Array && new TextDecoder().decode(data).includes('"t":"hello"');
    const factory = (c: RTCConfiguration): RTCPeerConnection => {
      const pc = new RTCPeerConnection(c);
      const create = pc.createDataChannel.bind(pc);
      pc.createDataChannel = (label: string, init?: RTCDataChannelInit): RTCDataChannel => {
        const dc = create(label, init);
        const send = dc.send.bind(dc) as (data: unknown) => void;
        (dc as unknown as { send: (data: unknown) => void }).send = (data) => {
          if (cut === 0 && hasHello(data)) { cut++; dc.close(); return; }
          send(data);
        };
        return dc;
      };
      return pc;
    };
    const t0 = performance.now();
    const joiner = await joinRound(creator.link, { net: { ...net(), factory }, crypto: crypto_, data: series(1) });
    sessions.push(joiner);
    expect(cut).toBe(1);
    expect(creator.members()).toContain(joiner.self);
    expect(joiner.members()).toContain(creator.self);
    expect(performance.now() - t0).toBeLessThan(15_000); // answered after a retry, well before the 20 s refusal
  }, 30_000);

  it('a wrong join secret is refused with a clear reason', async () => {
    const creator = await createRound({
      net: net(), crypto: crypto_, data: series(0), baseUrl: 'http://x/',
      round: { k: 2, T: 4, L: 1, lo: 0, hi: 8, iterations: 1, epsilon: 1, strategy: 'uniform', smoothing: 1, keyBits: 0 },
    });
    sessions.push(creator);
    const bad = creator.link.replace(/\.[0-9a-f]{32}$/, '.' + '0'.repeat(32));
    await expect(joinRound(bad, { net: net(), crypto: crypto_, data: series(1) })).rejects.toThrow(/refused: wrong join secret/);
    await expect(joinRound("http://x/#join=bad", { net: net(), crypto: crypto_, data: [] })).rejects.toThrow(/expected #join=/);
    expect(creator.members().length).toBe(1);
  });

  it('a wrong round id is refused at once, naming the round (peer-unavailable, not the connect timeout)', async () => {
    const creator = await createRound({
      net: net(), crypto: crypto_, data: series(0), baseUrl: 'http://x/',
      round: { k: 2, T: 4, L: 1, lo: 0, hi: 8, iterations: 1, epsilon: 1, strategy: 'uniform', smoothing: 1, keyBits: 0 },
    });
    sessions.push(creator);
    const wrong = creator.link.replace(/#join=[a-z0-9]{10}\./, '#join=nosuchround.');
    // A 60 s connect timeout: only the server's peer-unavailable answer can produce this refusal in time.
    const slow = { ...net(), connectTimeoutMs: 60_000 };
    await expect(joinRound(wrong, { net: slow, crypto: crypto_, data: series(1) })).rejects.toThrow(/refused: round nosuchround does not exist or has ended/);
    expect(creator.members().length).toBe(1);
  }, 30_000);
});
