/**
 * A switchable partition between one node and a store it shares: while cut, every call (the
 * store's, and those of objects it holds, such as its outbox) fails the way an unreachable table
 * does, and nothing reaches the store.
 */
export function partitioned<T extends object>(port: T): { port: T; cut: () => void; heal: () => void; readonly isCut: boolean } {
  let cut = false;
  const wrap = <U extends object>(target: U): U =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) =>
            cut ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED (partitioned from the table)'), { code: 'ECONNREFUSED' })) : (value as (...a: unknown[]) => unknown).apply(t, args);
        }
        return value !== null && typeof value === 'object' ? wrap(value) : value;
      },
    });
  return {
    port: wrap(port),
    cut: () => void (cut = true),
    heal: () => void (cut = false),
    get isCut() {
      return cut;
    },
  };
}
