/**
 * Garbage among capabilities in flight. Capabilities can sit in channel queues, and a queue can
 * hold the only capability to its own endpoint (directly, or through a cycle of queues). Such a
 * queue can never be read, so its messages are garbage. Mark every object reachable from a
 * handle table, following the queues of reachable endpoints; take the messages of every endpoint
 * left unmarked out of its queue. The kernel releases the capabilities they carried.
 */

import type { Capability } from './capability.js';
import { ChannelEndpoint } from './channel.js';
import type { KernelObject } from './object.js';
import type { Process } from './process.js';

/** The capabilities of every unreadable queued message (now removed from their queues). */
export function takeUnreachableMessages(processes: Iterable<Process>, objects: Iterable<KernelObject>): Capability[] {
  const marked = new Set<KernelObject>();
  const stack: KernelObject[] = [];
  const mark = (o: KernelObject): void => {
    if (!marked.has(o)) {
      marked.add(o);
      stack.push(o);
    }
  };
  for (const p of processes) for (const cap of p.handles.all()) mark(cap.object);
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (o instanceof ChannelEndpoint) for (const m of o.queue) for (const c of m.caps) if (c) mark(c.object);
  }
  const garbage: Capability[] = [];
  for (const o of objects) {
    if (!(o instanceof ChannelEndpoint) || marked.has(o) || o.queue.length === 0) continue;
    for (const m of o.queue.splice(0)) for (const c of m.caps) if (c) garbage.push(c);
  }
  return garbage;
}
