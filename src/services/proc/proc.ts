/**
 * The proc service: the process table as programs see it — spawn a program by VFS path, wait for
 * a child, signal processes, who am I and who is my parent. The kernel creates and ends threads;
 * proc decides what a new process starts with (its VFS, console and proc sessions, each with a
 * fresh badge, and the files its parent passes on, taken into its session before the parent is
 * answered), remembers parent and child, and keeps exit statuses until the parent collects
 * them (it hears of every exit through the kernel's process-exited events).
 *
 * The caller's identity is the pid whose thread made the call (`origin`). A process waits only
 * for its own children. It may signal its descendants — what it started, what they started, and
 * so on — and itself: each entry keeps the serials of every process above it, so a descendant
 * stays reachable after the process in between has ended. The host (calls from the kernel
 * process) may signal anyone; the terminal (the console's badge) any process group.
 *
 * Orphans: when a process ends, its children are re-parented to pid 1 (the kernel process, as
 * init). proc reaps them in its place: an orphan's exit status is dropped as it ends, so nothing
 * is left behind; until then it is listed (ps) and can be signalled by its ancestors.
 *
 * Limits reach down the tree: proc asks the kernel to start the child for the caller (`lineage`),
 * and the kernel gives it at most the caller's limits (Process.limits).
 *
 * Grants: a session some of Keel's own programs get and no other program does (the registry, for
 * `pkg`). proc mints it only when the program file is exactly `#!keel NAME\n` for a NAME with a
 * grant (read through the VFS before the spawn; only files of that exact size are read, so other
 * spawns cost nothing more), and names NAME in the boot spec, so the child's thread hands the
 * session to the program only if the file it then loads is still that program.
 */

import { DEFER, type DeferredReply, type Service } from '../../ipc/call-context.js';
import type { Caller } from '../../ipc/caller.js';
import { ProtocolClient, finishDeferred, serveProtocol } from '../../ipc/protocol-client.js';
import { type AdoptedProcess, kernelProtocol } from '../../abi/protocols/kernel.js';
import { exitStatusToWire } from '../../abi/exit-status.js';
import type { ExitStatus } from '../../abi/exit-status.js';
import { Right } from '../../abi/rights.js';
import { Status } from '../../abi/status.js';
import { ERRNO_PROTOCOL_ERRORS, Errno } from '../../abi/errno.js';
import type { FileOriginSpec, InheritedFd, PreopenSpec, WasmBoot } from '../../abi/boot-spec.js';
import { WAIT_STOPPED, procProtocol } from '../../abi/protocols/proc.js';
import { vfsProtocol } from '../../abi/protocols/vfs.js';
import { MemoryLedger, WASM_PAGE_BYTES } from '../../ipc/memory-ledger.js';
import { readProcessTable } from '../../ipc/process-table.js';
import { programFile } from '../../abi/program-files.js';
import { decodeText } from '../../abi/text-codec.js';
import { FID_READ, openFlags } from '../../abi/protocols/vfs.js';

interface Entry {
  readonly pid: number;
  parent: number;
  readonly name: string;
  /** Process group (job): ^C on the terminal signals the foreground group. */
  readonly pgid: number;
  /** proc's handle to the process (kill; and it keeps the pid from being reused while listed). */
  readonly handle: number;
  status: ExitStatus | null;
  /** The signal that stopped it, while stopped (0 when running). */
  stoppedBy: number;
  /** Whether that stop was reported to an untraced wait. */
  stopReported: boolean;
  /** proc's number for it, never reused: what its descendants' `ancestors` name. */
  readonly serial: number;
  /** The serials of every process above it, nearest last: who may signal it. */
  readonly ancestors: readonly number[];
  /** Its parent's number for the spawn that started it (0: none): a spawn asked again finds it. */
  readonly nonce: number;
}

interface Waiter {
  readonly parent: number;
  readonly pid: number;
  readonly untraced: boolean;
  readonly deferred: DeferredReply;
}

export interface ProcMasters {
  /** Unbadged client handles proc mints children's sessions from. */
  readonly vfs: number;
  readonly console: number;
  /** Absent when the manifest does not let programs start processes: children get no proc session. */
  readonly proc?: number;
  /** proc's own (badged) VFS session, to check that a program exists. */
  readonly ownVfs: number;
  /** Badge of the terminal's (console's) handle to proc: it may signal any process group. */
  readonly ttyBadge?: number;
  /** Sessions only some programs get: program name → the services' masters, by service name. */
  readonly grants?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** How many processes proc starts: per parent (unwaited children, zombies included) and in all. */
export interface ProcLimits {
  readonly maxChildren: number;
  readonly maxProcesses: number;
}

/**
 * The defaults leave the arena room (256 process slots) for the services and the host's own
 * programs: a fork bomb exhausts proc's share and gets EAGAIN, and the system stays usable.
 */
export const DEFAULT_PROC_LIMITS: ProcLimits = { maxChildren: 64, maxProcesses: 160 };

const SESSION_RIGHTS = Right.READ | Right.WRITE | Right.TRANSFER | Right.DUPLICATE;
/**
 * proc's badges live above the range the system uses at boot, a range of BADGES_PER_INSTANCE for
 * each instance of proc: a restarted proc must never hand out a badge its predecessor gave a
 * process that is still running — the VFS keys a session by its badge, so the two processes would
 * share one session (its fids, its shared-file tokens). 2^32 spawns an instance, 2^21 restarts.
 */
const BADGE_BASE = 2 ** 40;
const BADGES_PER_INSTANCE = 2 ** 32;
const MAX_JSON = 60_000;
const FILETYPE_REGULAR = 4;
/** Where orphans are re-parented: pid 1, the kernel process, as init (proc reaps them for it). */
export const INIT_PID = 1;
/** Calls from the kernel process are the host's: it may signal any process. */
const HOST_PID = 1;

/** Shape check of the fds a parent passes on (their tokens are checked by the VFS at redeem). */
function inheritedFds(x: unknown): x is InheritedFd[] {
  const kinds = ['console', 'file', 'dir', 'pipe'];
  const num = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  return Array.isArray(x) && x.length <= 1024 && x.every((f) => typeof f === 'object' && f !== null
    && num((f as InheritedFd).fd) && kinds.includes((f as InheritedFd).kind) && num((f as InheritedFd).token)
    && num((f as InheritedFd).filetype) && num((f as InheritedFd).offset) && num((f as InheritedFd).flags)
    && num((f as InheritedFd).rightsBase) && num((f as InheritedFd).rightsInheriting)
    && ((f as InheritedFd).preopen === null || typeof (f as InheritedFd).preopen === 'string')
    && ((f as InheritedFd).sameAs === undefined || num((f as InheritedFd).sameAs))
    && ((f as InheritedFd).origin === undefined || origin((f as InheritedFd).origin))
    && (f as InheritedFd).fid === undefined);
}

/** Shape check of an inherited fd's origin (where the child's local kernel may open it again). */
function origin(o: unknown): boolean {
  const x = o as InheritedFd['origin'];
  return typeof x === 'object' && x !== null && typeof x.root === 'string' && typeof x.path === 'string'
    && Number.isSafeInteger(x.lookup) && Number.isSafeInteger(x.oflags) && x.root.length + x.path.length <= 4096
    && (x.word === undefined || Number.isSafeInteger(x.word));
}

export class Proc {
  private readonly table = new Map<number, Entry>();
  private readonly waiters: Waiter[] = [];
  private readonly kernel: ProtocolClient<typeof kernelProtocol>;
  private readonly vfs: ProtocolClient<typeof vfsProtocol>;
  private nextBadge: number;
  /** The end of this instance's badge range. */
  private readonly badgeEnd: number;
  private rootFid = 0;
  private nextSerial = 1;
  /** Serials of processes proc did not start that have started some (root programs, the shell). */
  private readonly outsiders = new Map<number, number>();
  private readonly ledger: MemoryLedger;

  isTty(badge: number): boolean {
    return this.masters.ttyBadge !== undefined && badge === this.masters.ttyBadge;
  }

  /** `incarnation`: how many procs ran before this one (ServiceContext.incarnation). */
  constructor(private readonly caller: Caller, private readonly masters: ProcMasters, private readonly limits: ProcLimits = DEFAULT_PROC_LIMITS, incarnation = 0) {
    this.nextBadge = BADGE_BASE + incarnation * BADGES_PER_INSTANCE;
    this.badgeEnd = this.nextBadge + BADGES_PER_INSTANCE;
    this.kernel = new ProtocolClient(kernelProtocol, caller, 0);
    this.vfs = new ProtocolClient(vfsProtocol, caller, masters.ownVfs);
    this.ledger = new MemoryLedger(caller.arena);
    if (incarnation > 0) this.adoptPredecessors();
  }

  /**
   * A restarted proc: take over the processes the instance before started (the kernel kept their
   * handles, Kernel.adopt) and rebuild their entries — parent (the client each was started for,
   * init if that one is gone), process group, how it ended or whether it is stopped. What a
   * predecessor knew beyond that is gone: a wait it was answering is cut, and the caller's local
   * kernel asks again (recovering-proc.ts). Parents are entered before their children, so each
   * entry's ancestors are its parent's line.
   */
  private adoptPredecessors(): void {
    const r = this.kernel.call('adopt', {});
    if (r.transport !== 0 || r.status !== 0) return;
    let pending = JSON.parse(r.reply!.processes) as AdoptedProcess[];
    while (pending.length > 0) {
      const waiting = new Set(pending.map((a) => a.pid));
      // A parent still to be entered waits; if none can be entered (a cycle of reused pids), all are.
      let ready = pending.filter((a) => !waiting.has(a.lineage) || a.lineage === a.pid);
      if (ready.length === 0) ready = pending;
      for (const a of ready) {
        // The kernel names the lineage only while it is the process the child was started for.
        const parent = a.lineage !== 0 && a.lineage !== a.pid ? a.lineage : INIT_PID;
        const e: Entry = { pid: a.pid, parent, name: a.name, pgid: a.group === -1 || a.group === 0 ? a.pid : a.group, handle: a.handle, status: a.status,
          stoppedBy: a.status ? 0 : a.stopSignal, stopReported: false, serial: this.nextSerial++, ancestors: this.lineOf(parent), nonce: a.tag };
        this.table.set(a.pid, e);
        if (e.status && e.parent === INIT_PID) this.forget(e);
      }
      const entered = new Set(ready.map((a) => a.pid));
      pending = pending.filter((a) => !entered.has(a.pid));
    }
  }

  /** The serials above `pid` and its own: what a child of it carries as `ancestors`. */
  private lineOf(pid: number): number[] {
    const e = this.table.get(pid);
    if (e) return [...e.ancestors, e.serial];
    let serial = this.outsiders.get(pid);
    if (serial === undefined) {
      serial = this.nextSerial++;
      this.outsiders.set(pid, serial);
    }
    return [serial];
  }

  /** Whether `caller` may signal `e`: the host, the process itself, or one of its ancestors. */
  private maySignal(caller: number, e: Entry): boolean {
    if (caller === HOST_PID || caller === e.pid) return true;
    const serial = this.table.get(caller)?.serial ?? this.outsiders.get(caller);
    return serial !== undefined && e.ancestors.includes(serial);
  }

  /** The size of the regular file at `path` in the VFS, or the errno why there is none. */
  private exists(path: string): { size: number } | number {
    if (!this.rootFid) {
      const r = this.vfs.call('openRoot', { path: '/' });
      if (r.transport !== 0) return Errno.IO;
      if (r.status !== 0) return r.status;
      this.rootFid = r.reply!.fid;
    }
    const st = this.vfs.call('statPath', { dir: this.rootFid, lookup: 1, want: 0, path: path.replace(/^\/+/, '') });
    if (st.transport !== 0) return Errno.IO;
    if (st.status !== 0) return st.status;
    return st.reply!.type === FILETYPE_REGULAR ? { size: st.reply!.size } : Errno.ACCES;
  }

  /**
   * The program with a grant that the file to run is exactly (`#!keel NAME\n`), if any: read
   * from open file `fid` of `vfs`, or from `path` through proc's own session. Only a file of a
   * granted program's size is read.
   */
  private grantedProgram(size: number, path: string, vfs: ProtocolClient<typeof vfsProtocol>, fid: number): string | null {
    const grants = this.masters.grants;
    if (!grants) return null;
    const candidates = Object.keys(grants).filter((name) => programFile(name).length === size);
    if (candidates.length === 0) return null;
    let opened = 0;
    if (fid === 0) {
      const f = this.vfs.call('open', { dir: this.rootFid, lookup: 1, oflags: openFlags(0, FID_READ), close: 0, want: 0, path: path.replace(/^\/+/, '') });
      if (f.transport !== 0 || f.status !== 0) return null;
      opened = fid = f.reply!.fid;
      vfs = this.vfs;
    }
    try {
      const r = vfs.call('read', { fid, offset: 0, length: size, flags: 0 });
      if (r.transport !== 0 || r.status !== 0) return null;
      const text = decodeText(new TextDecoder(), r.reply!.data);
      return candidates.find((name) => programFile(name) === text) ?? null;
    } finally {
      if (opened) this.vfs.call('close', { fid: opened });
    }
  }

  /** The size of open file `fid` of `vfs`, or -1. */
  private sizeOf(vfs: ProtocolClient<typeof vfsProtocol>, fid: number): number {
    const st = vfs.call('stat', { fid });
    return st.transport === 0 && st.status === 0 ? st.reply!.size : -1;
  }

  private mint(master: number, badge: number): number | null {
    const r = this.kernel.call('duplicate', { handle: master, rights: SESSION_RIGHTS, badge });
    return r.transport === 0 && r.status === 0 ? r.reply!.handle : null;
  }

  /** The process group of `pid` (a process proc did not start leads its own). */
  pgidOf(pid: number): number {
    return this.table.get(pid)?.pgid ?? pid;
  }

  spawn(parent: number, program: number, path: string, argsJson: string, envJson: string, preopensJson: string, inheritJson: string, pgid = 0,
    asked: { memoryBytes?: number; openFiles?: number } = {}, programOriginJson = '', nonce = 0): { pid: number } | number {
    // Asked again (the first answer was lost with the proc that gave it): the child it started.
    if (nonce !== 0) for (const e of this.table.values()) if (e.parent === parent && e.nonce === nonce) return { pid: e.pid };
    if (pgid > 0 && pgid !== this.pgidOf(parent) && ![...this.table.values()].some((e) => e.parent === parent && e.pgid === pgid)) return Errno.PERM;
    if (argsJson.length > MAX_JSON || envJson.length > MAX_JSON || preopensJson.length > MAX_JSON || inheritJson.length > MAX_JSON || programOriginJson.length > MAX_JSON) return Errno.TOOBIG;
    let args: unknown, env: unknown, preopens: unknown, inherit: unknown, programOrigin: unknown;
    try {
      programOrigin = programOriginJson === '' ? undefined : JSON.parse(programOriginJson);
      args = JSON.parse(argsJson || '[]');
      env = JSON.parse(envJson || '[]');
      preopens = JSON.parse(preopensJson || '[]');
      inherit = JSON.parse(inheritJson || '[]');
    } catch {
      return Errno.INVAL;
    }
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
    const opens = (x: unknown): x is PreopenSpec[] => Array.isArray(x) && x.every((p) => typeof p === 'object' && p !== null
      && typeof (p as PreopenSpec).guestPath === 'string' && typeof (p as PreopenSpec).vfsPath === 'string');
    if (!strings(args) || !strings(env) || !opens(preopens) || !inheritedFds(inherit)) return Errno.INVAL;
    if (programOrigin !== undefined && (program === 0 || !origin(programOrigin))) return Errno.INVAL;
    if (this.table.size >= this.limits.maxProcesses || this.nextBadge >= this.badgeEnd) return Errno.AGAIN;
    let children = 0;
    for (const e of this.table.values()) if (e.parent === parent) children++;
    if (children >= this.limits.maxChildren) return Errno.AGAIN;
    // A program needs at least a page of memory: none is left when the programs hold the budget.
    if (!this.ledger.fits(WASM_PAGE_BYTES)) return Errno.NOMEM;
    const memoryBytes = asked.memoryBytes ?? 0, openFiles = asked.openFiles ?? 0;
    if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 0 || !Number.isSafeInteger(openFiles) || openFiles < 0) return Errno.INVAL;
    let size = -1;
    if (program === 0) {
      if (!path.startsWith('/')) return Errno.INVAL;
      const found = this.exists(path);
      if (typeof found === 'number') return found;
      size = found.size;
    }
    const badge = this.nextBadge++;
    const masters = [this.masters.vfs, this.masters.console, ...(this.masters.proc !== undefined ? [this.masters.proc] : [])];
    const minted = masters.map((m) => this.mint(m, badge));
    const release = (): void => { for (const h of minted) if (h) this.kernel.call('close', { handle: h }); };
    if (minted.some((h) => h === null)) {
      release();
      return Errno.AGAIN;
    }
    // Take the files the parent shares into the child's session now (its VFS handle is minted):
    // a share token dies with the sharer's session, and the parent may end before the child runs.
    const childVfs = new ProtocolClient(vfsProtocol, this.caller, minted[0]!);
    // The incarnation the fids taken in now belong to (read before: a restart after it makes them stale).
    const vfsIncarnation = this.caller.incarnation(minted[0]!);
    const take = (token: number): number | null => {
      const t = childVfs.call('redeem', { token });
      return t.transport === 0 && t.status === 0 ? t.reply!.fid : null;
    };
    const programFid = program !== 0 ? take(program) : 0;
    const fds = inherit.map((f) => (f.kind === 'console' || f.sameAs !== undefined ? f : { ...f, token: 0, fid: take(f.token) ?? -1 }));
    if (programFid === null || fds.some((f) => f.fid === -1)) {
      release();
      return Errno.BADF;
    }
    const granted = this.masters.grants ? this.grantedProgram(program === 0 ? size : this.sizeOf(childVfs, programFid), path, childVfs, programFid) : null;
    const grants: Record<string, number> = {};
    for (const [service, master] of Object.entries(granted !== null ? this.masters.grants![granted]! : {})) {
      const h = this.mint(master, badge);
      if (h === null) {
        release();
        return Errno.AGAIN;
      }
      grants[service] = minted.length;
      minted.push(h);
    }
    const boot: WasmBoot = {
      kind: 'wasm', program: path, ...(program === 0 ? { path } : { programFid }), ...(programOrigin !== undefined ? { programOrigin: programOrigin as FileOriginSpec } : {}), ...(vfsIncarnation >= 0 ? { vfsIncarnation } : {}), args, env, preopens,
      vfs: 0, console: 1, ...(this.masters.proc !== undefined ? { proc: 2 } : {}), ...(inheritJson ? { inherit: fds } : {}),
      ...(granted !== null ? { grants: { program: granted, services: grants } } : {}),
    };
    // The group goes to the kernel too, so that a restarted proc learns it again (adopt): -1 is
    // "led by the child", whose pid is not known yet.
    const group = pgid === -1 ? -1 : pgid > 0 ? pgid : this.pgidOf(parent);
    const r = this.kernel.call('spawn', { name: path, boot: JSON.stringify(boot), handles: minted as number[], lineage: parent, memoryBytes, openFiles, group, tag: nonce });
    if (r.transport !== 0 || r.status !== Status.OK) {
      release();
      return r.status === Status.NO_RESOURCES ? Errno.AGAIN : r.status === Status.ACCESS_DENIED ? Errno.ACCES : r.status === Status.BAD_STATE ? Errno.SRCH : Errno.IO;
    }
    const { pid, handle } = r.reply!;
    this.table.set(pid, { pid, parent, name: path, pgid: group === -1 ? pid : group, handle, status: null, stoppedBy: 0, stopReported: false, serial: this.nextSerial++, ancestors: this.lineOf(parent), nonce });
    return { pid };
  }

  /** The kernel reports an exit: record it, answer a waiting parent, re-parent the children to init. */
  processExited(pid: number, status: ExitStatus): void {
    this.outsiders.delete(pid);
    for (let i = this.waiters.length - 1; i >= 0; i--) if (this.waiters[i]!.parent === pid) this.waiters.splice(i, 1);
    for (const e of [...this.table.values()]) {
      if (e.parent !== pid) continue;
      e.parent = INIT_PID;
      if (e.status) this.forget(e);
    }
    const e = this.table.get(pid);
    if (!e) return;
    e.status = status;
    if (e.parent === INIT_PID) {
      this.forget(e);
      return;
    }
    const i = this.waiters.findIndex((w) => w.parent === e.parent && (w.pid === 0 || w.pid === pid) && w.deferred.pending);
    if (i >= 0) {
      const w = this.waiters.splice(i, 1)[0]!;
      finishDeferred(procProtocol.layouts.wait.reply, w.deferred, { pid: e.pid, ...exitStatusToWire(status) }, ERRNO_PROTOCOL_ERRORS);
      this.forget(e);
    }
  }

  private forget(e: Entry): void {
    this.table.delete(e.pid);
    this.kernel.call('close', { handle: e.handle });
  }

  /** The kernel reports a stop or a continue: remember it and tell a parent waiting for stops. */
  processStopped(pid: number, stopped: boolean, signal: number): void {
    const e = this.table.get(pid);
    if (!e || e.status) return;
    e.stoppedBy = stopped ? signal : 0;
    e.stopReported = false;
    if (!stopped) return;
    const i = this.waiters.findIndex((w) => w.untraced && w.parent === e.parent && (w.pid === 0 || w.pid === pid) && w.deferred.pending);
    if (i >= 0) {
      const w = this.waiters.splice(i, 1)[0]!;
      e.stopReported = true;
      finishDeferred(procProtocol.layouts.wait.reply, w.deferred, { pid, kind: WAIT_STOPPED, code: signal, message: '' }, ERRNO_PROTOCOL_ERRORS);
    }
  }

  wait(parent: number, pid: number, untraced: boolean, defer: () => DeferredReply | null) {
    const mine = [...this.table.values()].filter((e) => e.parent === parent && (pid === 0 || e.pid === pid));
    if (mine.length === 0) return Errno.CHILD;
    const stopped = untraced ? mine.find((e) => !e.status && e.stoppedBy !== 0 && !e.stopReported) : undefined;
    if (stopped) {
      stopped.stopReported = true;
      return { pid: stopped.pid, kind: WAIT_STOPPED, code: stopped.stoppedBy, message: '' };
    }
    const done = mine.find((e) => e.status !== null);
    if (done) {
      const reply = { pid: done.pid, ...exitStatusToWire(done.status!) };
      this.forget(done);
      return reply;
    }
    const deferred = defer();
    if (!deferred) return Errno.AGAIN;
    this.waiters.push({ parent, pid, untraced, deferred });
    return DEFER;
  }

  /**
   * Signal what `pid` names (POSIX kill): > 0 that process; 0 the caller's process group; -1
   * every process the caller may signal but itself; < -1 the group -pid. Signal 0 only checks.
   * Only processes the caller may signal (maySignal) are reached; ESRCH when `pid` names none at
   * all, EPERM when it names only others'.
   */
  kill(caller: number, pid: number, signal: number): number {
    if (!Number.isInteger(signal) || signal < 0 || signal > 64 || !Number.isInteger(pid)) return Errno.INVAL;
    if (pid === 0 || pid < -1) {
      const { reached, others } = this.signalMembers(caller, pid === 0 ? this.pgidOf(caller) : -pid, signal, caller === HOST_PID);
      return reached > 0 ? Errno.SUCCESS : others > 0 ? Errno.PERM : Errno.SRCH;
    }
    if (pid === -1) {
      const mine = [...this.table.values()].filter((e) => e.pid !== caller && !e.status && this.maySignal(caller, e));
      if (mine.length === 0) return Errno.SRCH;
      for (const e of mine) this.send(e, signal);
      return Errno.SUCCESS;
    }
    const e = this.table.get(pid);
    if (!e) return this.isProcess(pid) ? Errno.PERM : Errno.SRCH;
    if (!this.maySignal(caller, e)) return Errno.PERM;
    if (e.status || signal === 0) return Errno.SUCCESS;
    const r = this.kernel.call('kill', { handle: e.handle, signal });
    if (r.transport === 0 && r.status === 0) return Errno.SUCCESS;
    return r.status === Status.INVALID_ARGS ? Errno.INVAL : Errno.SRCH;
  }

  /** Send `signal` to `e` (0: nothing); whether it reached a running process. */
  private send(e: Entry, signal: number): boolean {
    if (signal === 0) return true;
    const r = this.kernel.call('kill', { handle: e.handle, signal });
    return r.transport === 0 && r.status === 0;
  }

  /** Whether `pid` is a live process of the system, one proc did not start (a service, a root program). */
  private isProcess(pid: number): boolean {
    return (readProcessTable(this.caller.arena, null) ?? []).some((row) => row.pid === pid);
  }

  /**
   * Signal the running members of group `pgid` the caller may signal (all of them with
   * `everyone`): how many were reached, and how many members were left alone as not the caller's.
   */
  private signalMembers(caller: number, pgid: number, signal: number, everyone: boolean): { reached: number; others: number } {
    let reached = 0, others = 0;
    for (const e of this.table.values()) {
      if (e.pgid !== pgid || e.status) continue;
      if (!everyone && !this.maySignal(caller, e)) others++;
      else if (this.send(e, signal)) reached++;
    }
    return { reached, others };
  }

  /**
   * Signal the running members of group `pgid`: every one for the terminal (`fromTty`) and the
   * host, else those the caller may signal. How many were signalled, or EPERM/ESRCH.
   */
  signalGroup(caller: number, fromTty: boolean, pgid: number, signal: number): { count: number } | number {
    if (signal < 1 || signal > 64) return Errno.INVAL;
    const { reached, others } = this.signalMembers(caller, pgid, signal, fromTty || caller === HOST_PID);
    return reached > 0 || fromTty ? { count: reached } : others > 0 ? Errno.PERM : Errno.SRCH;
  }

  /** The parent of `pid`; 1 (the kernel process, as init) for orphans and processes proc did not start. */
  parentOf(pid: number): number {
    return this.table.get(pid)?.parent ?? INIT_PID;
  }

  list(): { pid: number; parent: number; pgid: number; name: string; state: string }[] {
    return [...this.table.values()].map((e) => ({ pid: e.pid, parent: e.parent, pgid: e.pgid, name: e.name, state: e.status ? e.status.kind : e.stoppedBy ? 'stopped' : 'running' }));
  }
}

export function procService(proc: Proc): Service {
  return serveProtocol(procProtocol, 'proc', {
    spawn: (r, c) => proc.spawn(c.origin, r.program, r.path, r.args, r.env, r.preopens, r.inherit, r.pgid,
      { ...(r.memoryBytes > 0 ? { memoryBytes: r.memoryBytes } : {}), ...(r.openFiles > 0 ? { openFiles: r.openFiles } : {}) }, r.origin, r.nonce),
    wait: (r, c, server) => proc.wait(c.origin, r.pid, r.untraced !== 0, () => server.defer(c)),
    kill: (r, c) => proc.kill(c.origin, r.pid, r.signal) || {},
    self: (_r, c) => ({ pid: c.origin, parent: proc.parentOf(c.origin) }),
    list: () => ({ table: JSON.stringify(proc.list()) }),
    signalGroup: (r, c) => proc.signalGroup(c.origin, proc.isTty(c.badge), r.pgid, r.signal),
  }, ERRNO_PROTOCOL_ERRORS);
}
