// Entry of the worker thread that runs gateway node b: registers tsx's TypeScript loader in this
// thread (loaders do not carry over into workers on Node 20), then runs the node.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
