/**
 * What a server sees of one call: the caller's registers and bulk buffer, the badge and rights of
 * the handle the caller used, and the ways to finish the call (reply now, defer, forward).
 *
 * The registers and bulk buffer are the caller's own, in the arena (cross-thread) or in the same
 * thread (co-located): a server reads the request from them and writes its reply into them. By
 * convention register 0 of the reply is the service's status (0 = success).
 *
 * Lifetime: a CallContext is valid until the call is finished. A deferred reply may be finished
 * later from the event loop; it checks the slot's sequence number first, so a reply for a caller
 * that has since died or moved on is dropped instead of corrupting the slot's next call.
 */

export interface CallContext {
  readonly label: number;
  readonly regs: Float64Array;
  readonly bulk: Uint8Array;
  /** Badge of the caller's handle (0 = unbadged), chosen by whoever minted it. */
  readonly badge: number;
  readonly rights: number;
  /** Process whose handle authorised the call (a forwarding server, or the caller itself). */
  readonly sender: number;
  /** Process whose thread made the call; forwarding keeps it. */
  readonly origin: number;
  /** Object id of the served endpoint the call arrived on (identifies the connection). */
  readonly endpoint: number;
  /** True when caller and server share a thread; such a call cannot be deferred. */
  readonly colocated: boolean;
}

/** Returned by a handler that will answer later through `DeferredReply.finish`. */
export const DEFER = Symbol('defer');
/** Returned by a handler that passed the call on with `Forwarder.forward`. */
export const FORWARDED = Symbol('forwarded');

export type HandlerOutcome = void | typeof DEFER | typeof FORWARDED;

/** A service: written once, placed anywhere (kernel thread, coalesced worker, own worker). */
export interface Service {
  readonly name: string;
  /** Handle one call: read the request from `call`, write the reply into it (or defer/forward). */
  dispatch(call: CallContext, server: ServerApi): HandlerOutcome;
  /** A client's end of one of this service's channels was closed (the client is gone). */
  peerClosed?(endpoint: number): void;
}

/** What a server thread offers its services while they handle a call. */
export interface ServerApi {
  /** Keep the call open; finish it later (not allowed for co-located calls). */
  defer(call: CallContext): DeferredReply | null;
  /** Pass the call, unchanged except for label and registers the handler set, to the server behind `handle`. */
  forward(call: CallContext, handle: number, label: number): boolean;
}

export interface DeferredReply {
  readonly regs: Float64Array;
  readonly bulk: Uint8Array;
  /** True while the caller still waits for this call. */
  readonly pending: boolean;
  finish(): void;
}
