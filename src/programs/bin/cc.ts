/**
 * cc / c++ / clang / clang++ ARGS: the C and C++ compiler driver, over an unmodified WASI build
 * of clang (installed by `pkg add @yowasp/clang`: the compiler at /usr/libexec/clang, its headers
 * and libraries under /usr). A WASI program cannot start processes, so clang cannot run its own
 * jobs; this driver asks it for them (`clang -### ARGS`) and runs each — the compile
 * (`clang -cc1 …`), then the link (`wasm-ld …`) — as its own Keel process, in order, with this
 * process's standard input, output and error.
 *
 * As clang does: the diagnostics are clang's own, on standard error; the status is the failing
 * job's (1 for a compile error); a link that fails adds `clang: error: linker command failed with
 * exit code N (use -v to see invocation)`; `-v` shows the jobs; temporary files (the objects
 * between compile and link, in /tmp) are removed, whether the jobs succeed or not. Options that
 * run no job (`--version`, `-help`, `-###`, `-print-…`, `-dumpversion`) go to clang unchanged.
 * The command line is rewritten for the working directory first (lib/cc-args.ts).
 *
 * The jobs are found by name: `/usr/libexec/NAME` (the package's tools), else the PATH.
 * Status 127 when no compiler is installed, with how to install one.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { clangDiagnostics, parseClangJobs } from '../lib/clang-jobs.js';
import { compilerArgs, jobInDirectory } from '../lib/cc-args.js';
import { findCommand } from '../lib/find-command.js';

const LIBEXEC = '/usr/libexec';
/** Options after which clang runs no job: passed to it as they are. */
const INFORMATIONAL = /^(-###|--version|-help|--help|--help-hidden|-dumpversion|-dumpmachine|-print-.*|--print-.*)$/;

/** The program that runs job tool `name`, or null. */
function toolPath(sys: Sys, name: string): string | null {
  const own = `${LIBEXEC}/${name}`;
  if (sys.exists(own)) return own;
  return name === 'clang' || name === 'clang++' ? null : findCommand(sys, name, sys.env.get('PATH') ?? '/bin');
}

/** Run argv with this process's stdio; its exit code, or the reason it could not start. */
function run(sys: Sys, path: string, argv: readonly string[]): { code: number; reason?: string } {
  try {
    const pid = sys.spawn(path, { args: argv, env: sys.environment(), fds: [[0, 0], [1, 1], [2, 2]] });
    const w = sys.wait(pid);
    const reason = w.status.kind === 'trapped' || w.status.kind === 'crashed' ? w.status.message
      : w.status.kind === 'killed' ? `signal ${w.status.signal}${w.status.limit ? ` (${w.status.limit} limit)` : ''}` : undefined;
    return reason !== undefined ? { code: w.code, reason } : { code: w.code };
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    return { code: e.code === 'ENOENT' ? 127 : 126, reason: errorText(e.errno) };
  }
}

/** Run `clang -### ARGS`: its exit code and everything it printed. */
function jobList(sys: Sys, clang: string, argv: readonly string[]): { code: number; text: string } {
  const [r, w] = sys.pipe();
  let pid: number;
  try {
    pid = sys.spawn(clang, { args: argv, env: sys.environment(), fds: [[0, 0], [1, w], [2, w]] });
  } catch (e) {
    sys.close(r);
    throw e;
  } finally {
    sys.close(w);
  }
  const text = decodeText(new TextDecoder(), sys.readAll(r));
  sys.close(r);
  return { code: sys.wait(pid).code, text };
}

/** The temporary files of `jobs`: a job's output that a later job reads, in the temporary directory. */
function temporaries(jobs: readonly (readonly string[])[], tmp: string): string[] {
  const found: string[] = [];
  jobs.forEach((job, i) => {
    const o = job.indexOf('-o');
    const out = o >= 0 ? job[o + 1] : undefined;
    if (out !== undefined && out.startsWith(`${tmp}/`) && jobs.slice(i + 1).some((later) => later.includes(out))) found.push(out);
  });
  return found;
}

export function main(sys: Sys): number {
  const invoked = (sys.args[0] ?? 'cc').split('/').pop()!;
  const name = invoked.includes('++') ? 'clang++' : 'clang';
  const args = sys.args.slice(1);
  const clang = toolPath(sys, 'clang');
  if (clang === null) {
    sys.write(2, `${invoked}: no C compiler is installed (${LIBEXEC}/clang); install one with: pkg add @yowasp/clang\n`);
    return 127;
  }
  if (args.length === 0 || args.some((a) => INFORMATIONAL.test(a))) {
    const r = run(sys, clang, [name, ...args]);
    return r.code;
  }
  const cwd = sys.cwd();
  const list = jobList(sys, clang, [name, '-###', ...compilerArgs(args, cwd)]);
  // -v shows what runs; otherwise only what clang said besides (an error, a warning).
  sys.write(2, args.includes('-v') ? list.text : clangDiagnostics(list.text));
  if (list.code !== 0) return list.code;
  const jobs = parseClangJobs(list.text).map((job) => jobInDirectory(job, args, cwd));
  const temps = temporaries(jobs, sys.env.get('TMPDIR') ?? '/tmp');
  let status = 0;
  try {
    for (const job of jobs) {
      const tool = job[0]!.split('/').pop()!;
      const path = toolPath(sys, tool);
      if (path === null) {
        sys.write(2, `${name}: error: unable to execute command: ${tool}: not found\n`);
        status = 1;
        break;
      }
      const r = run(sys, path, job);
      if (r.code === 0) continue;
      const compile = job[1] === '-cc1';
      if (r.reason !== undefined) sys.write(2, `${name}: error: unable to execute command: ${r.reason}\n`);
      if (compile) {
        if (r.reason !== undefined) sys.write(2, `${name}: error: ${tool} frontend command failed with exit code ${r.code} (use -v to see invocation)\n`);
        status = r.code;
      } else {
        sys.write(2, `${name}: error: ${tool === 'wasm-ld' ? 'linker' : tool} command failed with exit code ${r.code} (use -v to see invocation)\n`);
        status = 1;
      }
      break;
    }
  } finally {
    for (const t of temps) {
      try {
        sys.unlink(t);
      } catch {
        // never written: the job that makes it failed
      }
    }
  }
  return status;
}
