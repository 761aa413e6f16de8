/**
 * The kernel-call ABI, declared once. A kernel call is an IPC call with handle 0 to the kernel
 * thread's queue; the caller's pid (from its call slot) is the authority, and every handle
 * argument is resolved in that pid's table. Register 0 of the reply is a kernel Status.
 */

import { defineProtocol } from '../protocol.js';
import type { ExitStatus } from '../exit-status.js';

export const kernelProtocol = defineProtocol('kernel', {
  close: { label: 1, request: { handle: 'u32' }, reply: {}, doc: 'Close a handle.' },
  duplicate: { label: 2, request: { handle: 'u32', rights: 'u32', badge: 'f64' }, reply: { handle: 'u32' }, doc: 'Derive a handle with fewer or equal rights (DUPLICATE).' },
  revoke: { label: 3, request: { handle: 'u32' }, reply: {}, doc: 'Destroy every handle derived from this one.' },
  info: { label: 4, request: { handle: 'u32' }, reply: { type: 'u32', rights: 'u32', badge: 'f64', object: 'u32' } },
  channelCreate: { label: 10, request: {}, reply: { end0: 'u32', end1: 'u32' } },
  channelWrite: { label: 11, request: { handle: 'u32', data: 'bytes', handles: 'u32s' }, reply: {} },
  channelRead: { label: 12, request: { handle: 'u32', wait: 'u32' }, reply: { data: 'bytes', handles: 'u32s' }, doc: 'With wait=1, blocks until a message or PEER_CLOSED.' },
  channelServe: { label: 13, request: { handle: 'u32', port: 'u32' }, reply: { queue: 'u32' } },
  notificationCreate: { label: 20, request: {}, reply: { handle: 'u32' } },
  notificationSignal: { label: 21, request: { handle: 'u32', bits: 'i32' }, reply: {} },
  memoryCreate: { label: 30, request: { size: 'f64' }, reply: { handle: 'u32' } },
  memoryMap: { label: 31, request: { handle: 'u32' }, reply: { id: 'u32', size: 'f64' }, doc: 'The buffer arrives on the thread\'s control port.' },
  spawn: {
    label: 40, request: { name: 'str', boot: 'str', handles: 'u32s', lineage: 'u32', memoryBytes: 'f64', openFiles: 'u32', group: 'f64', tag: 'f64' }, reply: { handle: 'u32', pid: 'u32' },
    doc: 'boot is JSON for the child\'s thread. lineage: 0, or (a service only) the live process the child is started for — it joins that process\'s session and gets at most its limits. memoryBytes, openFiles: limits the child asks for (0: none); it gets at most its lineage\'s. group: the process group the caller puts it in (0: none), told again by adopt. tag: the caller\'s own number for the child (0: none), told again by adopt.',
  },
  kill: { label: 41, request: { handle: 'u32', signal: 'u32' }, reply: {} },
  wait: { label: 42, request: { handle: 'u32' }, reply: { kind: 'u32', code: 'i32', message: 'str' }, doc: 'Blocks until the process exits.' },
  exit: { label: 43, request: { kind: 'u32', code: 'i32', message: 'str' }, reply: {}, doc: 'Never returns.' },
  retire: { label: 46, request: { kind: 'u32', code: 'i32', message: 'str' }, reply: {}, doc: 'Exit, keeping the thread for the host to reuse. Ends with PEER_CLOSED once the exit is recorded; the thread then touches its call slot no more.' },
  raise: { label: 48, request: { signal: 'u32' }, reply: {}, doc: 'Stop the caller (a stop signal: 19-22), as a job-control stop: its next call parks until SIGCONT. Any other signal is INVALID_ARGS (a process ends itself with exit).' },
  self: { label: 44, request: {}, reply: { pid: 'u32', parent: 'u32' } },
  processes: { label: 45, request: {}, reply: { table: 'str', granted: 'u32', generation: 'f64' }, doc: 'Every live process with its IPC statistics, as JSON (ps, top). Needs no handle: names and counters only. granted=1: a process-table address token with this generation, for the local kernel to read the table itself next time.' },
  messages: { label: 47, request: { from: 'f64' }, reply: { lines: 'str', next: 'f64' }, doc: 'The kernel message log (dmesg) from sequence number `from` on, as a JSON array of lines; next: the number to ask from next time. Needs no handle.' },
  takeEvents: { label: 50, request: {}, reply: { events: 'str' }, doc: 'Kernel events for the calling server thread, as JSON.' },
  sessions: { label: 52, request: { port: 'u32' }, reply: { badges: 'str' }, doc: 'The session badges some handle to the channel the caller serves at `port` still carries, as a JSON array (a restarted server learns which of its predecessor\'s sessions are left). BAD_HANDLE when the caller serves nothing there.' },
  adopt: { label: 51, request: {}, reply: { processes: 'str' }, doc: 'An exit listener (proc) takes the process handles its predecessor under the same name held when its worker ended: JSON, one {pid, handle, lineage, name, group, status, stopSignal} each (status null while running). ACCESS_DENIED for any other caller.' },
});

/**
 * A process a restarted exit listener (proc) takes over from its predecessor (Kernel.adopt): the
 * handle it now holds, whom the process was started for, its group, and how it ended or stands.
 */
export interface AdoptedProcess {
  readonly pid: number;
  readonly handle: number;
  /** The process it was started for; 0 once that one has ended (its pid may name another by now). */
  readonly lineage: number;
  readonly name: string;
  readonly group: number;
  /** The starter's own number for it (SpawnRequest.tag: proc's spawn nonce). */
  readonly tag: number;
  readonly status: ExitStatus | null;
  readonly stopSignal: number;
}

/** A kernel event queued for a server thread, fetched by it with `takeEvents`. */
export type KernelEvent =
  | { readonly kind: 'peer-closed'; readonly endpoint: number; readonly port: number }
  | { readonly kind: 'process-exited'; readonly pid: number; readonly status: ExitStatus }
  /** A process was stopped (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) or continued (SIGCONT). */
  | { readonly kind: 'process-stopped'; readonly pid: number; readonly stopped: boolean; readonly signal: number }
  /** The last capability carrying `badge` to a served endpoint is gone: that client session ended. */
  | { readonly kind: 'badge-closed'; readonly endpoint: number; readonly port: number; readonly badge: number };
