/**
 * A program the embedding API started: its pid, its stdin when piped, and its end.
 *
 *   const p = await keel.spawn(bytes, { stdin: 'pipe', limits: { timeMs: 1000 } });
 *   await p.stdin!.write('data\n'); await p.stdin!.end();
 *   const r = await p.result();   // exit code, status, collected stdout/stderr
 *
 * `exited` resolves when the process ends; `result()` also waits until its stdout and stderr
 * have reached their destinations (a child it started may keep them open longer).
 *
 * The process leads a session: every process started from it, directly or not, belongs to it,
 * orphans included. `killTree` signals all of them. A time limit is a timer on the kernel thread
 * that kills the whole tree (SIGKILL, `limit: 'time'` in their statuses); it holds until the
 * last process of the tree has ended, so a child left running past its parent is bounded too.
 * The kernel's handle to the process is closed once it has exited.
 */

import { exitCodeOf, type ExitStatus, type ResourceLimit } from '../abi/exit-status.js';
import type { Handle } from '../abi/handle.js';
import { Status } from '../abi/status.js';
import type { System } from '../system/system.js';
import type { ProgramStdio, StdinWriter } from './stdio.js';
import { concatBytes } from '../abi/bytes.js';
import { decodeText } from '../abi/text-codec.js';

export interface ProgramResult {
  /** What a shell would show: the exit code, 128 + signal when killed, 134 after a trap or crash. */
  readonly exitCode: number;
  readonly status: ExitStatus;
  /** The resource limit the process was killed for, if any. */
  readonly limit?: ResourceLimit;
  /** What the program wrote, when its stream was 'pipe' (else empty). */
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Uint8Array;
  readonly stderrBytes: Uint8Array;
}

const SIGKILL = 9;
const SIGTERM = 15;

export class KeelProcess {
  /** Resolves with the exit status when the process ends (however it ends). */
  readonly exited: Promise<ExitStatus>;
  /** Resolves when the process and every process started from it have ended. */
  readonly treeEnded: Promise<void>;
  private ended = false;
  private readonly session: number;

  /** @internal Made by Keel.spawn. */
  constructor(private readonly system: System, private readonly handle: Handle, readonly pid: number, private readonly stdio: ProgramStdio, timeMs?: number) {
    this.session = system.sessionOf(pid);
    this.treeEnded = system.sessionEnded(this.session);
    if (timeMs !== undefined) {
      const timer = setTimeout(() => this.system.signalSession(this.session, SIGKILL, 'time'), timeMs);
      void this.treeEnded.then(() => clearTimeout(timer));
    }
    this.exited = this.system.wait(handle).finally(() => {
      this.ended = true;
      this.system.release(handle);
      void this.stdio.exited();
    });
  }

  /** Write into the program's stdin (only when spawned with stdin: 'pipe', else null). */
  get stdin(): StdinWriter | null {
    return this.stdio.stdin;
  }

  /**
   * Send `signal` (default SIGTERM; SIGKILL, SIGSTOP/SIGCONT and the rest as POSIX numbers).
   * False if the process has already ended.
   */
  kill(signal = SIGTERM): boolean {
    if (this.ended) return false;
    return this.system.kill(this.handle, signal) === Status.OK;
  }

  /**
   * Send `signal` (default SIGTERM) to the process and every process started from it, directly
   * or not — orphans whose parent has already ended included. False if none of them is left.
   */
  killTree(signal = SIGTERM): boolean {
    return this.system.signalSession(this.session, signal) > 0;
  }

  /**
   * The exit status and everything the program wrote to piped streams. Rejects with
   * KeelError('STDIO') if a stdin source or an output destination the caller gave failed.
   */
  async result(): Promise<ProgramResult> {
    const status = await this.exited;
    await this.stdio.finished();
    const [out, err] = this.stdio.collected.map(concatBytes) as [Uint8Array, Uint8Array];
    const decoder = new TextDecoder();
    return {
      exitCode: exitCodeOf(status), status, ...(status.kind === 'killed' && status.limit ? { limit: status.limit } : {}),
      stdout: decodeText(decoder, out), stderr: decodeText(decoder, err), stdoutBytes: out, stderrBytes: err,
    };
  }
}
