/**
 * Load for the switchover benchmark: half the clients hold restorable sessions and call the sample
 * workflow in a loop; the other half are a stream of new alias logins (log in through the alias,
 * one call, log out, again: automation that logs in per job). Every request is recorded with when
 * it started, so the benchmark can pick the ones made while the Primary was changing.
 */
import { jsonOf, send } from './http-client.js';

export interface Answer {
  /** When the request was sent, epoch ms (sub-ms precision; comparable across threads). */
  startedAt: number;
  ms: number;
  status: number;
  /** What was asked: login, call, logout. */
  what: 'login' | 'call' | 'logout';
  code?: string;
}

const PATH = '/failover_rest_endpoints/get_configurations';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SwitchoverLoad {
  private running = false;
  private loops: Promise<void>[] = [];
  answers: Answer[] = [];

  constructor(
    private readonly base: string,
    private readonly clients: number,
    private readonly stream: { username: string; password: string },
    private readonly restorable: { username: string; password: string },
  ) {}

  async start(): Promise<void> {
    const restorable = Math.ceil(this.clients / 2);
    const tokens = await Promise.all(Array.from({ length: restorable }, () => this.loginUntilOk(this.restorable)));
    this.running = true;
    this.loops = [...tokens.map((t) => this.restorableClient(t)), ...Array.from({ length: this.clients - restorable }, () => this.streamClient())];
  }

  async stop(): Promise<Answer[]> {
    this.running = false;
    await Promise.all(this.loops);
    const all = this.answers;
    this.answers = [];
    return all;
  }

  private async restorableClient(token: string): Promise<void> {
    while (this.running) {
      const a = await this.request('call', 'GET', PATH, token);
      if (a.status === 503) await sleep(100); // as told by Retry-After, shortened: the figures count each one
    }
  }

  private async streamClient(): Promise<void> {
    while (this.running) {
      const login = await this.request('login', 'POST', '/rest_login', undefined, { ...this.stream, bam_alias: 'primary-address-manager' });
      if (login.status !== 200 || !login.token) {
        await sleep(100);
        continue;
      }
      await this.request('call', 'GET', PATH, login.token);
      await this.request('logout', 'POST', '/rest_logout', login.token);
    }
  }

  private async request(what: Answer['what'], method: string, path: string, token?: string, json?: unknown): Promise<Answer & { token?: string }> {
    const startedAt = performance.timeOrigin + performance.now();
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (json) headers['content-type'] = 'application/json';
    let status = 0;
    let body: { code?: string; access_token?: string } = {};
    try {
      const res = await send(this.base + path, method, headers, json ? JSON.stringify(json) : undefined);
      status = res.status;
      body = jsonOf<typeof body>(res);
    } catch {
      status = 0; // no answer at all
    }
    const answer: Answer = { startedAt, ms: performance.timeOrigin + performance.now() - startedAt, status, what, ...(body.code ? { code: String(body.code) } : {}) };
    this.answers.push(answer);
    return { ...answer, ...(body.access_token ? { token: String(body.access_token).split(' ')[1]! } : {}) };
  }

  private async loginUntilOk(user: { username: string; password: string }): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const res = await send(`${this.base}/rest_login`, 'POST', { 'content-type': 'application/json' }, JSON.stringify(user));
      const json = jsonOf<{ access_token?: string }>(res);
      if (res.status === 200) return String(json.access_token).split(' ')[1]!;
      await sleep(res.status === 429 ? 1000 : 100);
    }
    throw new Error(`login of ${user.username} kept failing`);
  }
}

/** The same load in a worker thread (local/switchover-load-worker.ts): the clients do not share the gateway's event loop. */
export class ThreadedSwitchoverLoad {
  private readonly worker: import('node:worker_threads').Worker;

  private constructor(worker: import('node:worker_threads').Worker) {
    this.worker = worker;
  }

  static async start(base: string, clients: number, stream: { username: string; password: string }, restorable: { username: string; password: string }): Promise<ThreadedSwitchoverLoad> {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(new URL('./switchover-load-worker.mjs', import.meta.url), { workerData: { base, clients, stream, restorable }, execArgv: [] });
    const load = new ThreadedSwitchoverLoad(worker);
    await load.ask('start');
    return load;
  }

  /** Drops what was recorded so far (the warm-up). */
  async reset(): Promise<void> {
    await this.ask('reset');
  }

  async stop(): Promise<Answer[]> {
    const { answers } = (await this.ask('stop')) as { answers: Answer[] };
    await this.worker.terminate();
    return answers;
  }

  private ask(msg: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage(msg);
    });
  }
}
