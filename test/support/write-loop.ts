/**
 * A script program for benchmarks: N small writes through the local kernel to a file in the VFS
 * (no wasm, no WASI shim), to separate the IPC cost of a write from the shim's.
 * data: { path, count, size, out } — out[0] = ns per write.
 */

import { LocalKernel } from '../../src/runtime/local-kernel.js';
import { FID_READ, FID_WRITE } from '../../src/abi/protocols/vfs.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], d: { path: string; count: number; size: number; out: SharedArrayBuffer }): number {
  const lk = new LocalKernel(rt.caller, rt.handles[0]!, rt.handles[1]!);
  const root = lk.vfs.call('openRoot', { path: '/' });
  if (!root.reply) return 2;
  const f = lk.vfs.call('open', { dir: root.reply.fid, lookup: 1, oflags: 1 | 8 | ((FID_READ | FID_WRITE) << 16), close: 0, want: 0, path: d.path });
  if (!f.reply) return 3;
  const data = [new Uint8Array(d.size).fill(120)];
  let offset = 0;
  const t0 = rt.platform.now();
  for (let i = 0; i < d.count; i++) {
    const [err, , end] = lk.fileWrite(f.reply.fid, offset, false, data);
    if (err !== 0) return 4;
    offset = end;
  }
  new Float64Array(d.out)[0] = (rt.platform.now() - t0) / d.count;
  return 0;
}
