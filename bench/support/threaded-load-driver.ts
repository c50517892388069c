import type { LoadTally } from './load-driver.js';

/** The same clients in a worker thread (local/load-driver-worker.ts), for benchmarks: they do not share the simulated servers' event loop. */
export class ThreadedLoadDriver {
  private constructor(private readonly worker: import('node:worker_threads').Worker) {}

  static async start(base: string, clients: number): Promise<ThreadedLoadDriver> {
    const { Worker } = await import('node:worker_threads');
    const load = new ThreadedLoadDriver(new Worker(new URL('./load-driver-worker.mjs', import.meta.url), { workerData: { base, clients }, execArgv: [] }));
    await load.ask('start');
    return load;
  }

  async take(): Promise<LoadTally> {
    return ((await this.ask('take')) as { tally: LoadTally }).tally;
  }

  async stop(): Promise<LoadTally> {
    const { tally } = (await this.ask('stop')) as { tally: LoadTally };
    await this.worker.terminate();
    return tally;
  }

  private ask(msg: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const failed = (err: Error) => reject(err);
      this.worker.once('message', (answer) => {
        this.worker.off('error', failed);
        resolve(answer);
      });
      this.worker.once('error', failed);
      this.worker.postMessage(msg);
    });
  }
}
