/**
 * A gateway node in a worker thread: its own environment (NODE_ID, ...) and its own module graph,
 * as a second deployment would have. `/_local/...` requests go to the parent's control server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startNode } from './node-runtime.js';

const { port, controlUrl, probeFirst } = workerData as { port: number; controlUrl: string; probeFirst?: boolean };

const node = await startNode(port, async (method, path, body, servingNode) => {
  const res = await fetch(controlUrl + path, { method, body: method === 'GET' ? undefined : body, headers: servingNode ? { 'x-serving-node': servingNode } : {} });
  return { status: res.status, body: await res.json() };
});

parentPort!.on('message', async (msg: { id: number; cmd: 'start' | 'stop' | 'probe' }) => {
  try {
    await node[msg.cmd]();
    parentPort!.postMessage({ id: msg.id, ok: true, url: node.url, running: node.running });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).message });
  }
});
if (probeFirst) await node.probe(); // know the Primary before accepting logins
await node.start();
parentPort!.postMessage({ id: 0, ok: true, url: node.url, running: true });
