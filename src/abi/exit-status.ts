/**
 * How a process ended, and what bounds a process tree: the declarations the kernel, proc, the
 * local kernels, the sys library and the host API all share, with their wire form (kernel `wait`
 * and `exit`, proc `wait`: kind, code, message).
 */

export type ExitStatus =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'trapped'; readonly message: string }
  | { readonly kind: 'killed'; readonly signal: number; readonly limit?: ResourceLimit }
  | { readonly kind: 'crashed'; readonly message: string };

/**
 * A limit whose breach killed a process (with SIGKILL, as a hard CPU-time limit does on Linux):
 * its time, or the system's memory budget (the process whose growth took the programs over it).
 */
export type ResourceLimit = 'time' | 'memory';

/** What a process, and everything started from it, may use; absent fields are unlimited (up to Keel's own bounds). */
export interface ProcessLimits {
  /** Bytes of linear memory: the module's memory maximum is capped at load (wasm-memory-limit.ts). */
  readonly memoryBytes?: number;
  /** Open file descriptors, the standard streams and preopens included (EMFILE past it). */
  readonly openFiles?: number;
}

/** The tighter of two sets of limits, field by field: what a child of `outer` asking for `asked` gets. */
export function narrowLimits(outer: ProcessLimits, asked: ProcessLimits | undefined): ProcessLimits {
  const pick = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const memoryBytes = pick(outer.memoryBytes, asked?.memoryBytes);
  const openFiles = pick(outer.openFiles, asked?.openFiles);
  return { ...(memoryBytes !== undefined ? { memoryBytes } : {}), ...(openFiles !== undefined ? { openFiles } : {}) };
}

/** The exit code a shell would show for a status (128+signal for kills, 134 for traps and crashes, like SIGABRT). */
export function exitCodeOf(status: ExitStatus): number {
  switch (status.kind) {
    case 'exited': return status.code;
    case 'killed': return 128 + status.signal;
    case 'trapped':
    case 'crashed': return 134;
  }
}

/** Exit messages (trap and crash reasons) are cut to this many characters. */
export const MAX_EXIT_MESSAGE = 1000;

/** ExitStatus.kind on the wire. */
export const EXIT_KINDS = ['exited', 'trapped', 'killed', 'crashed'] as const;

export function exitStatusToWire(s: ExitStatus): { kind: number; code: number; message: string } {
  switch (s.kind) {
    case 'exited': return { kind: 0, code: s.code, message: '' };
    case 'trapped': return { kind: 1, code: 0, message: s.message };
    case 'killed': return { kind: 2, code: s.signal, message: s.limit ?? '' };
    case 'crashed': return { kind: 3, code: 0, message: s.message };
  }
}

export function exitStatusFromWire(kind: number, code: number, message: string): ExitStatus {
  switch (EXIT_KINDS[kind]) {
    case 'exited': return { kind: 'exited', code };
    case 'trapped': return { kind: 'trapped', message };
    case 'killed': return message === 'time' || message === 'memory' ? { kind: 'killed', signal: code, limit: message } : { kind: 'killed', signal: code };
    default: return { kind: 'crashed', message };
  }
}
