import { afterEach, describe, expect, inject, it } from 'vitest';
import { realClock } from '../../../src/core/clock';
import { Channel } from '../../../src/net/codec';
import { createMesh, type Mesh } from '../../../src/net/mesh';
import { createConnector } from '../../../src/net/rtc';
import { broadcastSignalling, peerjsSignalling, type Signalling } from '../../../src/net/signalling';

const server = () => ({ host: '127.0.0.1', port: inject('signalPort'), path: inject('signalPath'), secure: false });
const meshes: Mesh[] = [];
afterEach(() => { for (const m of meshes.splice(0)) m.close(); });

function node(signalling: Signalling): Mesh {
  const ref: { mesh?: Mesh } = {};
  const connector = createConnector({ signalling, timeoutMs: 15_000, accept: (p) => ref.mesh!.accepts(p) });
  const mesh = ref.mesh = createMesh({ self: signalling.self, dialer: connector, clock: realClock() });
  meshes.push(mesh);
  return mesh;
}

function until(cond: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => { const check = (): void => { if (cond()) resolve(); else setTimeout(check, 20); }; check(); });
}

async function exchange(nodes: Mesh[]): Promise<void> {
  const got = new Map<string, string[]>();
  for (const m of nodes) m.onMessage((from, ch, p) => { if (ch === Channel.Protocol) got.set(m.self, [...(got.get(m.self) ?? []), `${from}:${p[0]}`]); });
  // Full mesh of n nodes: i dials every j > i (each node still has ≤ 2 pending dials at a time).
  const dials: Promise<boolean>[] = [];
  nodes.forEach((a, i) => nodes.slice(i + 1).forEach((b) => dials.push(a.connect(b.self))));
  expect(await Promise.all(dials)).toEqual(dials.map(() => true));
  // The answering side sees its link open a moment after the dialler.
  await until(() => nodes.every((m) => m.peers().length === nodes.length - 1));
  nodes.forEach((a, i) => nodes.forEach((b) => { if (a !== b) expect(a.send(b.self, Channel.Protocol, Uint8Array.of(i))).toBe(true); }));
  await new Promise<void>((resolve) => {
    const check = (): void => { if (nodes.every((m) => (got.get(m.self) ?? []).length === nodes.length - 1)) resolve(); else setTimeout(check, 20); };
    check();
  });
  nodes.forEach((m, j) => {
    expect(new Set(got.get(m.self))).toEqual(new Set(nodes.flatMap((o, i) => (i === j ? [] : [`${o.self}:${i}`]))));
  });
}

describe('mesh over real RTCPeerConnection data channels', () => {
  it('4 participants via the PeerJS server: full mesh, every message delivered once', async () => {
    const tag = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
    const sigs = [0, 1, 2, 3].map((i) => peerjsSignalling(`p${tag}-${i}`, server()));
    await Promise.all(sigs.map((s) => s.ready()));
    await exchange(sigs.map(node));
  });

  it('3 participants via BroadcastChannel signalling (no server)', async () => {
    const room = 'r' + crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
    await exchange(['a', 'b', 'c'].map((id) => node(broadcastSignalling(id, room))));
  });

  it('the PeerJS server refuses a taken id with a clear error', async () => {
    const id = 'dup' + crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
    const a = peerjsSignalling(id, server());
    await a.ready();
    const b = peerjsSignalling(id, server());
    await expect(b.ready()).rejects.toThrow(/already taken/);
    a.close(); b.close();
  });

  it('a closed peer is reported down and the others keep talking', async () => {
    const room = 'r' + crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => node(broadcastSignalling(id, room))) as [Mesh, Mesh, Mesh];
    expect(await Promise.all([a.connect('b'), a.connect('c'), b.connect('c')])).toEqual([true, true, true]);
  await until(() => a.peers().length === 2 && b.peers().length === 2 && c.peers().length === 2);
    const down = new Promise<string>((r) => a.onPeer((p, up) => { if (!up) r(p); }));
    c.close();
    expect(await down).toBe('c');
    const got = new Promise<number>((r) => b.onMessage((_f, _c, p) => r(p[0]!)));
    expect(a.send('b', Channel.Protocol, Uint8Array.of(77))).toBe(true);
    expect(await got).toBe(77);
    expect(a.send('c', Channel.Protocol, Uint8Array.of(1))).toBe(false);
  });
});
