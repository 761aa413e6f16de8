/**
 * Shared set-up for the kernel's unit and property tests.
 *
 * `makeKernel` builds a Kernel on a small arena with a recording KernelHost: the host does not run
 * threads, it only records what the kernel asked of it, so these tests exercise the capability
 * logic alone. By default it reports a stopped thread gone at once (as if the worker ended the
 * moment it was stopped); `lateThreadReports` leaves that to the test. `must` unwraps a Result and fails the test with the status name if it is not OK.
 * `snapshotTables` reads every process's published handle table out of the arena, so a test can
 * compare the whole capability state before and after a call.
 */

import assert from 'node:assert/strict';
import { Arena, type ArenaConfig, HandleWord } from '../../src/ipc/arena.js';
import { type Handle, NO_HANDLE } from '../../src/abi/handle.js';
import { Kernel, type KernelHost } from '../../src/kernel/kernel.js';
import type { Process } from '../../src/kernel/process.js';
import { type Result, statusName } from '../../src/abi/status.js';

export const TEST_ARENA: ArenaConfig = {
  maxProcesses: 16, maxHandles: 64, maxThreads: 16, maxQueues: 8, maxObjects: 1024, bulkBytes: 1024,
};

export interface RecordingHost extends KernelHost {
  readonly started: { pid: number; boot: unknown; handles: readonly Handle[] }[];
  readonly stopped: number[];
  readonly delivered: { pid: number; id: number; buffer: SharedArrayBuffer }[];
}

export function recordingHost(onStop: (p: Process) => void = () => {}): RecordingHost {
  const started: { pid: number; boot: unknown; handles: readonly Handle[] }[] = [];
  const stopped: number[] = [];
  const delivered: { pid: number; id: number; buffer: SharedArrayBuffer }[] = [];
  return {
    started, stopped, delivered,
    startThread(process: Process, boot: unknown, handles: readonly Handle[]): void { started.push({ pid: process.pid, boot, handles: [...handles] }); },
    stopThread(process: Process): void { stopped.push(process.pid); onStop(process); },
    deliverMemory(process: Process, id: number, buffer: SharedArrayBuffer): void { delivered.push({ pid: process.pid, id, buffer }); },
  };
}

export interface Fixture {
  readonly arena: Arena;
  readonly host: RecordingHost;
  readonly kernel: Kernel;
}

export function makeKernel(config: Partial<ArenaConfig> = {}, opts: { lateThreadReports?: boolean } = {}): Fixture {
  const arena = Arena.create({ ...TEST_ARENA, ...config });
  let kernel: Kernel | null = null;
  const host = recordingHost((p) => { if (!opts.lateThreadReports) kernel?.threadGone(p.pid, 'stopped'); });
  kernel = new Kernel(arena, host);
  return { arena, host, kernel };
}

/** The value of an OK result; fails the test with the status name otherwise. */
export function must<T>(r: Result<T>, what = 'kernel call'): T {
  if (r.status !== 0) assert.fail(`${what} failed with ${statusName(r.status)}`);
  return r.value;
}

/** A root process (no parent process) and its pid. */
export function rootPid(kernel: Kernel, name: string): number {
  return must(kernel.spawnRoot({ name, boot: null }), `spawnRoot(${name})`).pid;
}

export interface PublishedEntry {
  readonly tag: number;
  readonly type: number;
  readonly rights: number;
  readonly object: number;
  readonly badge: number;
}

/** Entry `index` of `pid`'s handle table as the arena publishes it. */
export function publishedEntry(arena: Arena, pid: number, index: number): PublishedEntry {
  const w = arena.handleWord(pid, index);
  return {
    tag: Atomics.load(arena.i32, w + HandleWord.TAG),
    type: arena.i32[w + HandleWord.TYPE]!,
    rights: arena.i32[w + HandleWord.RIGHTS]!,
    object: arena.i32[w + HandleWord.OBJECT]!,
    badge: arena.f64[(w + HandleWord.BADGE) >> 1]!,
  };
}

/**
 * Every process's published handle table (live entries only), keyed `pid:index`, plus the pids
 * alive and the object counts: enough to tell whether a call changed any capability state.
 */
export function snapshotTables(fx: Fixture): string {
  const out: string[] = [];
  for (const p of fx.kernel.allProcesses().sort((a, b) => a.pid - b.pid)) {
    out.push(`pid ${p.pid} ${p.state} size=${p.handles.size}`);
    for (let i = 0; i < fx.arena.config.maxHandles; i++) {
      const e = publishedEntry(fx.arena, p.pid, i);
      if (e.tag & 1) out.push(`  ${p.pid}:${i} tag=${e.tag} type=${e.type} rights=${e.rights} object=${e.object} badge=${e.badge}`);
    }
  }
  out.push(JSON.stringify(fx.kernel.objectCounts()));
  return out.join('\n');
}

/**
 * Processes joined pairwise by channels: process 0 is a root process; it creates one channel per
 * pair and spawns the others, moving each their endpoints. `end(i, j)` is process i's handle to
 * the channel it shares with process j. Process 0 also holds a handle to each child (`child[i]`).
 */
export interface Mesh {
  readonly pids: number[];
  end(i: number, j: number): Handle;
  readonly child: Handle[];
}

export function mesh(fx: Fixture, count: number): Mesh {
  const { kernel } = fx;
  const root = rootPid(kernel, 'p0');
  const ends = new Map<string, Handle>();
  const pending: { other: number; h: Handle }[][] = Array.from({ length: count }, () => []);
  const give = (owner: number, other: number, h: Handle): void => {
    if (owner === 0) ends.set(`0:${other}`, h);
    else pending[owner]!.push({ other, h });
  };
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const [a, b] = must(kernel.channelCreate(root), 'channelCreate');
      give(i, j, a);
      give(j, i, b);
    }
  }
  const pids = [root];
  const child: Handle[] = [NO_HANDLE];
  for (let i = 1; i < count; i++) {
    const mine = pending[i]!;
    const spawned = must(kernel.spawn(root, { name: `p${i}`, handles: mine.map((e) => e.h), boot: null }), `spawn p${i}`);
    pids.push(spawned.pid);
    child.push(spawned.handle);
    mine.forEach(({ other }, k) => ends.set(`${i}:${other}`, spawned.childHandles[k]!));
  }
  return {
    pids, child,
    end(i: number, j: number): Handle {
      const h = ends.get(`${i}:${j}`);
      if (h === undefined) throw new Error(`no channel between ${i} and ${j}`);
      return h;
    },
  };
}

/** Move `handles` from process i to process j over their channel; returns the handles j received. */
export function transfer(fx: Fixture, m: Mesh, i: number, j: number, handles: number[]): Handle[] {
  const { kernel } = fx;
  assert.equal(kernel.channelWrite(m.pids[i]!, m.end(i, j), new Uint8Array(0), handles), 0, 'channelWrite');
  return must(kernel.channelRead(m.pids[j]!, m.end(j, i)), 'channelRead').handles;
}

/** Move one handle from process i to process j; returns the handle j received for it. */
export function transferOne(fx: Fixture, m: Mesh, i: number, j: number, handle: number): Handle {
  const got = transfer(fx, m, i, j, [handle]);
  assert.equal(got.length, 1);
  return got[0]!;
}
