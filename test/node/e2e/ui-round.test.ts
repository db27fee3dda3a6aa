/**
 * End to end through the UI: a creator tab and 3 joiner tabs in headless Chromium, over the real
 * session API (WebRTC data channels, the embedded PeerJS server of vite.config.ts, threshold Paillier
 * in the worker pool). The creator fills the "create a round" form, the joiners open the join link it
 * shows, pick their data and join, the creator starts; every tab must reach "done" with identical
 * public profiles. A tab with a tampered secret is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useUiRoundFixture } from './ui-harness';

const { base: baseUrl, open, phase, profiles, pageErrors } = useUiRoundFixture();

describe('a real round through the UI', () => {
  it('creator + 3 joiners reach "done" with identical profiles; a wrong secret is refused', async () => {
    const t0 = performance.now();
    const creator = await open(`${baseUrl()}#/create`, 'creator');
    await creator.locator('cs-create-round #k').fill('3');
    await creator.locator('cs-create-round #iterations').fill('2');
    await creator.locator('cs-create-round #keyBits').selectOption('512');
    // A generous budget so the 4 tabs' profiles survive ejection (more profiles to compare).
    await creator.locator('cs-create-round #epsilon').fill('20');
    await creator.locator('cs-round-data #data-source').selectOption({ index: 0 });
    await creator.locator('cs-create-round button[type=submit]').click();
    const linkInput = creator.locator('[data-testid="join-link"]');
    await expect.poll(() => linkInput.inputValue(), { timeout: 30_000 }).toMatch(/#join=[a-z0-9]+\.[0-9a-f]{32}&use=lcl&k=3&it=2/);
    const link = await linkInput.inputValue();
    await expect.poll(() => creator.locator('cs-create-round img[alt^="QR code"]').count()).toBe(1);

    // A tab with a tampered secret: refused by the creator's tab, with the reason.
    const bad = await open(link.replace(/(#join=[a-z0-9]+\.)([0-9a-f])/, (_m, head: string, c: string) => `${head}${c === '0' ? '1' : '0'}`), 'intruder');
    await bad.locator('cs-round-data #data-source').waitFor({ timeout: 30_000 });
    await bad.getByRole('button', { name: 'Join the round' }).click();
    await expect.poll(() => bad.locator('cs-create-round .error').textContent(), { timeout: 30_000 }).toMatch(/refused this tab: wrong join secret/);
    await bad.close();

    const joiners: Page[] = [];
    for (let i = 1; i <= 3; i++) {
      const p = await open(link, `joiner ${i}`);
      await p.locator('cs-round-data #data-source').selectOption({ index: i * 7 }, { timeout: 30_000 });
      await p.getByRole('button', { name: 'Join the round' }).click();
      joiners.push(p);
    }
    for (const p of joiners) await expect.poll(() => phase(p), { timeout: 30_000 }).toBe('lobby');
    const startButton = creator.getByRole('button', { name: /Start the round \(4 members\)/ });
    await startButton.waitFor({ timeout: 30_000 });
    await startButton.click();

    const tabs = [creator, ...joiners];
    for (const p of tabs) await expect.poll(() => phase(p), { timeout: 75_000, interval: 500 }).toBe('done');
    const finals = await Promise.all(tabs.map(profiles));
    expect(finals[0]!.length).toBeGreaterThan(0);
    expect(finals[0]!.every((c) => c.length === 24 && c.every(Number.isFinite))).toBe(true);
    for (const f of finals.slice(1)) expect(f).toEqual(finals[0]);

    // The lobby reports the round's numbers; the results plot the swarm's own private inertia estimate
    // (no omniscient inertia exists in a real swarm).
    const stats = (await creator.locator('cs-lobby dl').textContent())!.replace(/\s+/g, ' ');
    expect(stats).toMatch(/Members4 \(4 key holders\)/);
    expect(stats).toMatch(/ε spent\d+\.\d{3} of 20/);
    expect(Number(/ε spent(\d+\.\d{3})/.exec(stats)![1])).toBeLessThanOrEqual(20);
    // ε = 20 keeps the profiles through both iterations, so iteration 1's inertia was estimated in iteration 2.
    const view = joiners[0]!.locator('cs-inertia-view');
    expect(await view.locator('[data-testid="inertia-private"]').count()).toBe(1);
    expect(await view.locator('[data-testid="inertia-unavailable"]').count()).toBe(0);
    expect(Number(/≈ (\d+\.\d+)/.exec((await view.locator('.summary').textContent())!)![1])).toBeGreaterThan(0);
    await expect.poll(() => creator.getByText('This run is kept in History.').count()).toBe(1);
    expect(pageErrors).toEqual([]);
    console.log(`ui-round: 4 tabs done in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${finals[0]!.length} profiles`);
  }, 150_000);
});
