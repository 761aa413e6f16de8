/**
 * The same clang under Node's own node:wasi, for comparing what Keel's cc produces: the
 * @yowasp/clang module from node_modules, its resources (gen/llvm-resources.tar) unpacked once
 * into the temporary directory and preopened at /usr, a fresh /tmp, and the caller's directories.
 * Like Keel's driver, it asks `clang -###` for the jobs and runs each (an instance each, on one
 * compiled module); the command line must use absolute paths (node:wasi has no working
 * directory either).
 */

import { WASI } from 'node:wasi';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLANG_DIR, CLANG_VERSION } from './npm-registry.js';
import { parseClangJobs } from '../../src/programs/lib/clang-jobs.js';

/** The clang package's resources, unpacked (made once per machine and version). */
export function clangResources(): string {
  const dir = join(tmpdir(), `keel-test-yowasp-clang-usr-${CLANG_VERSION}`);
  if (existsSync(join(dir, 'lib', 'wasm32-wasip1', 'libc.a'))) return dir;
  const part = `${dir}.${process.pid}`;
  mkdirSync(part, { recursive: true });
  execFileSync('tar', ['-xf', join(CLANG_DIR, 'gen', 'llvm-resources.tar'), '-C', part]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(part, dir);
  return dir;
}

let compiled: WebAssembly.Module | null = null;

/** Run argv under node:wasi; its exit code and (if asked) what it wrote on stdout and stderr. */
function runClang(argv: readonly string[], preopens: Record<string, string>, capture: boolean): { code: number; output: string } {
  compiled ??= new WebAssembly.Module(readFileSync(join(CLANG_DIR, 'gen', 'llvm.core.wasm')));
  const scratch = capture ? mkdtempSync(join(tmpdir(), 'keel-clang-out-')) : null;
  const fd = scratch ? openSync(join(scratch, 'out'), 'w+') : 2;
  try {
    const wasi = new WASI({ version: 'preview1', args: [...argv], env: {}, preopens, returnOnExit: true, stdout: capture ? fd : 1, stderr: fd });
    const instance = new WebAssembly.Instance(compiled, { wasi_snapshot_preview1: wasi.wasiImport } as WebAssembly.Imports);
    const code = wasi.start(instance);
    return { code, output: scratch ? readFileSync(join(scratch, 'out'), 'utf8') : '' };
  } finally {
    if (scratch) {
      closeSync(fd);
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/**
 * `clang ARGS` (absolute paths) under node:wasi with `dirs` (guest path → host directory)
 * preopened besides /usr and /tmp: the exit code of the first job that failed, or 0.
 */
export function referenceCompile(args: readonly string[], dirs: Readonly<Record<string, string>>): number {
  const tmp = mkdtempSync(join(tmpdir(), 'keel-clang-tmp-'));
  try {
    const preopens = { '/usr': clangResources(), '/tmp': tmp, ...dirs };
    const list = runClang(['clang', '-###', ...args], preopens, true);
    if (list.code !== 0) throw new Error(`clang -### failed: ${list.output}`);
    for (const job of parseClangJobs(list.output)) {
      const r = runClang(job, preopens, false);
      if (r.code !== 0) return r.code;
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
