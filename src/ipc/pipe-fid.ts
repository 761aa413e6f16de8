/**
 * The numbers of pipe fids on the arena's rings (docs/reference/vfs-protocol.md, "Pipes"): bit 31,
 * the bits of the ring's generation, the ring, the end (1: write) and a per-session index. A fid
 * so numbered means the same end of the same pipe in every VFS instance (services/vfs/pipe-table.ts
 * takes pipes over by it), and tells its holder which ring carries the pipe's counters
 * (ipc/pipe-cut.ts judges a call cut by the VFS's end from them).
 */

const PIPE_FID = 0x8000_0000;
const GEN_BITS = 14, RING_BITS = 12;
/** Bits of the per-session index: how many fids of one end one session can hold by ring number. */
export const PIPE_FID_INDEX_BITS = 4;

/** What a pipe fid names. */
export interface PipeFid { readonly ring: number; readonly gen: number; readonly write: boolean; readonly index: number }

/** The bits of a ring's generation a fid carries. */
export function pipeFidGen(gen: number): number {
  const m = 1 << GEN_BITS;
  return ((gen % m) + m) % m;
}

export function encodePipeFid(f: PipeFid): number {
  return PIPE_FID + pipeFidGen(f.gen) * (1 << (RING_BITS + 1 + PIPE_FID_INDEX_BITS)) + f.ring * (1 << (1 + PIPE_FID_INDEX_BITS)) + (f.write ? 1 << PIPE_FID_INDEX_BITS : 0) + f.index;
}

/** What `fid` names if it is a pipe fid (its `gen` is the generation's bits only), else null. */
export function decodePipeFid(fid: number): PipeFid | null {
  if (!Number.isInteger(fid) || fid < PIPE_FID || fid >= 2 * PIPE_FID) return null;
  const v = fid - PIPE_FID;
  return {
    gen: Math.floor(v / (1 << (RING_BITS + 1 + PIPE_FID_INDEX_BITS))),
    ring: Math.floor(v / (1 << (1 + PIPE_FID_INDEX_BITS))) % (1 << RING_BITS),
    write: (v & (1 << PIPE_FID_INDEX_BITS)) !== 0,
    index: v % (1 << PIPE_FID_INDEX_BITS),
  };
}
