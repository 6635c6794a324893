/** Reserved concurrency as slots: a full function drops the tick; a release frees exactly one slot, once. */
import { describe, expect, it } from 'vitest';
import { createInvocationSlots } from '../../../../shared/runtime/local/scheduled/invocation-slots.ts';

describe('invocation slots', () => {
  it('reserved concurrency 1: one invocation at a time, the next tick after it returned', () => {
    const slots = createInvocationSlots(1);
    const first = slots.tryAcquire();
    expect(first).toBeTypeOf('function');
    expect([slots.tryAcquire(), slots.tryAcquire(), slots.running]).toEqual([null, null, 1]);
    first!();
    expect(slots.running).toBe(0);
    const second = slots.tryAcquire();
    expect(second).toBeTypeOf('function');
    expect(slots.running).toBe(1);
  });

  it("a release called twice frees one slot, not another invocation's", () => {
    const slots = createInvocationSlots(2);
    const a = slots.tryAcquire()!;
    slots.tryAcquire();
    a();
    a();
    expect(slots.running).toBe(1);
    expect(slots.tryAcquire()).toBeTypeOf('function');
    expect(slots.tryAcquire()).toBeNull();
  });

  it('no reserved concurrency: invocations overlap', () => {
    const slots = createInvocationSlots(null);
    for (let i = 0; i < 5; i++) expect(slots.tryAcquire()).toBeTypeOf('function');
    expect(slots.running).toBe(5);
  });
});
