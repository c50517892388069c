import { parentPort, workerData } from 'node:worker_threads';
import { SwitchoverLoad } from './switchover-load.js';

/**
 * The switchover benchmark's clients in their own thread: in production clients are elsewhere, so
 * their own work must not slow the gateway's event loop. Messages: start, reset (drop what was
 * recorded so far), stop (answers everything recorded).
 */
const { base, clients, stream, restorable } = workerData as { base: string; clients: number; stream: { username: string; password: string }; restorable: { username: string; password: string } };
const load = new SwitchoverLoad(base, clients, stream, restorable);
parentPort!.on('message', async (msg: string) => {
  if (msg === 'start') {
    await load.start();
    parentPort!.postMessage({ started: true });
  } else if (msg === 'reset') {
    load.answers = [];
    parentPort!.postMessage({ reset: true });
  } else if (msg === 'stop') {
    parentPort!.postMessage({ answers: await load.stop() });
  }
});
