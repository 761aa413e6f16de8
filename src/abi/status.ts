/**
 * Kernel status codes.
 *
 * Every kernel call returns one of these numbers; a kernel call never throws into its caller.
 * `OK` is zero so that `if (status)` reads as "if failed". The names follow Zircon's
 * ZX_ERR_* where one exists. The values are part of the IPC ABI (they travel in message
 * register 0 of a kernel reply) and must not be renumbered.
 */

export const Status = {
  OK: 0,
  BAD_HANDLE: 1,       // the handle value names nothing in the caller's table (closed, revoked, foreign, never made)
  WRONG_TYPE: 2,       // the handle names an object of another type than the call needs
  ACCESS_DENIED: 3,    // the handle lacks a right the call needs
  INVALID_ARGS: 4,     // an argument is malformed (rights not a subset, bad length, bad flags)
  NO_RESOURCES: 5,     // a table or limit is full (handles, processes, slots, objects)
  SHOULD_WAIT: 6,      // nothing to read yet; wait and retry
  PEER_CLOSED: 7,      // the other endpoint of a channel is gone, or the server died mid-call
  NOT_FOUND: 8,        // a named thing (process, port, event) does not exist
  BAD_STATE: 9,        // the object is not in a state that allows the call (e.g. not bound, already exited)
  NOT_SUPPORTED: 10,   // the call is valid but this object cannot do it (e.g. a channel sent through itself)
  TIMED_OUT: 11,       // a bounded wait expired
  OUT_OF_RANGE: 12,    // an offset or index is beyond the object's bounds
  BAD_SYSCALL: 13,     // no such kernel call number
  INTERNAL: 14,        // a bug inside a server was caught and turned into an error; the server keeps running
} as const;

export type Status = (typeof Status)[keyof typeof Status];

const names = new Map<number, string>(Object.entries(Status).map(([name, value]) => [value, name]));

/** The symbolic name of a status, e.g. `BAD_HANDLE`; unknown numbers render as `STATUS_<n>`. */
export function statusName(status: number): string {
  return names.get(status) ?? `STATUS_${status}`;
}

/** The result of a kernel call that produces a value: either OK with the value, or a failure status. */
export type Result<T> = { readonly status: typeof Status.OK; readonly value: T } | { readonly status: Exclude<Status, 0> };

export function ok<T>(value: T): Result<T> {
  return { status: Status.OK, value };
}

export function fail<T = never>(status: Exclude<Status, 0>): Result<T> {
  return { status };
}
