/**
 * The local kernel's proc client: a call that finds proc gone — its worker died and the supervisor
 * is starting another on the same endpoint (docs/restart.md) — waits for the new instance and is
 * sent again where that cannot change its effect. A call refused before it was delivered (nobody
 * served the endpoint) had no effect, so it is always sent again; a call cut in the middle is sent
 * again unless it is a spawn without a nonce (the child may have been started: asking again could
 * start two), which answers its transport error as before (EIO to the program); a spawn with one is
 * asked again, and proc — the new one took its predecessor's children over with their nonces
 * (Kernel.adopt) — answers the child the first call started, or starts it if none was. A wait cut that way is the
 * common case: proc defers a parent's wait until a child ends, so every wait under way when proc
 * dies is cut. The new proc knows the processes its predecessor started (Kernel.adopt), so the
 * wait asked again is answered as if nothing had happened.
 *
 * Invariant: it waits at most RECOVERY_MS in all for proc to come back, then answers the last
 * failure; it never waits while proc serves.
 */

import { type CallResult, type OpsOf, ProtocolClient, type Rep, type Req } from '../ipc/protocol-client.js';
import type { Caller } from '../ipc/caller.js';
import { type ProcProtocol, procProtocol } from '../abi/protocols/proc.js';
import { Status } from '../abi/status.js';
import { RECOVERY_MS } from './session-recovery.js';

/** Calls whose repetition leaves the same state and answer (a signal sent twice is one pending signal). */
const REPEATABLE = new Set(['wait', 'self', 'list', 'kill', 'signalGroup']);

/** The transport failures that mean proc is gone (cut mid-call) or not serving yet (refused unrun). */
const gone = (transport: Status): boolean => transport === Status.PEER_CLOSED || transport === Status.BAD_STATE;

export class RecoveringProcClient extends ProtocolClient<ProcProtocol> {
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  /** `nowMs`: a monotonic clock in milliseconds. */
  constructor(caller: Caller, handle: number, private readonly nowMs: () => number) {
    super(procProtocol, caller, handle);
  }

  override call<K extends keyof OpsOf<ProcProtocol> & string>(op: K, req: Req<ProcProtocol, K>): CallResult<Rep<ProcProtocol, K>> {
    let r = super.call(op, req);
    if (!gone(r.transport)) return r;
    const deadline = this.nowMs() + RECOVERY_MS;
    for (let pauseMs = 1; gone(r.transport); pauseMs = Math.min(pauseMs * 2, 50)) {
      if (r.transport === Status.PEER_CLOSED && !REPEATABLE.has(op) && !(op === 'spawn' && (req as { nonce?: number }).nonce)) return r;
      if (!this.caller.awaitServed(this.handle, deadline, this.nowMs)) return r;
      r = super.call(op, req);
      // Served again, yet refused: the new instance is still starting. Pause before the next try.
      if (gone(r.transport)) Atomics.wait(this.pause, 0, 0, pauseMs);
    }
    return r;
  }
}
