import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { realClock } from '../../../src/core/clock';
import type { PeerId } from '../../../src/core/transport';
import { Channel } from '../../../src/net/codec';
import { decodeControl, encodeControl, paramsFromWire, roundInfoFromWire, type ControlMessage, type RoundInfo } from '../../../src/net/control';
import { ppkmGraph } from '../../../src/net/ppkm-tab';
import { seededRng } from '../../../src/core/rng';
import { createMesh, type Dialer, type Mesh } from '../../../src/net/mesh';
import { parseJoinLink } from '../../../src/net/session';
import { isValidPeerId, parseSignal } from '../../../src/net/signalling';
import { createWebRtcTransport } from '../../../src/net/transport';
import { fakeChannel, type FakeChannel } from './fakes';

/** A fake network of meshes: dialling connects two fake channels directly (no browser). */
function fakeNetwork() {
  const meshes = new Map<PeerId, { mesh: Mesh; incoming: (from: PeerId, ch: FakeChannel) => void }>();
  const pumps: Array<() => void> = [];
  let pendingMax = 0, pending = 0, dials = 0;
  const add = (self: PeerId): Mesh => {
    let incoming: (from: PeerId, ch: FakeChannel) => void = () => {};
    const dialer: Dialer = {
      async dial(remote) {
        pending++; pendingMax = Math.max(pendingMax, pending); dials++;
        await Promise.resolve();
        pending--;
        const peer = meshes.get(remote);
        if (!peer) throw new Error('no such peer');
        const a = fakeChannel(), b = fakeChannel();
        // Closing one end closes the other, as a data channel does.
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const close = x.close;
          x.close = () => { if (x.closedByUs) return; close(); y.remoteClose(); };
        }
        pumps.push(() => { for (const [x, y] of [[a, b], [b, a]] as const) for (const m of x.sent.splice(0)) y.deliver(m); });
        peer.incoming(self, b);
        return a;
      },
      onIncoming(fn) { incoming = fn as typeof incoming; },
      close() {},
    };
    const mesh = createMesh({ self, dialer, clock: realClock(), maxPending: 2 });
    meshes.set(self, { mesh, incoming: (f, c) => incoming(f, c) });
    return mesh;
  };
  const flush = (): void => { for (let i = 0; i < 5; i++) for (const p of pumps) p(); };
  return { add, flush, pendingMax: () => pendingMax, dials: () => dials };
}

describe('mesh with a fake peer factory', () => {
  it('never has more than 2 dials pending and links every requested peer', async () => {
    const net = fakeNetwork();
    const hub = net.add('hub');
    const others = Array.from({ length: 9 }, (_, i) => net.add(`m${i}`));
    const ok = await Promise.all(others.map((m) => hub.connect(m.self)));
    expect(ok.every(Boolean)).toBe(true);
    expect(net.pendingMax()).toBe(2);
    expect(hub.peers().length).toBe(9);
    expect(others.every((m) => m.peers().includes('hub'))).toBe(true);
  });

  it('transport: direct frames, a link opened on demand for a non-neighbour, drops counted', async () => {
    const net = fakeNetwork();
    const hubMesh = net.add('hub'), aMesh = net.add('a'), bMesh = net.add('b');
    await hubMesh.connect('a'); await hubMesh.connect('b');
    const dialed: Array<[string, boolean]> = [];
    const mk = (m: Mesh) => {
      const t = createWebRtcTransport({ mesh: m, neighbours: () => m.peers(), onDialed: (p, ok) => dialed.push([p, ok]) });
      m.onMessage((from, ch, p) => { if (ch === Channel.Protocol) t.receive(from, p); });
      return t;
    };
    const hub = mk(hubMesh), a = mk(aMesh), b = mk(bMesh);
    const got: Array<[string, number]> = [];
    b.onFrame((from, f) => got.push([from, f[0]!]));
    hub.onFrame((from, f) => got.push([`hub<-${from}`, f[0]!]));
    a.send('hub', Uint8Array.of(1));   // direct
    a.send('b', Uint8Array.of(2));     // a has no link to b: one is dialled, the frames wait for it
    a.send('b', Uint8Array.of(3));
    // Frames go out and come in one per macrotask (main-thread slicing): drain both queues.
    const drain = async (): Promise<void> => { for (let i = 0; i < 8; i++) { await new Promise((r) => setTimeout(r, 0)); net.flush(); } };
    expect(got).toEqual([]); // nothing is sent synchronously
    await drain();
    expect(got).toEqual([['hub<-a', 1], ['a', 2], ['a', 3]]);
    expect(dialed).toEqual([['b', true]]); // one dial for both frames
    expect(aMesh.has('b')).toBe(true);
    // The retired relay kind and garbage are dropped with a reason.
    b.receive('a', new Uint8Array([1, 1, 98, 3, 104, 117, 98, 9]));
    b.receive('hub', new Uint8Array(0));
    expect(b.drops).toMatchObject({ kind: 1, empty: 1 });
    // Nobody there: the dial fails and the frame is dropped as unroutable.
    hub.send('nobody', Uint8Array.of(1));
    await drain();
    expect(hub.drops['no-route']).toBe(1);
    expect(dialed).toContainEqual(['nobody', false]);
    expect(() => a.send('b', new Uint8Array(4 * 1024 * 1024 + 1))).toThrow(RangeError);
  });
});

describe('control messages and links', () => {
  it('round-trips every control message and rejects malformed ones', () => {
    const msgs: ControlMessage[] = [
      { t: 'hello', round: 'abc', secret: 'f'.repeat(32) },
      { t: 'refuse', reason: 'wrong join secret' },
      { t: 'lobby', members: ['a', 'b'], holders: ['a'], status: 'lobby' },
      { t: 'ready' }, { t: 'go' }, { t: 'bye' },
    ];
    for (const m of msgs) expect(decodeControl(encodeControl(m))).toEqual(m);
    const enc = (x: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(x));
    expect(decodeControl(new Uint8Array([0xff, 0xfe]))).toBeNull();
    expect(decodeControl(enc([1, 2]))).toBeNull();
    expect(decodeControl(enc({ t: 'lobby', members: ['a b'], holders: [], status: 'lobby' }))).toBeNull();
    expect(decodeControl(enc({ t: 'lobby', members: [], holders: [], status: 'weird' }))).toBeNull();
    expect(decodeControl(enc({ t: 'hello', round: 1, secret: 'x' }))).toBeNull();
    expect(decodeControl(enc({ t: 'start', params: {}, members: [], share: null }))).toBeNull();
    expect(decodeControl(enc({ t: 'nope' }))).toBeNull();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => { decodeControl(b); }));
    fc.assert(fc.property(fc.jsonValue(), (v) => { decodeControl(enc(v)); paramsFromWire(v); }));
  });

  it('parses start parameters with the public key as a decimal string', () => {
    const w = { round: 'r1', k: 2, T: 4, L: 1, lo: 0, hi: 1, iterations: 1, epsilon: 1, strategy: 'uniform', smoothing: 1, keyBits: 0, participants: 3, holderIds: ['a'], publicKey: { n: '12345', bits: 1024, holders: 1, threshold: 1 } };
    expect(paramsFromWire(w)?.publicKey.n).toBe(12345n);
    expect(paramsFromWire({ ...w, publicKey: { ...w.publicKey, n: '0x10' } })).toBeNull();
    expect(paramsFromWire({ ...w, strategy: 'fancy' })).toBeNull();
    expect(paramsFromWire({ ...w, k: 'two' })).toBeNull();
  });

  it('parses join links and refuses malformed ones precisely', () => {
    const secret = '0123456789abcdef0123456789abcdef';
    expect(parseJoinLink(`https://host/app/#join=abcd1234ef.${secret}`)).toEqual({ round: 'abcd1234ef', secret });
    expect(parseJoinLink(`join=abcd1234ef.${secret}&x=1`)).toEqual({ round: 'abcd1234ef', secret });
    expect(() => parseJoinLink('https://host/#join=abcd.short')).toThrow(/expected #join=/);
    expect(() => parseJoinLink(42 as unknown as string)).toThrow(TypeError);
  });

  it('validates signals and peer ids from the network', () => {
    expect(parseSignal({ conn: 'a.1', kind: 'offer', sdp: 'v=0' })).toEqual({ conn: 'a.1', kind: 'offer', sdp: 'v=0' });
    expect(parseSignal({ conn: 'a.1', kind: 'candidate', candidate: null })).toEqual({ conn: 'a.1', kind: 'candidate', candidate: null });
    expect(parseSignal({ conn: 'a.1', kind: 'candidate', candidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, evil: 1 } })).toEqual({ conn: 'a.1', kind: 'candidate', candidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0 } });
    expect(parseSignal({ conn: 'a.1', kind: 'offer', sdp: 'x'.repeat(70_000) })).toBeNull();
    expect(parseSignal({ conn: 'a.1', kind: 'hack' })).toBeNull();
    expect(parseSignal(null)).toBeNull();
    expect(isValidPeerId('cs-abc-hub')).toBe(true);
    expect(isValidPeerId('a b')).toBe(false);
    expect(isValidPeerId('x'.repeat(65))).toBe(false);
  });
});

describe('mesh: a reloaded peer re-dials', () => {
  it('its new link replaces the stale one (reported as up again, never down) and traffic flows on the new link', async () => {
    const net = fakeNetwork();
    const hub = net.add('hub');
    const a1 = net.add('a');
    const events: string[] = [];
    hub.onPeer((p, up) => events.push(`${p}:${up ? 'up' : 'down'}`));
    const got: string[] = [];
    hub.onMessage((from, _ch, p) => got.push(`${from}:${p[0]}`));
    expect(await a1.connect('hub')).toBe(true);
    a1.send('hub', Channel.Control, Uint8Array.of(5));
    net.flush();
    const receivedOnStale = hub.stats().bytesReceived;
    expect(receivedOnStale).toBeGreaterThan(0);
    expect(hub.accepts('a')).toBe(true); // linked, yet a re-dial is accepted (the peer lost its side)
    // The tab reloads: same id, fresh mesh, no link on its side; the hub still holds the old one.
    const a2 = net.add('a');
    const a2got: string[] = [];
    a2.onMessage((from, _ch, p) => a2got.push(`${from}:${p[0]}`));
    expect(await a2.connect('hub')).toBe(true);
    // No 'down': the peer never lost its link. A down here would make the overlay re-dial at once,
    // and that dial would replace the link at the other end in turn (a replace loop).
    expect(events).toEqual(['a:up', 'a:up']);
    expect(hub.peers()).toEqual(['a']);
    a2.send('hub', Channel.Control, Uint8Array.of(7));
    hub.send('a', Channel.Control, Uint8Array.of(8));
    net.flush();
    expect(got).toEqual(['a:5', 'a:7']);
    expect(a2got).toEqual(['hub:8']);
    // The stale link's traffic still counts after it was replaced: the new link adds to it.
    expect(hub.stats().bytesReceived).toBeGreaterThanOrEqual(2 * receivedOnStale);
    expect(hub.accepts('hub')).toBe(false);
  });
});

describe('round parameters and PPkM set-up on the control channel', () => {
  const info: RoundInfo = { protocol: 'ppkm', dataset: 'lcl', k: 3, T: 24, L: 5, lo: 0, hi: 10, iterations: 3, epsilon: 1, strategy: 'uniform', smoothing: 1, keyBits: 512, population: 1000 };
  const wire = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

  it('params: round-trips, and every tampered field is rejected', () => {
    expect(decodeControl(encodeControl({ t: 'params', info }))).toEqual({ t: 'params', info });
    // Unknown extra fields are not carried over.
    expect(roundInfoFromWire({ ...info, extra: 'x' })).toEqual(info);
    for (const bad of [{ protocol: 'other' }, { dataset: '../x' }, { dataset: '' }, { k: 0 }, { k: 2.5 }, { T: -1 }, { hi: -1 }, { epsilon: 0 },
      { strategy: 'x' }, { keyBits: -512 }, { iterations: 1e9 }, { L: '5' }, { population: Number.NaN }]) {
      expect(decodeControl(wire({ t: 'params', info: { ...info, ...bad } })), JSON.stringify(bad)).toBeNull();
    }
    expect(decodeControl(wire({ t: 'params', info: [] }))).toBeNull();
  });

  it('ppkm: round-trips the parameters and neighbours; malformed shapes are rejected', () => {
    const params = {
      variant: 'packed' as const, k: 2, d: 3, lo: [0, 0, 0], hi: [1, 1, 1], fractionBits: 16, maxRecords: 5, maxNeighbours: 2,
      kappa: 40, lambdaBits: 64, keyBits: 512, epsStop: 1e-4, maxIterations: 3, initialCentroids: [[0.1, 0.2, 0.3], [0.7, 0.8, 0.9]],
    };
    const m: ControlMessage = { t: 'ppkm', params, round: 7, neighbours: ['cs-a-b-p', 'cs-a-c-p'] };
    expect(decodeControl(encodeControl(m))).toEqual(m);
    const variants: unknown[] = [
      { ...m, round: -1 }, { ...m, round: 1.5 }, { ...m, neighbours: [] }, { ...m, neighbours: ['bad id!'] },
      { ...m, params: { ...params, variant: 'z' } }, { ...m, params: { ...params, lo: [0, 0] } },
      { ...m, params: { ...params, initialCentroids: [[0, 0, 0]] } }, { ...m, params: { ...params, initialCentroids: [[0, 0, 0], [0, 0, 'x']] } },
      { ...m, params: { ...params, kappa: null } }, { ...m, params: null },
    ];
    for (const v of variants) expect(decodeControl(wire(v)), JSON.stringify(v)).toBeNull();
  });

  it('ppkmGraph: complete up to degree + 1 nodes; otherwise connected, undirected, degrees in [2, D]', () => {
    expect(ppkmGraph(4, 6, seededRng(1))).toEqual([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]);
    expect(() => ppkmGraph(1, 6, seededRng(1))).toThrow(/n ≥ 2, got 1/);
    expect(() => ppkmGraph(5, 1, seededRng(1))).toThrow(/degree must be an integer ≥ 2, got 1/);
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 8 }), fc.integer(), (n, D, seed) => {
      const g = ppkmGraph(n, D, seededRng(seed));
      expect(g).toHaveLength(n);
      g.forEach((adj, i) => {
        expect(adj).not.toContain(i);
        for (const j of adj) expect(g[j]).toContain(i);
        expect(adj.length).toBeLessThanOrEqual(Math.max(D, 2));
        expect(adj.length).toBeGreaterThanOrEqual(Math.min(2, n - 1));
      });
      const seen = new Set([0]), stack = [0];
      while (stack.length) for (const v of g[stack.pop()!]!) if (!seen.has(v)) { seen.add(v); stack.push(v); }
      expect(seen.size).toBe(n);
    }), { numRuns: 200 });
  });
});

describe('mesh: glare', () => {
  it('both ends dial at once and both links open: each end keeps the one dialled by the smaller id, nobody re-dials', async () => {
    for (const [first, second] of [['a', 'b'], ['b', 'a']] as const) {
      const net = fakeNetwork();
      const m = { a: net.add('a'), b: net.add('b') };
      const events: string[] = [];
      const got: string[] = [];
      for (const [name, mesh] of Object.entries(m)) {
        mesh.onPeer((p, up) => events.push(`${name}-${p}:${up ? 'up' : 'down'}`));
        mesh.onMessage((from, _ch, p) => got.push(`${from}>${name}:${p[0]}`));
      }
      const ok = await Promise.all([m[first].connect(second), m[second].connect(first)]);
      expect(ok).toEqual([true, true]);
      net.flush();
      expect(net.dials()).toBe(2);
      // The loser may close at one end before the winner opened there (a brief down), but both ends
      // end up on the link, and nothing dials again.
      for (const name of ['a', 'b']) expect(events.filter((e) => e.startsWith(`${name}-`)).at(-1)).toMatch(/:up$/);
      expect(events.filter((e) => e.endsWith('down')).length).toBeLessThanOrEqual(1);
      // Both ends kept the same link: messages flow both ways on it.
      m.a.send('b', Channel.Control, Uint8Array.of(1));
      m.b.send('a', Channel.Control, Uint8Array.of(2));
      net.flush();
      expect(got.sort()).toEqual(['a>b:1', 'b>a:2']);
      expect(m.a.peers()).toEqual(['b']);
      expect(m.b.peers()).toEqual(['a']);
    }
  });
});
