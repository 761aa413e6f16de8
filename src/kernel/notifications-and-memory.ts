/**
 * The kernel calls on notifications (signal bits a holder sets and a waiter takes) and Memory
 * objects (shared buffers mapped into threads): each resolves the caller's handle, checks the
 * object's type and the rights, validates every argument and then acts, like every kernel call
 * (kernel.ts). What they need of the kernel is passed in as an ObjectRoom.
 */

import type { Arena } from '../ipc/arena.js';
import type { Handle } from '../abi/handle.js';
import { ObjectType } from '../abi/object-type.js';
import { Right, type Rights } from '../abi/rights.js';
import { Status, type Result, fail, ok } from '../abi/status.js';
import type { Capability } from './capability.js';
import type { KernelHost } from './kernel-interface.js';
import { MEMORY_MAX_BYTES, Memory } from './memory.js';
import { Notification } from './notification.js';
import type { KernelObject } from './object.js';
import type { Process } from './process.js';

/** What these calls use of the kernel. */
export interface ObjectRoom {
  readonly arena: Arena;
  readonly host: KernelHost;
  /** The live process `pid` if it has room for one more handle, else the status to answer. */
  holder(pid: number): Process | Exclude<Status, 0>;
  /** A new object's id (null: none left), and giving one back. */
  newId(): number | null;
  releaseId(id: number): void;
  /** Register `o` and give `p` the first handle to it. */
  install(p: Process, o: KernelObject, rights: Rights): Handle;
  resolve(pid: number, h: number, type: ObjectType, needed: Rights): Result<Capability>;
  process(pid: number): Process | undefined;
}

export function notificationCreate(k: ObjectRoom, pid: number): Result<Handle> {
  const p = k.holder(pid);
  if (typeof p === 'number') return fail(p);
  const id = k.newId();
  if (id === null) return fail(Status.NO_RESOURCES);
  const rights = (Right.SIGNAL | Right.WAIT | Right.DUPLICATE | Right.TRANSFER | Right.MANAGE) as Rights;
  return ok(k.install(p, new Notification(id, k.arena), rights));
}

export function notificationSignal(k: ObjectRoom, pid: number, h: number, bits: number): Status {
  const r = k.resolve(pid, h, ObjectType.NOTIFICATION, Right.SIGNAL);
  if (r.status !== Status.OK) return r.status;
  if (!Number.isInteger(bits) || bits === 0 || bits !== (bits | 0)) return Status.INVALID_ARGS;
  (r.value.object as Notification).signal(bits);
  return Status.OK;
}

/** Take the set bits of `mask` without blocking (WAIT right); SHOULD_WAIT when none is set. */
export function notificationPoll(k: ObjectRoom, pid: number, h: number, mask: number): Result<number> {
  const r = k.resolve(pid, h, ObjectType.NOTIFICATION, Right.WAIT);
  if (r.status !== Status.OK) return fail(r.status);
  if (!Number.isInteger(mask) || mask === 0 || mask !== (mask | 0)) return fail(Status.INVALID_ARGS);
  const got = (r.value.object as Notification).poll(mask);
  return got === 0 ? fail(Status.SHOULD_WAIT) : ok(got);
}

export function memoryCreate(k: ObjectRoom, pid: number, size: number): Result<Handle> {
  const alive = k.process(pid);
  if (!alive || !alive.alive) return fail(Status.BAD_STATE);
  if (!Number.isInteger(size) || size <= 0 || size > MEMORY_MAX_BYTES) return fail(Status.INVALID_ARGS);
  const p = k.holder(pid);
  if (typeof p === 'number') return fail(p);
  const id = k.newId();
  if (id === null) return fail(Status.NO_RESOURCES);
  let m: Memory;
  try {
    m = new Memory(id, k.arena, size);
  } catch {
    k.releaseId(id);
    return fail(Status.NO_RESOURCES);
  }
  const rights = (Right.READ | Right.WRITE | Right.MAP | Right.DUPLICATE | Right.TRANSFER | Right.MANAGE) as Rights;
  return ok(k.install(p, m, rights));
}

/** Hand the Memory's buffer to the caller's thread (MAP right); returns the size. */
export function memoryMap(k: ObjectRoom, pid: number, h: number): Result<{ id: number; size: number }> {
  const r = k.resolve(pid, h, ObjectType.MEMORY, Right.MAP);
  if (r.status !== Status.OK) return fail(r.status);
  const m = r.value.object as Memory;
  if (!m.buffer) return fail(Status.BAD_STATE);
  k.host.deliverMemory(k.process(pid)!, m.id, m.buffer);
  return ok({ id: m.id, size: m.size });
}

/** The buffer of a Memory named by `h` (MAP right), for threads that share the kernel's thread. */
export function memoryBuffer(k: ObjectRoom, pid: number, h: number): Result<SharedArrayBuffer> {
  const r = k.resolve(pid, h, ObjectType.MEMORY, Right.MAP);
  if (r.status !== Status.OK) return fail(r.status);
  const m = r.value.object as Memory;
  return m.buffer ? ok(m.buffer) : fail(Status.BAD_STATE);
}
