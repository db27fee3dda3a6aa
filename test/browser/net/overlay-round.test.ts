import { afterEach, describe, expect, inject, it } from 'vitest';
import { dealPlainThresholdKey } from '../../../src/crypto/index';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import { createRound, joinRound, type NetOptions, type RejoinState, type RejoinStore, type RoundSession, type SessionCrypto } from '../../../src/net/session';
import { finished, series } from './round-helpers';

/** Degree 2 (a Cyclon view of 1) and fast shuffles: new links form during the round, signalled through introducers. */
const net = (extra: Partial<NetOptions> = {}): NetOptions => ({
  signalling: { host: '127.0.0.1', port: inject('signalPort'), path: inject('signalPath'), secure: false },
  degree: 2, connectTimeoutMs: 10_000, shufflePeriodMs: 1000, releaseGraceMs: 500, ...extra,
});
const crypto_: SessionCrypto = {
  backendFor: (pk) => plainBackend(pk),
  dealKey: async (_bits, holders, threshold) => dealPlainThresholdKey({ bits: 1024, holders, threshold }),
};
const sessions: RoundSession[] = [];
afterEach(() => { for (const s of sessions.splice(0)) s.leave(); });

/** A tab's sessionStorage, in memory. */
function memoryStore(): RejoinStore & { map: Map<string, RejoinState> } {
  const map = new Map<string, RejoinState>();
  return { map, load: (r) => map.get(r) ?? null, save: (st) => { map.set(st.round, structuredClone(st)); } };
}

/**
 * A round of `n` tabs. `dropout`: the share of members the noise is sized to do without (a test that
 * closes or reloads tabs mid-round needs it: otherwise the iteration they miss is not released).
 */
async function openRound(n: number, iterations: number, threshold = 2, stores: RejoinStore[] = [], extra: Partial<NetOptions> = {}, dropout = 0): Promise<{ creator: RoundSession; joiners: RoundSession[] }> {
  const creator = await createRound({
    net: net(extra), crypto: crypto_, data: series(0), baseUrl: 'http://127.0.0.1/swarm.html',
    round: { k: 2, T: 4, L: 1, lo: 0, hi: 8, iterations, epsilon: 1e4, strategy: 'uniform', smoothing: 1, keyBits: 0, holders: 3, threshold, cycleMs: 120, dropout },
  });
  sessions.push(creator);
  const joiners = await Promise.all(Array.from({ length: n - 1 }, (_, i) => joinRound(creator.link, { net: net(extra), crypto: crypto_, data: series(i + 1), rejoinStore: stores[i] })));
  sessions.push(...joiners);
  return { creator, joiners };
}

describe('the Cyclon overlay in a live round (real RTCPeerConnection data channels)', () => {
  it('8 tabs: views shuffle, links are signalled through introducers, the lobby links are released, all agree', async () => {
    // No idle links kept: with them (a cache of D = 2 per tab, by design) the creator, which is also
    // key holder 1 and so in the holders' star, sometimes legitimately kept a link to all 7 members
    // (seen with and without the contributor census); what this test asserts is that no lobby link
    // outlives the lobby unless someone wants it.
    const { creator, joiners } = await openRound(8, 4, 2, [], { idleLinks: 0 });
    const all = [creator, ...joiners];
    const done = all.map(finished);
    await creator.start();
    const results = await Promise.all(done);
    for (const r of results) expect(r).toEqual(results[0]);
    const overlay = all.map((s) => s.stats().overlay!);
    const sum = (f: (o: (typeof overlay)[number]) => number): number => overlay.reduce((a, o) => a + f(o), 0);
    expect(sum((o) => o.shufflesCompleted)).toBeGreaterThan(0);
    expect(sum((o) => o.sentViaRelay)).toBeGreaterThan(0); // some links were signalled without the server
    expect(sum((o) => o.forwarded)).toBeGreaterThan(0);
    expect(sum((o) => o.receivedViaRelay)).toBeGreaterThan(0);
    expect(sum((o) => o.linksReleased)).toBeGreaterThan(0);
    // No hub: once the views settle (shuffles stop with the final result; unwanted links go after the
    // 0.5 s grace), the creator does not keep a link to every member: only the wanted ones.
    // (15 s: on a loaded machine the want-off announcements and the release checks run late.)
    await expect.poll(() => creator.stats().peers, { timeout: 15_000, interval: 250 }).toBeLessThan(7);
    for (const s of all) expect(s.stats().dropped).toEqual({});
  }, 120_000);

  it('joiners link to each other in the lobby (a view of 2: at least 2 such links each), then the round runs on them', async () => {
    const { creator, joiners } = await openRound(6, 2);
    await expect.poll(() => joiners.every((j) => j.lobbyLinked()), { timeout: 15_000, interval: 100 }).toBe(true);
    // The creator's link plus at least two to other joiners, before anyone started anything.
    for (const j of joiners) expect(j.stats().peers).toBeGreaterThanOrEqual(3);
    const all = [creator, ...joiners];
    const done = all.map(finished);
    await creator.start();
    const results = await Promise.all(done);
    for (const r of results) expect(r).toEqual(results[0]);
    // Without lobby links a joiner waits linked to the creator only.
    const off = await openRound(3, 1, 2, [], { lobbyLinks: false });
    await new Promise((r) => setTimeout(r, 1500)); // longer than the lobby's dial spread
    for (const j of off.joiners) { expect(j.lobbyLinked()).toBe(true); expect(j.stats().peers).toBe(1); }
  }, 120_000);

  it('the creator closes its tab mid-round; the others finish with identical centroids', async () => {
    const { creator, joiners } = await openRound(7, 3, 2, [], {}, 1 / 7);
    const done = joiners.map(finished);
    // Once the first result is out (a member has it), during the second iteration's gossip.
    const firstResult = new Promise<void>((resolve) => joiners[0]!.onEvent((e) => { if (e.type === 'result' && e.iteration === 1) resolve(); }));
    await creator.start();
    await firstResult;
    creator.leave(); // the creator was key holder 1 (the aggregator); holder 2 takes over
    const results = await Promise.all(done);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]!.length).toBe(2);
    for (const j of joiners) expect(j.result?.iteration).toBe(3);
  }, 120_000);

  it('a key holder reloads mid-round and rejoins with its kept share: a 3-of-3 round still finishes', async () => {
    const stores = Array.from({ length: 4 }, memoryStore);
    const { creator, joiners } = await openRound(5, 3, 3, stores, {}, 1 / 5);
    const holderIds = new Promise<string[]>((resolve) => creator.onEvent((e) => { if (e.type === 'lobby' && e.holders.length > 0) resolve(e.holders); }));
    const firstResult = new Promise<void>((resolve) => creator.onEvent((e) => { if (e.type === 'result' && e.iteration === 1) resolve(); }));
    await creator.start();
    const holders = await holderIds;
    const i = joiners.findIndex((j) => holders.includes(j.self));
    expect(i).toBeGreaterThanOrEqual(0);
    const kept = stores[i]!.map.get(creator.round)!;
    expect(kept.id).toBe(joiners[i]!.self);
    expect(kept.share?.index).toBe(holders.indexOf(joiners[i]!.self) + 1);
    await firstResult;
    // The reload: the page (and its session) goes away; the new page has only the tab's storage.
    joiners[i]!.leave();
    await new Promise((r) => setTimeout(r, 300));
    const back = await joinRound(creator.link, { net: net(), crypto: crypto_, data: series(i + 1), rejoinStore: stores[i] });
    sessions.push(back);
    expect(back.self).toBe(kept.id);
    const others = [creator, ...joiners.filter((_, j) => j !== i), back];
    const results = await Promise.all(others.map(finished));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(back.result?.iteration).toBe(3);
  }, 120_000);

  it('with the creator gone, a reloaded member rejoins through the members it knew and finishes with the others', async () => {
    const stores = Array.from({ length: 5 }, memoryStore);
    const { creator, joiners } = await openRound(6, 4, 2, stores, {}, 2 / 6);
    const holders = new Promise<string[]>((resolve) => creator.onEvent((e) => { if (e.type === 'lobby' && e.holders.length > 0) resolve(e.holders); }));
    const firstResult = new Promise<void>((resolve) => joiners[0]!.onEvent((e) => { if (e.type === 'result' && e.iteration === 1) resolve(); }));
    await creator.start();
    const h = await holders;
    await firstResult;
    creator.leave();
    const i = joiners.findIndex((j) => !h.includes(j.self)); // a plain participant reloads
    joiners[i]!.leave();
    await new Promise((r) => setTimeout(r, 300));
    const back = await joinRound(creator.link, { net: net(), crypto: crypto_, data: series(i + 1), rejoinStore: stores[i] });
    sessions.push(back);
    expect(back.self).toBe(joiners[i]!.self);
    expect(back.params?.k).toBe(2); // the public parameters it kept
    const rest = [...joiners.filter((_, j) => j !== i), back];
    const results = await Promise.all(rest.map(finished));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(back.result?.iteration).toBe(4);
  }, 120_000);
});
