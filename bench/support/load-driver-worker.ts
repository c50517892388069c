import { parentPort, workerData } from 'node:worker_threads';
import { LoadDriver } from './load-driver.js';

/**
 * The load driver's clients in a thread of their own: in production clients are elsewhere, so their
 * own work must not slow the event loop of the simulated BAM servers and DynamoDB. Messages: start,
 * take (the tally so far, and a fresh one), stop (the last tally).
 */
const { base, clients } = workerData as { base: string; clients: number };
const load = new LoadDriver(base, clients);
parentPort!.on('message', async (msg: string) => {
  if (msg === 'start') {
    await load.start();
    parentPort!.postMessage({ started: true });
  } else if (msg === 'take') {
    parentPort!.postMessage({ tally: load.take() });
  } else if (msg === 'stop') {
    parentPort!.postMessage({ tally: await load.stop() });
  }
});
