/**
 * A program the embedding API started: its pid, its stdin when piped, and its end.
 *
 *   const p = await keel.spawn(bytes, { stdin: 'pipe', limits: { timeMs: 1000 } });
 *   await p.stdin!.write('data\n'); await p.stdin!.end();
 *   const r = await p.result();   // exit code, status, collected stdout/stderr
 *
 * `exited` resolves when the process ends; `result()` also waits until its stdout and stderr
 * have reached their destinations (a child it started may keep them open longer). A time limit
 * is a timer on the kernel thread that kills the process (SIGKILL) with `limit: 'time'` in its
 * status. The kernel's handle to the process is closed once it has exited.
 */

import { exitCodeOf, type ExitStatus, type ResourceLimit } from '../kernel/process.js';
import type { Handle } from '../kernel/handle.js';
import { Status } from '../kernel/status.js';
import type { System } from '../system/system.js';
import type { ProgramStdio, StdinWriter } from './stdio.js';
import { concatBytes } from '../abi/bytes.js';
import { decodeText } from '../ipc/text-codec.js';

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
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ended = false;

  /** @internal Made by Keel.spawn. */
  constructor(private readonly system: System, private readonly handle: Handle, readonly pid: number, private readonly stdio: ProgramStdio, timeMs?: number) {
    if (timeMs !== undefined) this.timer = setTimeout(() => this.system.kill(this.handle, SIGKILL, 'time'), timeMs);
    this.exited = this.system.wait(handle).finally(() => {
      this.ended = true;
      if (this.timer) clearTimeout(this.timer);
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
