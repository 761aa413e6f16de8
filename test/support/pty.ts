/**
 * A real pseudo-terminal for tests: Python's `pty.spawn` runs a command on a pty and copies our
 * pipe to the pty's master and back, so the command sees a terminal on stdin/stdout (isatty,
 * raw mode, ^C as a byte). `expect` waits (bounded) for text to appear after what was already
 * consumed; a timeout fails with everything seen so far.
 */

import { freshHomeImage } from './keel-child.js';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  private seen = '';
  private consumed = 0;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(argv: readonly string[]) {
    const script = 'import os, pty, sys\nstatus = pty.spawn(sys.argv[1:])\nsys.exit(os.waitstatus_to_exitcode(status))';
    this.child = spawn('python3', ['-c', script, ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm', KEEL_HOME_IMAGE: freshHomeImage() } });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.seen += d;
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => { this.seen += d; });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code);
    }));
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Wait until `text` appears after the last match; returns the output up to and including it. */
  async expect(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.seen.slice(this.consumed);
      const m = typeof text === 'string' ? (rest.includes(text) ? { index: rest.indexOf(text), length: text.length } : null)
        : (() => { const r = text.exec(rest); return r ? { index: r.index, length: r[0].length } : null; })();
      if (m) {
        this.consumed += m.index + m.length;
        return rest.slice(0, m.index + m.length);
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) throw new Error(`timed out waiting for ${String(text)}; output so far:\n${JSON.stringify(this.seen)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** True if `text` shows up within `ms` (for bounded retries). */
  async sees(text: string, ms: number): Promise<boolean> {
    try {
      await this.expect(text, ms);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
