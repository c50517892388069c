// Entry of the load driver's client thread: registers tsx's TypeScript loader in this thread
// (loaders do not carry over into workers on Node 20), then runs the clients.
import { register } from 'tsx/esm/api';

register();
await import('./load-driver-worker.ts');
