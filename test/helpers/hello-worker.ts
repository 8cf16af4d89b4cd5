// A worker thread that is none of the core's: it only says hello (test/cli/worker-cache.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort!.postMessage('hello');
