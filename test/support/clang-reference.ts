/**
 * The same clang under Node's own node:wasi, for comparing what Keel's cc produces and how
 * fast: `referenceCompile(args, dirs)` runs clang-reference-child.ts in a process of its own
 * (the @yowasp/clang module from node_modules, its resources preopened at /usr, a fresh /tmp
 * and the caller's directories), which asks `clang -###` for the jobs and runs each, an
 * instance each on one compiled module. The command line must use absolute paths (node:wasi has
 * no working directory).
 *
 * node:wasi running clang in Node 20 now and then dies of a V8 segfault, in a process with no
 * Keel in it too (clang-reference-child.ts); a child killed by a signal is run again, up to
 * MAX_ATTEMPTS times, and the result says how many died. Any other failure is an error.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./clang-reference-child.js', import.meta.url));
const MAX_ATTEMPTS = 4;

export interface ReferenceResult {
  /** The exit code of the first job that failed, or 0. */
  readonly code: number;
  /** Milliseconds from `clang -###` to the last job's exit, the module already compiled. */
  readonly ms: number;
  /** Children that node:wasi's crash killed before this result. */
  readonly crashes: number;
}

interface Attempt {
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error: Error | null;
}

function attempt(args: readonly string[], dirs: Readonly<Record<string, string>>): Promise<Attempt> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, JSON.stringify({ args, dirs })], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const signal = (error as { signal?: NodeJS.Signals | null } | null)?.signal ?? null;
      resolve({ signal, stdout, stderr, error });
    });
  });
}

/** `clang ARGS` under node:wasi with `dirs` (guest path → host directory) preopened. */
export async function referenceCompile(args: readonly string[], dirs: Readonly<Record<string, string>>): Promise<ReferenceResult> {
  let crashes = 0;
  for (;;) {
    const r = await attempt(args, dirs);
    if (r.signal !== null && crashes + 1 < MAX_ATTEMPTS) {
      crashes++;
      continue;
    }
    if (r.error !== null) throw new Error(`clang under node:wasi failed (${r.signal ?? r.error.message}) after ${crashes} crashed attempts: ${r.stderr}`);
    const { code, ms } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: number; ms: number };
    return { code, ms, crashes };
  }
}
