/**
 * A real PPkM round through the UI: a creator tab and 3 joiner tabs in headless Chromium over the real
 * session API (join link, lobby on the creator's hub), then PPkM nodes over WebRTC on the complete graph
 * the creator hands out, 512-bit Paillier in each tab's worker pool. On a complete graph every node
 * aggregates everyone's data, so all tabs must reach "done" with identical exact centroids. Joiners
 * show the creator's real parameters (not the link's hints).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useUiRoundFixture } from './ui-harness';

const { base: baseUrl, open, phase, profiles, pageErrors } = useUiRoundFixture();

describe('a real PPkM round through the UI', () => {
  it('creator + 3 joiners reach "done" with identical exact centroids; joiners show the creator\'s parameters', async () => {
    const t0 = performance.now();
    const creator = await open(`${baseUrl()}#/create`, 'creator');
    await creator.locator('cs-create-round #protocol').selectOption('ppkm');
    await creator.locator('[data-testid="ppkm-note"]').waitFor({ timeout: 10_000 });
    await creator.locator('cs-create-round #k').fill('3');
    await creator.locator('cs-create-round #iterations').fill('3');
    await creator.locator('cs-create-round #keyBits').selectOption('512');
    await creator.locator('cs-create-round #seriesPerParticipant').fill('5');
    await creator.locator('cs-round-data #data-source').selectOption({ index: 0 });
    await creator.locator('cs-create-round button[type=submit]').click();
    const linkInput = creator.locator('[data-testid="join-link"]');
    await expect.poll(() => linkInput.inputValue(), { timeout: 30_000 }).toMatch(/#join=[a-z0-9]+\.[0-9a-f]{32}&proto=ppkm&use=lcl&k=3&it=3/);
    // The link's hints are an unauthenticated preview: tamper with k; the joiner must show the creator's k.
    const link = (await linkInput.inputValue()).replace('&k=3&', '&k=7&');

    const joiners: Page[] = [];
    for (let i = 1; i <= 3; i++) {
      const p = await open(link, `joiner ${i}`);
      await p.locator('cs-round-data #data-source').selectOption({ index: i * 5 }, { timeout: 30_000 });
      await p.getByRole('button', { name: 'Join the round' }).click();
      joiners.push(p);
    }
    for (const p of joiners) await expect.poll(() => phase(p), { timeout: 30_000 }).toBe('lobby');
    const shown = (await joiners[0]!.locator('[data-testid="round-params"]').textContent())!.replace(/\s+/g, ' ');
    expect(shown).toMatch(/PPkM \(exact, no differential privacy\) over electricity: k 3, 3 iterations, 512-bit keys, at most 5 series of 24 values/);
    expect(await joiners[0]!.locator('[data-testid="hints-differ"]').count()).toBe(1);
    const startButton = creator.getByRole('button', { name: /Start the round \(4 members\)/ });
    await startButton.waitFor({ timeout: 30_000 });
    await startButton.click();

    const tabs = [creator, ...joiners];
    for (const p of tabs) await expect.poll(() => phase(p), { timeout: 50_000, interval: 500 }).toBe('done');
    const finals = await Promise.all(tabs.map(profiles));
    expect(finals[0]!).toHaveLength(3);
    expect(finals[0]!.every((c) => c.length === 24 && c.every(Number.isFinite))).toBe(true);
    for (const f of finals.slice(1)) expect(f).toEqual(finals[0]);
    const stats = (await joiners[1]!.locator('cs-lobby dl').textContent())!.replace(/\s+/g, ' ');
    expect(stats).toMatch(/PPkM: exact centroids, no differential privacy/);
    expect(stats).toMatch(/Peers connected3/);
    expect(stats).toMatch(/Members4 /);
    // The joiner's record uses the creator's k (3), not the tampered hint (7).
    const header = (await joiners[0]!.locator('cs-results h2 + p').textContent())!.replace(/\s+/g, ' ');
    expect(header).toMatch(/^ppkm · k 3 → 3 profiles · \d iterations? · no differential privacy/);
    expect(await joiners[0]!.locator('cs-results h2').textContent()).toMatch(/Swarm · PPkM · electricity · 4 tabs · 512 bits/);
    expect(pageErrors).toEqual([]);
    console.log(`ui-ppkm: 4 tabs done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 120_000);
});
