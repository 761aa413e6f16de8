/**
 * A script program for the address-token tests. In its own process, with its own local kernel
 * (the same one wasm programs get), it writes a file, reads it in a loop through one fid, writes
 * new data through a second fid in the middle of the loop (the file system revokes the token),
 * reads on, then reopens the file; and reports what each phase read and the token statistics as
 * JSON in data.out (4-byte length, then UTF-8).
 */

import { LocalKernel } from '../../src/runtime/local-kernel.js';
import { FdTable } from '../../src/runtime/fd-table.js';
import { FID_READ, FID_WRITE } from '../../src/abi/protocols/vfs.js';
import { OFLAG_CREAT, OFLAG_TRUNC } from '../../src/abi/protocols/vfs.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer; dir: string; size: number; reads: number }): number {
  const lk = new LocalKernel(rt.caller, rt.handles[0]!, rt.handles[1]!);
  const root = lk.vfs.call('openRoot', { path: data.dir });
  if (root.status !== 0) throw new Error(`openRoot ${data.dir}: ${root.status}`);
  const dir = root.reply!.fid;
  const open = (access: number, oflags = 0) => {
    const r = lk.vfs.call('open', { dir, lookup: 1, oflags: oflags | (access << 16), close: 0, want: 0, path: 'tokens.dat' });
    if (r.status !== 0) throw new Error(`open: ${r.status}`);
    lk.fileTokens.opened(r.reply!);
    return r.reply!;
  };
  const fill = (fid: number, byte: number): void => {
    const [err, n] = lk.fileWrite(fid, 0, false, [new Uint8Array(data.size).fill(byte)]);
    if (err !== 0 || n !== data.size) throw new Error(`write: ${err}`);
  };
  /** Read the whole file `times` times; the distinct byte values seen, and bytes per read. */
  const readLoop = (fid: number, times: number): { bytes: number[]; sizes: number[] } => {
    const seen = new Set<number>(), sizes = new Set<number>();
    const buf = new Uint8Array(data.size + 16);
    for (let i = 0; i < times; i++) {
      const [err, n] = lk.fileRead(fid, 0, [buf]);
      if (err !== 0) throw new Error(`read: ${err}`);
      sizes.add(n);
      for (let j = 0; j < n; j++) seen.add(buf[j]!);
    }
    return { bytes: [...seen].sort((a, b) => a - b), sizes: [...sizes] };
  };
  const stats = () => ({ ...lk.fileTokens.stats });
  const out: Record<string, unknown> = {};

  const w = open(FID_WRITE | FID_READ, OFLAG_CREAT | OFLAG_TRUNC);
  fill(w.fid, 0x41);
  const r = open(FID_READ);
  out['before'] = { ...readLoop(r.fid, data.reads), stats: stats() };
  fill(w.fid, 0x42); // the file system revokes the token before it writes
  out['after'] = { ...readLoop(r.fid, data.reads), stats: stats() };
  const t = lk.vfs.call('truncate', { fid: w.fid, size: 100 });
  if (t.status !== 0) throw new Error('truncate');
  out['truncated'] = { ...readLoop(r.fid, data.reads), stats: stats() };
  lk.releaseFd({ kind: 'file', fid: r.fid, filetype: 4, offset: 0, rightsBase: 0, rightsInheriting: 0, flags: 0, preopen: null }, new FdTable());
  const again = open(FID_READ);
  out['reopenedCached'] = again.cached > 0;
  out['reopened'] = { ...readLoop(again.fid, 10), stats: stats() };
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}
