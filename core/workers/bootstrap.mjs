// Entry of every worker thread: lets a worker run our TypeScript sources directly (as the CLI
// does through tsx), then hands over to the worker module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

if (workerData.entry.endsWith('.ts')) register();
await import(workerData.entry);
