import type { Server } from 'node:net';

/**
 * Ports a local server takes back after a stop (a simulated BAM server, a gateway node) come from
 * below Linux's ephemeral range (32768-60999): a port-0 bind or an outgoing connection of another
 * test, the browser or dynalite never takes them while the server is stopped. The first start picks
 * one at random (a taken one is skipped), later starts reuse it.
 */
export const REUSABLE_PORTS = { from: 20_000, to: 32_767 };

/** Listens on `port` on 127.0.0.1, or (port 0) on a free port of REUSABLE_PORTS; answers the port. */
export async function listenReusable(server: Server, port: number): Promise<number> {
  if (port !== 0) return listenOn(server, port);
  for (let attempt = 0; ; attempt++) {
    const pick = REUSABLE_PORTS.from + Math.floor(Math.random() * (REUSABLE_PORTS.to - REUSABLE_PORTS.from + 1));
    try {
      return await listenOn(server, pick);
    } catch (err) {
      // After 50 taken picks the range is crowded: fall back to any free port rather than fail.
      if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
      if (attempt >= 50) return listenOn(server, 0);
    }
  }
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
