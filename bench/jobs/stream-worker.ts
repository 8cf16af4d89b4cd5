/** Worker thread of the read floor: streams one file, posts the points it saw. */
import { parentPort, workerData } from 'node:worker_threads';
import type { PointField } from '../../core/io/las/records';
import { streamFile } from './las-read';

const { file, fields } = workerData as { file: string; fields: PointField[] };
parentPort!.postMessage(await streamFile(file, fields, { reuseBuffers: true }));
