/**
 * The names of Keel's own TypeScript programs (the shell and the utilities) that a `#!keel NAME`
 * file may ask for: only names in this list can run, so a file in the VFS can start a program
 * Keel ships and nothing else. Apart from the programs themselves (registry.ts loads those), so
 * code that only checks or lists names (the manifest, the library, the process runtime) does not
 * pull every program into its bundle.
 */

export const PROGRAM_NAMES: readonly string[] = [
  'sh', 'ls', 'cat', 'echo', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'wc', 'head', 'tail', 'grep', 'sort',
  'uniq', 'tee', 'env', 'true', 'false', 'sleep', 'ps', 'mount', 'df', 'top', 'pwd', 'yes', 'seq',
  'rmdir', 'stat', 'basename', 'dirname', 'printf', 'xargs', 'clear', 'readlink', 'dmesg', 'sync',
  'sed', 'tr', 'cut', 'paste', 'join', 'comm', 'tac', 'rev', 'nl', 'fold', 'expand', 'which', 'kill', 'uname', 'id',
  'whoami', 'nproc', 'truncate', 'mktemp', 'realpath', 'test', 'expr', 'time', 'timeout', 'date', 'du', 'cmp', 'base64',
  'md5sum', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'gzip', 'gunzip', 'zcat', 'tar', 'od', 'xxd',
  'find', 'diff', 'awk', 'cc', 'c++', 'pkg',
];

/**
 * Names one program answers to, as argv[0] tells it: the compiler driver is cc and c++ here, and
 * clang and clang++ once `pkg add @yowasp/clang` has put those `#!keel` files in /usr/bin.
 */
export const ALIASES: Readonly<Record<string, string>> = { 'c++': 'cc', clang: 'cc', 'clang++': 'cc' };

const known = new Set([...PROGRAM_NAMES, ...Object.keys(ALIASES)]);

export function isProgramName(name: string): boolean {
  return known.has(name);
}
