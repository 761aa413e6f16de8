/**
 * Channel endpoints.
 *
 * `channel_create` makes two endpoints, each the other's peer. Through an endpoint its holder can
 *   - write asynchronous messages (bytes plus moved handles) that the peer's holder reads, and
 *   - make synchronous calls that are delivered to whichever thread serves the peer.
 * Serving an endpoint binds it to the serving thread's receive queue and a port number on that
 * thread; the route is published in the endpoint's arena record so callers find it without the
 * kernel. When the last capability to an endpoint goes, the endpoint is destroyed and its peer
 * sees PEER_CLOSED: reads drain what is queued and then fail, calls to it fail.
 *
 * Messages in the queue own their capabilities (location `transit`); destroying an endpoint
 * closes the capabilities of messages nobody will read.
 */

import { type Arena, ObjectWord } from '../ipc/arena.js';
import type { Capability } from './capability.js';
import { KernelObject } from './object.js';
import { ObjectType } from '../abi/object-type.js';

export interface ChannelMessage {
  readonly bytes: Uint8Array;
  /** Moved capabilities; a slot becomes null if its capability is revoked in flight. */
  caps: (Capability | null)[];
}

/** Limits on one endpoint's queue and one message (a full queue is NO_RESOURCES, never growth without bound). */
export const CHANNEL_MAX_MESSAGES = 1024;
export const CHANNEL_MAX_BYTES = 64 * 1024;
export const CHANNEL_MAX_HANDLES = 64;

export interface ChannelHooks {
  /** The endpoint's peer was destroyed (called on the surviving endpoint). */
  peerClosed(endpoint: ChannelEndpoint): void;
  /** A message arrived in the endpoint's queue. */
  messageArrived(endpoint: ChannelEndpoint): void;
  /** Capabilities in messages that will never be read must be released. */
  dropCaps(caps: Capability[]): void;
}

export class ChannelEndpoint extends KernelObject {
  readonly type = ObjectType.CHANNEL;
  peer: ChannelEndpoint | null = null;
  readonly queue: ChannelMessage[] = [];
  /** Where calls to this endpoint are served: (server queue, port), or null when unserved. */
  route: { readonly queue: number; readonly port: number } | null = null;

  constructor(id: number, private readonly arena: Arena, private readonly hooks: ChannelHooks) {
    super(id);
    const w = arena.objectWord(id);
    arena.i32[w + ObjectWord.PEER] = 0;
    arena.i32[w + ObjectWord.ROUTE] = -1;
    arena.i32[w + ObjectWord.SIGNALS] = 0;
    arena.i32[w + ObjectWord.SERVES] = 0;
    Atomics.store(arena.i32, w + ObjectWord.TYPE, ObjectType.CHANNEL);
  }

  static pair(id0: number, id1: number, arena: Arena, hooks: ChannelHooks): [ChannelEndpoint, ChannelEndpoint] {
    const a = new ChannelEndpoint(id0, arena, hooks);
    const b = new ChannelEndpoint(id1, arena, hooks);
    a.peer = b;
    b.peer = a;
    Atomics.store(arena.i32, arena.objectWord(id0) + ObjectWord.PEER, id1);
    Atomics.store(arena.i32, arena.objectWord(id1) + ObjectWord.PEER, id0);
    return [a, b];
  }

  /** Publish that calls to this endpoint go to `queue`, port `port`. */
  serve(queue: number, port: number): void {
    this.route = { queue, port };
    Atomics.add(this.arena.i32, this.arena.objectWord(this.id) + ObjectWord.SERVES, 1);
    Atomics.store(this.arena.i32, this.arena.objectWord(this.id) + ObjectWord.ROUTE, (queue << 16) | port);
    // Clients waiting to re-establish their sessions with a restarted server wake now.
    Atomics.notify(this.arena.i32, this.arena.objectWord(this.id) + ObjectWord.SERVES);
  }

  unserve(): void {
    this.route = null;
    Atomics.store(this.arena.i32, this.arena.objectWord(this.id) + ObjectWord.ROUTE, -1);
  }

  enqueue(message: ChannelMessage): void {
    for (const cap of message.caps) if (cap) cap.location = { kind: 'transit', message };
    this.queue.push(message);
    this.hooks.messageArrived(this);
  }

  destroy(): void {
    this.destroyed = true;
    const w = this.arena.objectWord(this.id);
    Atomics.store(this.arena.i32, w + ObjectWord.ROUTE, -1);
    Atomics.store(this.arena.i32, w + ObjectWord.PEER, 0);
    Atomics.store(this.arena.i32, w + ObjectWord.TYPE, ObjectType.NONE);
    const orphaned = this.queue.splice(0).flatMap((m) => m.caps.filter((c): c is Capability => c !== null));
    const peer = this.peer;
    this.peer = null;
    if (peer) {
      peer.peer = null;
      Atomics.store(this.arena.i32, this.arena.objectWord(peer.id) + ObjectWord.PEER, 0);
      this.hooks.peerClosed(peer);
    }
    if (orphaned.length) this.hooks.dropCaps(orphaned);
  }
}
