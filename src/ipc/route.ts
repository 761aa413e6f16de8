/**
 * Resolving a channel handle to the server that answers calls on it, from the published tables
 * in the arena alone (no kernel call). Used by a caller to find where to post, and again by the
 * server to authorise what arrived, so a handle closed or revoked after posting is refused.
 *
 * resolve → check type and rights → route: the same order as every kernel call.
 */

import { type Arena, HandleWord, ObjectWord } from './arena.js';
import { Status } from '../abi/status.js';
import { ObjectType } from '../abi/object-type.js';
import { Right } from '../abi/rights.js';
import { MAX_GENERATION, handleIndex } from '../abi/handle.js';

export class Route {
  status: Status = Status.OK;
  queue = -1;
  port = -1;
  /** Object id of the served (peer) endpoint. */
  endpoint = 0;
  badge = 0;
  rights = 0;
}

/** Fill `out` with the route of `handle` in `pid`'s table; returns out.status. */
export function resolveRoute(arena: Arena, pid: number, handle: number, out: Route): Status {
  const i32 = arena.i32;
  const index = handleIndex(handle);
  if (handle <= 0 || index >= arena.config.maxHandles || pid <= 0 || pid >= arena.config.maxProcesses) {
    return (out.status = Status.BAD_HANDLE);
  }
  const w = arena.handleWord(pid, index);
  const tag = Atomics.load(i32, w + HandleWord.TAG);
  if ((tag & 1) === 0 || (tag >>> 1) !== ((handle >>> 12) & MAX_GENERATION)) return (out.status = Status.BAD_HANDLE);
  if (i32[w + HandleWord.TYPE] !== ObjectType.CHANNEL) return (out.status = Status.WRONG_TYPE);
  const rights = i32[w + HandleWord.RIGHTS]!;
  if ((rights & Right.WRITE) === 0) return (out.status = Status.ACCESS_DENIED);
  const object = i32[w + HandleWord.OBJECT]!;
  const peer = Atomics.load(i32, arena.objectWord(object) + ObjectWord.PEER);
  if (peer === 0) return (out.status = Status.PEER_CLOSED);
  out.endpoint = peer; // also when unserved: a client may wait on its serve counter
  const route = Atomics.load(i32, arena.objectWord(peer) + ObjectWord.ROUTE);
  if (route < 0) return (out.status = Status.BAD_STATE);
  // Re-check the tag: the entry may have been replaced while we read it.
  if (Atomics.load(i32, w + HandleWord.TAG) !== tag) return (out.status = Status.BAD_HANDLE);
  out.queue = route >>> 16;
  out.port = route & 0xffff;
  out.badge = arena.f64[(w + HandleWord.BADGE) >> 1]!;
  out.rights = rights;
  return (out.status = Status.OK);
}
