/**
 * The crypto Web Worker: exposes one {@link CryptoWorkerApi} object through comlink. Everything it
 * does lives in ./crypto-service.ts so it can be tested in any thread.
 * @module
 */
import { expose } from 'comlink';
import { createCryptoService } from './crypto-service';

expose(createCryptoService());
