// Worker-thread entry of the concurrency test: loads the TypeScript helpers through tsx (worker
// threads do not inherit vitest's transform) and runs one booking loop on its own connection.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const helpers = await tsImport('./appointments.ts', import.meta.url);
await helpers.runBookingWorker(workerData);
