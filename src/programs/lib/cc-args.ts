/**
 * The working directory, for a compiler that has none. A wasm program built with wasi-libc starts
 * in `/` whatever the shell's directory (docs/shell.md, "Known limits"), so `cc hello.c -o hello`
 * run in /home would read /hello.c and write /hello. Keel's `cc` therefore:
 *   - asks clang for its jobs with `-working-directory DIR` added: the driver looks for the inputs
 *     there, and the compile job (`clang -cc1`) gets the option too, so it reads its inputs,
 *     `-I` directories and `#include`s and writes its output relative to DIR, names files in its
 *     diagnostics as the user did (`hello.c:3:1: error: …`), and records DIR in debug
 *     information, as a native clang run in DIR would;
 *   - makes the link job (`wasm-ld`, which has no such option) absolute where it names the
 *     user's files: each relative input file of the command line, the output (`-o`, `a.out` by
 *     default) and each `-LDIR`.
 * To tell inputs from the values of options that take one separately (`-D NAME`, `-x c`,
 * `-o FILE`), those options are listed. Arguments passed to the linker verbatim (`-Wl,…`,
 * `-Xlinker`) are not rewritten: give those absolute paths.
 */

/** Options whose value is the next argument. */
const SEPARATE = new Set([
  '-o', '-I', '-D', '-U', '-L', '-l', '-x', '-include', '-imacros', '-isystem', '-iquote', '-idirafter',
  '-iprefix', '-iwithprefix', '-iwithprefixbefore', '-isysroot', '--sysroot', '-MF', '-MT', '-MQ', '-Xlinker',
  '-Xclang', '-Xassembler', '-Xpreprocessor', '-mllvm', '-target', '-arch', '-working-directory', '-z', '-u',
  '-e', '-T', '-ivfsoverlay', '-resource-dir', '-dumpdir', '-dumpbase',
]);

/** The relative input files of a command line (without argv[0]): its operands that are not options or option values. */
function relativeInputs(args: readonly string[]): Set<string> {
  const inputs = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (SEPARATE.has(a)) i++;
    else if (!a.startsWith('-') && !a.startsWith('/') && a !== '') inputs.add(a);
  }
  return inputs;
}

function absolute(cwd: string, path: string): string {
  if (path === '' || path === '-' || path.startsWith('/')) return path;
  return cwd === '/' ? `/${path}` : `${cwd}/${path}`;
}

/** What clang is asked for its jobs: `args` (without argv[0]) with the working directory. */
export function compilerArgs(args: readonly string[], cwd: string): string[] {
  return cwd === '/' || args.includes('-working-directory') ? [...args] : ['-working-directory', cwd, ...args];
}

/**
 * A job made runnable from `/`: the compile job reads `-working-directory` itself; in a link
 * job, each relative input the user named (`args`), the output (`-o`) and each `-LDIR` are made
 * absolute against `cwd`.
 */
export function jobInDirectory(job: readonly string[], args: readonly string[], cwd: string): string[] {
  if (job[1] === '-cc1' || cwd === '/') return [...job];
  const inputs = relativeInputs(args);
  return job.map((a, i) => {
    if (i === 0) return a;
    if (job[i - 1] === '-o' || inputs.has(a)) return absolute(cwd, a);
    if (a.startsWith('-L') && a.length > 2) return `-L${absolute(cwd, a.slice(2))}`;
    return a;
  });
}
