/**
 * Running one of Keel's TypeScript programs in a process: load `main` from the program registry
 * and call it with the process's `sys`. Its return value is the exit code; `sys.exit` (or the shim's
 * proc_exit) ends it early; an unhandled SysError ends it with status 1 and the reason on stderr;
 * anything else it throws ends the process as crashed, with the message,
 * so a bug in a utility is a failed process, never a failed kernel. Buffered output is flushed in
 * every case.
 */

import { type Sys, SysError } from '../sys/sys.js';
import { ProcExit } from '../runtime/shim-context.js';
import type { ExitStatus } from '../abi/exit-status.js';
import { loadProgram } from '../programs/registry.js';

export async function runScript(name: string, sys: Sys): Promise<ExitStatus> {
  try {
    const main = await loadProgram(name);
    const code = await main(sys);
    sys.flushAll();
    return { kind: 'exited', code: typeof code === 'number' ? code >>> 0 : 0 };
  } catch (e) {
    sys.flushAll();
    if (e instanceof ProcExit) return e.signal ? { kind: 'killed', signal: e.signal } : { kind: 'exited', code: e.code };
    if (e instanceof SysError) {
      // A system call the program did not handle: a failure of the program's job (status 1, the
      // reason on stderr, quietly for a reader gone away), not a bug in it.
      if (e.code !== 'EPIPE') {
        try {
          sys.write(2, `${name}: ${e.message}\n`);
        } catch {
          // no stderr to tell
        }
      }
      return { kind: 'exited', code: 1 };
    }
    return { kind: 'crashed', message: `${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
