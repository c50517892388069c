import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderSubscriberIndex, subscriberModules, SUBSCRIBER_DIR } from '../../bin/gen-subscribers.js';
import { checkSubscriptions, defineSubscription } from '../../functions/events/define-subscription.js';
import { subscriptions } from '../../functions/lambdas/subscriptions.js';
import { patterns } from '../../functions/events/domain/event-patterns.js';

/** Subscribers are discovered like workflows: a module that declares its subscription is deployed and delivered to. */
describe('subscriber discovery', () => {
  it('lists every module of functions/subscribers/ that declares a subscription, and nothing else', () => {
    expect(subscriberModules()).toEqual(['event-recorder.ts', 'role-change-logger.ts']);
    expect(subscriptions.map((s) => [s.id, s.handler])).toEqual([
      ['EventRecorder', 'event-recorder'],
      ['RoleChangeLogger', 'role-change-logger'],
    ]);
    // The committed index is what the generator writes today.
    expect(readFileSync(path.join(SUBSCRIBER_DIR, 'index.ts'), 'utf8')).toBe(renderSubscriberIndex(subscriberModules()));
  });

  it("picks up docs/events.md's example module once it is added to the folder", () => {
    const page = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const example = /```ts\n(\/\/ functions\/lambdas\/subscribers\/primary-pager\.ts\n[\s\S]*?)```/.exec(page)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'subscribers-'));
    writeFileSync(path.join(dir, 'primary-pager.ts'), example!);
    writeFileSync(path.join(dir, 'helper.ts'), 'export const notASubscriber = 1;\n');
    expect(subscriberModules(dir)).toEqual(['primary-pager.ts']);
    expect(renderSubscriberIndex(subscriberModules(dir))).toContain("{ ...s0, handler: 'primary-pager' }");
  });

  it('refuses an id that cannot name AWS resources, and two subscribers with one id', () => {
    expect(() => defineSubscription({ id: 'role-logger', pattern: patterns.nodeRoleChanged })).toThrow(/PascalCase/);
    const one = { id: 'Pager', pattern: patterns.nodeRoleChanged };
    expect(() =>
      checkSubscriptions([
        { ...one, handler: 'a' },
        { ...one, handler: 'b' },
      ]),
    ).toThrow(/subscribers a and b both declare id "Pager"/);
  });
});
