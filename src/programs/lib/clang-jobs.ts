/**
 * Reading clang's job list: what `clang -### ARGS` prints on standard error, the commands the
 * driver would run for ARGS (a compile, `"clang" "-cc1" …`, then a link, `"wasm-ld" …`), each on
 * a line of double-quoted words. A WASI build of clang cannot start processes, so Keel's `cc`
 * asks for the list and runs each job itself (programs/bin/cc.ts).
 *
 * The output is: the version lines (`clang version …`, `Target:`, `Thread model:`,
 * `InstalledDir:`, `Build config:`), clang's diagnostics if any (`clang: warning: …`), then one
 * line per job (` "arg" "arg" …`; with -v, ` (in-process)` on the line before a job clang would
 * run inside itself). In a word, `\"`, `\\` and `\$` stand for the character after the backslash.
 */

const HEADER = /^(clang version |Target:|Thread model:|InstalledDir:|Build config:)/;

/** The words of one job line (` "a" "b c" "d\"e"`). */
export function jobWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/ (?:([^ "]+)|"((?:[^"\\]|\\.)*)")/g)) {
    words.push(m[1] !== undefined ? m[1] : m[2]!.replace(/\\(["\\$])/g, '$1'));
  }
  return words;
}

/**
 * The jobs `clang -###` listed in `output`, in the order they run, each as the argv to run it
 * with: argv[0] is the tool (`clang`, `wasm-ld`). A job clang runs inside itself (`clang -cc1`)
 * is printed as its executable (`""` when clang does not know its own path), then its argv:
 * the executable is dropped.
 */
export function parseClangJobs(output: string): string[][] {
  const jobs: string[][] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith(' "')) continue;
    const words = jobWords(line);
    if (words[0] === '' || (words.length > 2 && !words[1]!.startsWith('-cc1') && words[2]!.startsWith('-cc1'))) words.shift();
    if (words.length > 0) jobs.push(words);
  }
  return jobs;
}

/** What `clang -###` printed besides the version lines and the jobs: its errors and warnings. */
export function clangDiagnostics(output: string): string {
  return output.split('\n').filter((l) => l !== '' && !HEADER.test(l) && !l.startsWith(' "') && l !== ' (in-process)').map((l) => `${l}\n`).join('');
}
