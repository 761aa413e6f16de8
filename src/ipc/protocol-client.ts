/**
 * Typed client stubs and server dispatch tables, both made from a protocol declaration.
 *
 *   const vfs = new ProtocolClient(vfsProtocol, caller, handle);
 *   const r = vfs.call('stat', { path: '/tmp' });   // r.status 0 → r.reply has the fields
 *
 *   const service = serveProtocol(vfsProtocol, 'vfs', { stat: (req, call) => ({ size: 1 }) });
 *
 * A handler returns the reply fields (status 0), a number (an error status, no fields), or
 * DEFER / FORWARDED after using the ServerApi. Requests that do not decode get `badMessage`.
 */

import { type CallContext, DEFER, type DeferredReply, FORWARDED, type HandlerOutcome, type ServerApi, type Service } from './call-context.js';
import type { Caller } from './caller.js';
import { type Decoded, MessageTooLarge, type OpSpec, type Protocol, decode, encode, type MessageLayout } from '../abi/protocol.js';
import { Status } from '../abi/status.js';

export type OpsOf<P> = P extends Protocol<infer O> ? O : never;
export type Req<P, K extends keyof OpsOf<P>> = Decoded<OpsOf<P>[K]['request']>;
export type Rep<P, K extends keyof OpsOf<P>> = Decoded<OpsOf<P>[K]['reply']>;

export interface CallResult<R> {
  /** Transport status: did the call reach the server and come back. */
  readonly transport: Status;
  /** The service's status (register 0 of the reply); meaningful when transport is OK. */
  readonly status: number;
  /** Reply fields when transport is OK and status is 0. */
  readonly reply: R | null;
}

export class ProtocolClient<P extends Protocol<Readonly<Record<string, OpSpec>>>> {
  constructor(readonly protocol: P, readonly caller: Caller, public handle: number) {}

  private prepare(op: string, req: Readonly<Record<string, unknown>>): MessageLayout | Status {
    const layout = this.protocol.layouts[op];
    if (!layout) return Status.BAD_SYSCALL;
    this.caller.regs[0] = 0;
    try {
      encode(layout.request, req, this.caller.regs, this.caller.bulk);
    } catch (e) {
      if (e instanceof MessageTooLarge) return Status.INVALID_ARGS;
      throw e;
    }
    return layout.reply;
  }

  private finish<R>(transport: Status, layout: MessageLayout): CallResult<R> {
    if (transport !== Status.OK) return { transport, status: -1, reply: null };
    const status = this.caller.regs[0]!;
    if (status !== 0) return { transport, status, reply: null };
    const reply = decode(layout, this.caller.regs, this.caller.bulk) as R | null;
    return reply ? { transport, status, reply } : { transport: Status.INVALID_ARGS, status: -1, reply: null };
  }

  call<K extends keyof OpsOf<P> & string>(op: K, req: Req<P, K>): CallResult<Rep<P, K>> {
    const layout = this.prepare(op, req);
    if (typeof layout === 'number') return { transport: layout, status: -1, reply: null };
    const label = this.protocol.layouts[op]!.label;
    const transport = this.handle === 0 ? this.caller.invokeKernel(label) : this.caller.invoke(this.handle, label);
    return this.finish(transport, layout);
  }

  async callAsync<K extends keyof OpsOf<P> & string>(op: K, req: Req<P, K>): Promise<CallResult<Rep<P, K>>> {
    const layout = this.prepare(op, req);
    if (typeof layout === 'number') return { transport: layout, status: -1, reply: null };
    const label = this.protocol.layouts[op]!.label;
    const transport = await this.caller.invokeAsync(this.handle, label);
    return this.finish(transport, layout);
  }
}

export type Handler<Rq, Rp> = (req: Rq, call: CallContext, server: ServerApi) => Rp | number | typeof DEFER | typeof FORWARDED;

export type Handlers<P> = { [K in keyof OpsOf<P>]: Handler<Req<P, K>, Rep<P, K>> };

/** The statuses a protocol answers malformed requests and replies that do not fit with. */
export interface ProtocolErrors {
  /** A request that does not decode, or names no operation. */
  readonly badMessage: number;
  /** A reply larger than the caller's bulk buffer. */
  readonly tooLarge: number;
}

/** Kernel statuses, for protocols whose register 0 is a kernel Status. */
export const STATUS_ERRORS: ProtocolErrors = { badMessage: Status.BAD_SYSCALL, tooLarge: Status.NO_RESOURCES };

/** Write a reply (status 0 and fields) into a call's registers; `tooLarge` if it does not fit. */
export function writeReply(layout: MessageLayout, reply: Readonly<Record<string, unknown>>, regs: Float64Array, bulk: Uint8Array, tooLarge: number): void {
  try {
    encode(layout, reply, regs, bulk);
    regs[0] = 0;
  } catch (e) {
    if (!(e instanceof MessageTooLarge)) throw e;
    regs[0] = tooLarge;
  }
}

/** Finish a deferred call with reply fields or an error status. */
export function finishDeferred(layout: MessageLayout, deferred: DeferredReply, reply: Readonly<Record<string, unknown>> | number, errors: ProtocolErrors): void {
  if (!deferred.pending) return;
  if (typeof reply === 'number') deferred.regs[0] = reply;
  else writeReply(layout, reply, deferred.regs, deferred.bulk, errors.tooLarge);
  deferred.finish();
}

/** A Service whose dispatch decodes by the protocol and calls the named handler. */
/**
 * A raw handler reads its request straight from the registers and bulk buffer and writes its reply
 * there, skipping decode and encode: for the few hottest operations (file reads and writes), whose
 * register layout comes from the same declaration.
 */
export type RawHandler = (call: CallContext, server: ServerApi) => HandlerOutcome | Status;

export function serveProtocol<P extends Protocol<Readonly<Record<string, OpSpec>>>>(
  protocol: P,
  name: string,
  handlers: Handlers<P>,
  errors: ProtocolErrors,
  extra: Partial<Pick<Service, 'peerClosed'>> = {},
  raw: Partial<Record<keyof OpsOf<P>, RawHandler>> = {},
): Service {
  const rawByLabel = new Map<number, RawHandler>();
  for (const [op, fn] of Object.entries(raw) as [string, RawHandler][]) rawByLabel.set(protocol.layouts[op]!.label, fn);
  const table = new Map<number, { layout: { request: MessageLayout; reply: MessageLayout }; fn: Handler<never, Record<string, unknown>> }>();
  for (const [label, { name: op, layout }] of protocol.byLabel) {
    table.set(label, { layout, fn: (handlers as Record<string, Handler<never, Record<string, unknown>>>)[op]! });
  }
  return {
    name,
    ...extra,
    dispatch(call: CallContext, server: ServerApi) {
      const fast = rawByLabel.get(call.label);
      if (fast) return fast(call, server) as HandlerOutcome;
      const entry = table.get(call.label);
      if (!entry) {
        call.regs[0] = errors.badMessage;
        return;
      }
      const req = decode(entry.layout.request, call.regs, call.bulk);
      if (!req) {
        call.regs[0] = errors.badMessage;
        return;
      }
      const out = entry.fn(req as never, call, server);
      if (out === DEFER || out === FORWARDED) return out;
      if (typeof out === 'number') call.regs[0] = out;
      else writeReply(entry.layout.reply, out, call.regs, call.bulk, errors.tooLarge);
    },
  };
}
