/**
 * Kernel events waiting for the server threads they are for (a badge closed, a peer closed, a
 * process exited or stopped): a list per receive queue, taken by the thread with the `takeEvents`
 * kernel call, at most MAX_EVENTS_PER_TAKE at a time; the queue's EVENTS bit says some are waiting.
 *
 * An event for a live process that has no queue yet (a restarted proc between `adopt` and its
 * first serve) waits in the process until it opens one; a queue's events end with it.
 */

import type { Arena } from '../ipc/arena.js';
import { ReceiveQueue } from '../ipc/receive-queue.js';
import type { Process } from './process.js';
import { type KernelEvent, MAX_EVENTS_PER_TAKE } from './kernel-interface.js';

export class EventQueues {
  private readonly byQueue = new Map<number, KernelEvent[]>();

  constructor(private readonly arena: Arena) {}

  post(p: Process, event: KernelEvent): void {
    if (p.queue < 0) {
      if (p.alive) p.eventsBeforeQueue.push(event);
      return;
    }
    const list = this.byQueue.get(p.queue) ?? [];
    list.push(event);
    this.byQueue.set(p.queue, list);
    new ReceiveQueue(this.arena, p.queue).raiseEvents();
  }

  /** `p` opened its queue: what waited for it is the queue's now. */
  opened(p: Process): void {
    if (p.eventsBeforeQueue.length === 0) return;
    this.byQueue.set(p.queue, p.eventsBeforeQueue.splice(0));
    new ReceiveQueue(this.arena, p.queue).raiseEvents();
  }

  /** Queue `queue` is gone, with what waited on it. */
  closed(queue: number): void {
    this.byQueue.delete(queue);
  }

  take(p: Process): KernelEvent[] {
    if (p.queue < 0) return [];
    const list = this.byQueue.get(p.queue) ?? [];
    const taken = list.splice(0, MAX_EVENTS_PER_TAKE);
    if (list.length === 0) this.byQueue.delete(p.queue);
    else new ReceiveQueue(this.arena, p.queue).raiseEvents();
    return taken;
  }
}
