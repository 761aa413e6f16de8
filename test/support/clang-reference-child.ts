/**
 * The child process behind referenceCompile (clang-reference.ts): runs `clang ARGS` under
 * Node's node:wasi, as a node:wasi driver such as yowasp's does — the @yowasp/clang module
 * compiled once (not timed), then `clang -###` and each job it lists, an instance each, one after
 * another. argv[2] is a JSON { args, dirs }; it prints one JSON line { code, ms } on stdout:
 * the exit code of the first job that failed (or 0) and the milliseconds from `clang -###` to
 * the last job's exit.
 *
 * A process of its own because node:wasi running clang in Node 20 now and then dies of a V8
 * segfault (about one process in five running a three-source compile, with or without Keel in
 * the process): the parent sees the signal and runs it again instead of dying with it.
 */

import { WASI } from 'node:wasi';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLANG_DIR } from './npm-registry.js';
import { clangResources } from './clang-resources.js';
import { parseClangJobs } from '../../src/programs/lib/clang-jobs.js';

interface Request {
  readonly args: readonly string[];
  readonly dirs: Readonly<Record<string, string>>;
}

const compiled = new WebAssembly.Module(readFileSync(join(CLANG_DIR, 'gen', 'llvm.core.wasm')));

/** Run argv under node:wasi; its exit code and (if asked) what it wrote on stdout and stderr. */
function runClang(argv: readonly string[], preopens: Record<string, string>, capture: boolean): { code: number; output: string } {
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

function compile(request: Request): number {
  const tmp = mkdtempSync(join(tmpdir(), 'keel-clang-tmp-'));
  try {
    const preopens = { '/usr': clangResources(), '/tmp': tmp, ...request.dirs };
    const list = runClang(['clang', '-###', ...request.args], preopens, true);
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

const request = JSON.parse(process.argv[2]!) as Request;
const t0 = performance.now();
const code = compile(request);
process.stdout.write(`${JSON.stringify({ code, ms: performance.now() - t0 })}\n`);
