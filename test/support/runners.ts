import { registerLocalRunner, type RunnerHandler } from '../../functions/adapters/runner-invoker.js';
import type { Workflow, WorkflowRoute } from '../../functions/workflows/define.js';

/** A workflow module as its runner holds it (the same module instance: a test may swap a route's handler). */
export async function workflowModule(name: string): Promise<Workflow> {
  return ((await import(`../../functions/workflows/modules/${name}.ts`)) as { default: Workflow }).default;
}

/** The handler export of a workflow's own runner entry (functions/lambdas/runners/<name>.ts). */
export async function runnerOf(name: string): Promise<RunnerHandler> {
  return ((await import(`../../functions/lambdas/runners/${name}.ts`)) as { handler: RunnerHandler }).handler;
}

/** Runs `fn` with `handler` answering for workflow `name`'s runner, then puts the real runner back. */
export async function withRunner<T>(name: string, handler: RunnerHandler, fn: () => Promise<T>): Promise<T> {
  registerLocalRunner(name, handler);
  try {
    return await fn();
  } finally {
    registerLocalRunner(name, await runnerOf(name));
  }
}

/** Runs `fn` with route `index` of workflow `name` answering through `handler`, then restores it. */
export async function withRouteHandler<T>(name: string, index: number, handler: WorkflowRoute['handler'], fn: () => Promise<T>): Promise<T> {
  const route = (await workflowModule(name)).routes[index]!;
  const real = route.handler;
  route.handler = handler;
  try {
    return await fn();
  } finally {
    route.handler = real;
  }
}
