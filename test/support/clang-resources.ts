/**
 * The @yowasp/clang package's resources (gen/llvm-resources.tar: headers, libc, compiler-rt)
 * unpacked into the temporary directory, once per machine and clang version, for running the
 * package's clang under node:wasi with them preopened at /usr. Made under a name of its own and
 * renamed into place, so a process that stops half-way leaves nothing another would take as done.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLANG_DIR, CLANG_VERSION } from './npm-registry.js';

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
