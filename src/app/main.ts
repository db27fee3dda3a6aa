/**
 * Entry point of the app page (index.html): opens storage, wires the worker pool into the shell and
 * starts the crypto self-test. Startup failures are shown on the page, never swallowed.
 * @module
 */
import '../ui/cs-app';
import '../ui/cs-selftest';
import { appPool, measureDevice, selfTest } from './crypto';
import { poolLabCrypto } from './lab/pool-crypto';
import { poolPpkmCrypto } from '../net/ppkm-tab';
import { realRoundApi } from './round';
import { openStore } from './storage';

function showFatal(message: string): void {
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.style.cssText = 'max-width:1100px;margin:1rem auto;padding:0.75rem;background:#fde8e8;border:1px solid #b3261e;color:#7a1410';
  p.textContent = message;
  document.body.prepend(p);
}

const selftestEl = document.querySelector('cs-selftest');
if (selftestEl) selftestEl.runner = () => selfTest(512);

const app = document.querySelector('cs-app');
const store = await openStore().catch((e: unknown) => {
  showFatal(`Storage (IndexedDB) is unavailable, so nothing will be kept after a reload: ${(e as Error).message}`);
  return undefined;
});
if (app) app.services = { store, labCrypto: (bits) => poolLabCrypto(appPool(), bits), ppkmCrypto: (bits) => poolPpkmCrypto(appPool(), bits), measure: (bits) => measureDevice(bits), rounds: realRoundApi(appPool) };
