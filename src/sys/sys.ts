/**
 * `sys`: the system-call API of Keel's TypeScript programs (the shell and the utilities).
 *
 * A TypeScript program runs as a process in its own worker, beside its own local kernel, exactly
 * as a wasm program does — and it makes the *same* calls: every method here marshals its
 * arguments into a private scratch memory and calls the WASI preview1 or `keel` function a wasm
 * program would, with the same fd table, rights checks and confinement. A TS program can reach
 * no more than a wasm program started with the same fds.
 *
 * Conventions: paths are resolved like wasi-libc does (against the working directory, then to the
 * preopened directory with the longest matching prefix); failures throw SysError, which carries
 * the errno, its name (`ENOENT`) and a message a utility can print as is. Calls block the
 * process's thread, as system calls do.
 */

import type { ProtocolClient } from '../ipc/protocol-client.js';
import { type ExitStatus, exitCodeOf } from '../abi/exit-status.js';
import { exitStatusFromWire } from '../abi/exit-status.js';
import type { ProcessRow } from '../ipc/process-table.js';
import { type ProcProtocol, WAIT_STOPPED } from '../abi/protocols/proc.js';
import { Errno, errnoName } from '../abi/errno.js';
import { ALL_WASI_RIGHTS, FdFlag, OFlag } from '../abi/wasi-rights.js';
import type { ShimContext } from '../runtime/shim-context.js';
import { ProcExit } from '../runtime/shim-context.js';
import { Scratch } from './scratch.js';
import { errorText } from './sys-errors.js';
import { normalizePath } from './sys-path.js';
import { concatBytes } from '../abi/bytes.js';
import { decodeText } from '../abi/text-codec.js';
import type { RegistryProtocol } from '../abi/protocols/registry.js';
import { RegistrySession } from './registry-session.js';

/** Sessions a program holds only by proc's grant (proc `grants`): the registry, for pkg. */
export interface SysGrants {
  readonly registry?: ProtocolClient<RegistryProtocol>;
}

type Fn = (...args: never[]) => number;
type Call = (...args: (number | bigint)[]) => number;

export type FileType = 'unknown' | 'block' | 'char' | 'dir' | 'file' | 'socket-dgram' | 'socket' | 'symlink';
const FILE_TYPES: readonly FileType[] = ['unknown', 'block', 'char', 'dir', 'file', 'socket-dgram', 'socket', 'symlink'];

export interface Stat {
  readonly type: FileType;
  readonly dev: number;
  readonly ino: number;
  readonly nlink: number;
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

export interface DirEntry {
  readonly name: string;
  readonly type: FileType;
}

export interface OpenFlags {
  readonly read?: boolean;
  readonly write?: boolean;
  readonly create?: boolean;
  readonly truncate?: boolean;
  readonly append?: boolean;
  readonly exclusive?: boolean;
  readonly directory?: boolean;
  /** Do not follow a final symlink. */
  readonly noFollow?: boolean;
}

export interface SpawnOptions {
  /** argv including argv[0] (default: [path]). */
  readonly args?: readonly string[];
  /** NAME=value strings (default: this process's environment). */
  readonly env?: readonly string[];
  /** [child fd, parent fd] pairs (default: 0, 1, 2 as they are). Preopens are always passed on. */
  readonly fds?: readonly (readonly [number, number])[];
  /** Process group: 0 = the caller's, -1 = a new group led by the child, > 0 = that group. */
  readonly pgid?: number;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly parent: number;
  readonly pgid: number;
  readonly name: string;
  readonly state: string;
}

/** One mounted file system. Sizes in bytes; total 0 when the file system cannot say. */
export interface MountInfo {
  readonly path: string;
  readonly name: string;
  readonly type: string;
  readonly total: number;
  readonly used: number;
  readonly readOnly: boolean;
}

/** A process as the kernel sees it, with IPC counters (see Kernel.processTable). */
export type SystemProcess = ProcessRow;

export class SysError extends Error {
  /** `ENOENT` style. */
  readonly code: string;
  constructor(readonly errno: number, readonly syscall: string, readonly path?: string) {
    super(`${path !== undefined ? `${path}: ` : ''}${errorText(errno)}`);
    this.code = errnoName(errno);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const READ_CHUNK = 64 * 1024;
const FILETYPE_DIRECTORY = 3;
const WRITE_RIGHTS = 1 << 6 | 1 << 8 | 1 << 22; // FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE

export class Sys {
  readonly args: readonly string[];
  /** The environment, editable (children get it by default). */
  readonly env = new Map<string, string>();
  private dir = '/';
  private readonly scratch: Scratch;
  private readonly wasi: Record<string, Call>;
  private readonly keel: Record<string, Call>;
  private readonly writers = new Set<Writer>();

  constructor(private readonly ctx: ShimContext, wasi: Record<string, Fn>, keel: Record<string, Fn>,
    private readonly proc: ProtocolClient<ProcProtocol> | null, private readonly grants: SysGrants = {}) {
    this.args = ctx.args;
    this.scratch = new Scratch(ctx.mem);
    for (const kv of ctx.env) {
      const i = kv.indexOf('=');
      if (i > 0) this.env.set(kv.slice(0, i), kv.slice(i + 1));
    }
    this.wasi = wasi as unknown as Record<string, Call>;
    this.keel = keel as unknown as Record<string, Call>;
    const pwd = this.env.get('PWD');
    if (pwd?.startsWith('/')) this.dir = normalizePath(pwd);
  }

  private get mem() {
    return this.scratch.mem;
  }

  private check(errno: number, syscall: string, path?: string): void {
    if (errno !== Errno.SUCCESS) throw new SysError(errno, syscall, path);
  }

  // ─── paths ──────────────────────────────────────────────────────────────────

  /** The working directory (absolute, normalised). */
  cwd(): string {
    return this.dir;
  }

  /** `path` made absolute against the working directory, with `.` and `..` resolved by name. */
  resolve(path: string): string {
    return normalizePath(path.startsWith('/') ? path : `${this.dir}/${path}`);
  }

  chdir(path: string): void {
    const abs = this.resolve(path);
    const st = this.stat(abs);
    if (st.type !== 'dir') throw new SysError(Errno.NOTDIR, 'chdir', path);
    this.dir = abs;
    this.env.set('PWD', abs);
  }

  /** The preopened directory fd that reaches `path`, and the path relative to it. */
  private locate(path: string, syscall: string): [number, string] {
    const abs = this.resolve(path);
    let best = -1, bestLen = -1, rel = '';
    for (const fd of this.ctx.fds.fds()) {
      const pre = this.ctx.fds.get(fd)!.preopen;
      if (pre === null) continue;
      const prefix = normalizePath(pre.startsWith('/') ? pre : `/${pre}`);
      const matches = prefix === '/' || abs === prefix || abs.startsWith(`${prefix}/`);
      if (matches && prefix.length > bestLen) {
        best = fd;
        bestLen = prefix.length;
        rel = prefix === '/' ? abs.slice(1) : abs.slice(prefix.length + 1);
      }
    }
    if (best < 0) throw new SysError(Errno.NOTCAPABLE, syscall, path);
    return [best, rel === '' ? '.' : rel];
  }

  // ─── files ──────────────────────────────────────────────────────────────────

  open(path: string, flags: OpenFlags = { read: true }): number {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'open');
    const [p, l] = this.scratch.string(rel);
    const out = this.scratch.alloc(4);
    const oflags = (flags.create ? OFlag.CREAT : 0) | (flags.directory ? OFlag.DIRECTORY : 0)
      | (flags.exclusive ? OFlag.EXCL : 0) | (flags.truncate ? OFlag.TRUNC : 0);
    const writes = flags.write || flags.append || flags.truncate;
    const rights = writes ? ALL_WASI_RIGHTS : ALL_WASI_RIGHTS & ~WRITE_RIGHTS;
    const fdflags = flags.append ? FdFlag.APPEND : 0;
    this.check(this.wasi['path_open']!(dirfd, flags.noFollow ? 0 : 1, p, l, oflags, BigInt(rights), BigInt(ALL_WASI_RIGHTS), fdflags, out), 'open', path);
    return this.mem.u32(out);
  }

  close(fd: number): void {
    this.check(this.wasi['fd_close']!(fd), 'close');
  }

  /** Up to `max` bytes; an empty array at end of input. */
  read(fd: number, max = READ_CHUNK): Uint8Array {
    this.scratch.reset();
    const [iov, buf] = this.scratch.iovec(max);
    const out = this.scratch.alloc(4);
    this.check(this.wasi['fd_read']!(fd, iov, 1, out), 'read');
    return this.mem.bytes(buf, this.mem.u32(out)).slice();
  }

  /** Everything until end of input. */
  readAll(fd: number): Uint8Array {
    const parts: Uint8Array[] = [];
    for (;;) {
      const b = this.read(fd);
      if (b.length === 0) break;
      parts.push(b);
    }
    return concatBytes(parts);
  }

  /** Write all of `data` (looping over short writes). */
  write(fd: number, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    let off = 0;
    while (off < bytes.length) {
      this.scratch.reset();
      const n = Math.min(bytes.length - off, READ_CHUNK);
      const [iov, buf] = this.scratch.iovec(n);
      this.mem.bytes(buf, n).set(bytes.subarray(off, off + n));
      const out = this.scratch.alloc(4);
      this.check(this.wasi['fd_write']!(fd, iov, 1, out), 'write');
      off += this.mem.u32(out);
    }
  }

  /** Move the offset; the new offset. whence: 0 set, 1 current, 2 end. */
  seek(fd: number, offset: number, whence: 0 | 1 | 2 = 0): number {
    this.scratch.reset();
    const out = this.scratch.alloc(8);
    this.check(this.wasi['fd_seek']!(fd, BigInt(offset), whence, out), 'seek');
    return Number(this.mem.u64(out));
  }

  private filestat(ptr: number): Stat {
    const m = this.mem;
    const ms = (at: number): number => Number(m.u64(at) / 1000n) / 1000;
    return {
      dev: Number(m.u64(ptr)), ino: Number(m.u64(ptr + 8)), type: FILE_TYPES[m.u8(ptr + 16)] ?? 'unknown',
      nlink: Number(m.u64(ptr + 24)), size: Number(m.u64(ptr + 32)),
      atimeMs: ms(ptr + 40), mtimeMs: ms(ptr + 48), ctimeMs: ms(ptr + 56),
    };
  }

  fstat(fd: number): Stat {
    this.scratch.reset();
    const out = this.scratch.alloc(64);
    this.check(this.wasi['fd_filestat_get']!(fd, out), 'fstat');
    return this.filestat(out);
  }

  /** Stat `path`, following a final symlink. */
  stat(path: string): Stat {
    return this.pathStat(path, true);
  }

  /** Stat `path` itself, even when it is a symlink. */
  lstat(path: string): Stat {
    return this.pathStat(path, false);
  }

  private pathStat(path: string, follow: boolean): Stat {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'stat');
    const [p, l] = this.scratch.string(rel);
    const out = this.scratch.alloc(64);
    this.check(this.wasi['path_filestat_get']!(dirfd, follow ? 1 : 0, p, l, out), 'stat', path);
    return this.filestat(out);
  }

  /** True if `path` names something (following symlinks). */
  exists(path: string): boolean {
    try {
      this.stat(path);
      return true;
    } catch (e) {
      if (e instanceof SysError) return false;
      throw e;
    }
  }

  /** The entries of a directory, without `.` and `..`, in the file system's order. */
  readdir(path: string): DirEntry[] {
    const fd = this.open(path, { read: true, directory: true });
    try {
      const entries: DirEntry[] = [];
      let cookie = 0n;
      for (;;) {
        this.scratch.reset();
        const size = 32 * 1024;
        const buf = this.scratch.alloc(size);
        const used = this.scratch.alloc(4);
        this.check(this.wasi['fd_readdir']!(fd, buf, size, cookie, used), 'readdir', path);
        const n = this.mem.u32(used);
        let off = 0, progressed = false;
        while (off + 24 <= n) {
          const namlen = this.mem.u32(buf + off + 16);
          if (off + 24 + namlen > n) break;
          cookie = this.mem.u64(buf + off);
          const name = decoder.decode(this.mem.bytes(buf + off + 24, namlen).slice());
          if (name !== '.' && name !== '..') entries.push({ name, type: FILE_TYPES[this.mem.u8(buf + off + 20)] ?? 'unknown' });
          off += 24 + namlen;
          progressed = true;
        }
        if (n < size || !progressed) break;
      }
      return entries;
    } finally {
      this.close(fd);
    }
  }

  private pathOp(fn: string, syscall: string, path: string, ...extra: number[]): void {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, syscall);
    const [p, l] = this.scratch.string(rel);
    this.check(this.wasi[fn]!(dirfd, p, l, ...extra), syscall, path);
  }

  mkdir(path: string): void {
    this.pathOp('path_create_directory', 'mkdir', path);
  }

  rmdir(path: string): void {
    this.pathOp('path_remove_directory', 'rmdir', path);
  }

  unlink(path: string): void {
    this.pathOp('path_unlink_file', 'unlink', path);
  }

  rename(from: string, to: string): void {
    this.scratch.reset();
    const [fd1, r1] = this.locate(from, 'rename');
    const [fd2, r2] = this.locate(to, 'rename');
    const [p1, l1] = this.scratch.string(r1);
    const [p2, l2] = this.scratch.string(r2);
    this.check(this.wasi['path_rename']!(fd1, p1, l1, fd2, p2, l2), 'rename', from);
  }

  /** A hard link `to` naming the file at `from`. */
  link(from: string, to: string): void {
    this.scratch.reset();
    const [fd1, r1] = this.locate(from, 'link');
    const [fd2, r2] = this.locate(to, 'link');
    const [p1, l1] = this.scratch.string(r1);
    const [p2, l2] = this.scratch.string(r2);
    this.check(this.wasi['path_link']!(fd1, 0, p1, l1, fd2, p2, l2), 'link', to);
  }

  /** A symbolic link at `path` whose contents are `target` (stored as given). */
  symlink(target: string, path: string): void {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'symlink');
    const [tp, tl] = this.scratch.string(target);
    const [p, l] = this.scratch.string(rel);
    this.check(this.wasi['path_symlink']!(tp, tl, dirfd, p, l), 'symlink', path);
  }

  readlink(path: string): string {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'readlink');
    const [p, l] = this.scratch.string(rel);
    const size = 4096;
    const buf = this.scratch.alloc(size);
    const used = this.scratch.alloc(4);
    this.check(this.wasi['path_readlink']!(dirfd, p, l, buf, size, used), 'readlink', path);
    return decoder.decode(this.mem.bytes(buf, this.mem.u32(used)).slice());
  }

  /** Set access and modification times (milliseconds since the epoch; null = now). */
  utimes(path: string, atimeMs: number | null, mtimeMs: number | null): void {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'utimes');
    const [p, l] = this.scratch.string(rel);
    // fstflags: ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8.
    const flags = (atimeMs === null ? 2 : 1) | (mtimeMs === null ? 8 : 4);
    const ns = (ms: number | null): bigint => BigInt(Math.round((ms ?? 0) * 1e6));
    this.check(this.wasi['path_filestat_set_times']!(dirfd, 1, p, l, ns(atimeMs), ns(mtimeMs), flags), 'utimes', path);
  }

  ftruncate(fd: number, size: number): void {
    this.check(this.wasi['fd_filestat_set_size']!(fd, BigInt(size)), 'truncate');
  }

  fsync(fd: number): void {
    this.check(this.wasi['fd_sync']!(fd), 'fsync');
  }

  /** The whole file at `path`. */
  readFile(path: string): Uint8Array {
    const fd = this.open(path, { read: true });
    try {
      return this.readAll(fd);
    } finally {
      this.close(fd);
    }
  }

  readText(path: string): string {
    return decodeText(decoder, this.readFile(path));
  }

  /** Replace (or with `append`, extend) the file at `path`, creating it. */
  writeFile(path: string, data: Uint8Array | string, options: { append?: boolean } = {}): void {
    const fd = this.open(path, { write: true, create: true, truncate: !options.append, append: options.append === true });
    try {
      this.write(fd, data);
    } finally {
      this.close(fd);
    }
  }

  /** True when `fd` is a terminal. */
  isatty(fd: number): boolean {
    this.scratch.reset();
    const out = this.scratch.alloc(24);
    if (this.wasi['fd_fdstat_get']!(fd, out) !== Errno.SUCCESS) return false;
    const e = this.ctx.fds.get(fd);
    if (e?.kind !== 'console') return false;
    const r = this.ctx.lk.console.call('isatty', { fd: e.fid });
    return r.transport === 0 && r.status === 0 && r.reply!.tty === 1;
  }

  /** The fd numbers open in this process. */
  openFds(): number[] {
    return this.ctx.fds.fds();
  }

  /** True when `fd` is a directory. */
  isDirectoryFd(fd: number): boolean {
    return this.ctx.fds.get(fd)?.filetype === FILETYPE_DIRECTORY;
  }

  /** A buffered writer on `fd`, flushed when full, at each newline on a terminal, and at exit. */
  writer(fd: number): Writer {
    const w = new Writer(this, fd, this.isatty(fd));
    this.writers.add(w);
    return w;
  }

  /** Flush every writer (done for the program when it returns or exits). */
  flushAll(): void {
    for (const w of this.writers) {
      try {
        w.flush();
      } catch {
        // A reader that went away (EPIPE) loses the rest of the output, as in Unix.
      }
    }
  }

  // ─── processes ──────────────────────────────────────────────────────────────

  /** Start the program at `path` (wasm, or a `#!keel` TypeScript program) as a child; its pid. */
  spawn(path: string, options: SpawnOptions = {}): number {
    this.scratch.reset();
    const [dirfd, rel] = this.locate(path, 'spawn');
    const [p, l] = this.scratch.string(rel);
    const args = options.args ?? [path];
    const env = options.env ?? this.environment();
    const argv = this.scratch.cStrings(args);
    const envp = this.scratch.cStrings(env);
    const pairs = options.fds ?? [];
    const map = this.scratch.alloc(pairs.length * 8);
    pairs.forEach(([c, f], i) => {
      this.mem.setU32(map + i * 8, c);
      this.mem.setU32(map + i * 8 + 4, f);
    });
    const out = this.scratch.alloc(4);
    const pgid = options.pgid ?? 0;
    const errno = pgid === 0
      ? this.keel['spawn']!(dirfd, p, l, argv, args.length, envp, env.length, map, pairs.length, out)
      : this.keel['spawn_pgid']!(dirfd, p, l, argv, args.length, envp, env.length, map, pairs.length, pgid, out);
    this.check(errno, 'spawn', path);
    return this.mem.u32(out);
  }

  /**
   * Wait for child `pid` (-1: any child): its pid, exit code (128 + signal if killed, 134 after a
   * trap) and how it ended, with the reason for a trap or crash.
   */
  wait(pid = -1): { pid: number; code: number; status: ExitStatus } {
    const w = this.waitUntraced(pid, false);
    if (w.status === null) throw new SysError(Errno.IO, 'wait');
    return { pid: w.pid, code: w.code, status: w.status };
  }

  /**
   * Like wait, but with `untraced` a child that stops also returns (once per stop): then
   * `status` is null, `stoppedBy` the signal and `code` 128 + it (as a shell reports it).
   */
  waitUntraced(pid = -1, untraced = true): { pid: number; code: number; status: ExitStatus | null; stoppedBy: number } {
    if (!this.proc) throw new SysError(Errno.NOSYS, 'wait');
    const r = this.proc.call('wait', { pid: pid < 0 ? 0 : pid, untraced: untraced ? 1 : 0 });
    if (r.transport !== 0) throw new SysError(Errno.IO, 'wait');
    this.check(r.status, 'wait');
    const w = r.reply!;
    if (w.kind === WAIT_STOPPED) return { pid: w.pid, code: 128 + w.code, status: null, stoppedBy: w.code };
    const status = exitStatusFromWire(w.kind, w.code, w.message);
    return { pid: w.pid, code: exitCodeOf(status), status, stoppedBy: 0 };
  }

  /**
   * Signal as kill(2) numbers it: `pid` > 0 that process, 0 this process's group, -1 every
   * process this one may signal, < -1 the group -pid. A process may signal what it started,
   * directly or not (orphans included), and itself; signal 0 only checks that it could.
   */
  kill(pid: number, signal = 15): void {
    this.check(this.keel['kill']!(pid, signal), 'kill');
  }

  /** A pipe: [read end, write end]. */
  pipe(): [number, number] {
    this.scratch.reset();
    const out = this.scratch.alloc(8);
    this.check(this.keel['pipe']!(out), 'pipe');
    return [this.mem.u32(out), this.mem.u32(out + 4)];
  }

  /** Make `to` name what `from` names. */
  dup2(from: number, to: number): void {
    this.check(this.keel['dup2']!(from, to), 'dup2');
  }

  getpid(): number {
    return this.keel['getpid']!();
  }

  getppid(): number {
    return this.keel['getppid']!();
  }

  /** The process table (every process proc started). */
  processes(): ProcessInfo[] {
    if (!this.proc) throw new SysError(Errno.NOSYS, 'processes');
    const r = this.proc.call('list', {});
    if (r.transport !== 0) throw new SysError(Errno.IO, 'processes');
    this.check(r.status, 'processes');
    return JSON.parse(r.reply!.table) as ProcessInfo[];
  }

  /** Every live process of the system — services too — with its IPC statistics (ps, top). */
  systemProcesses(): SystemProcess[] {
    const rows = this.ctx.lk.processTable();
    if (typeof rows === 'number') throw new SysError(rows, 'processes');
    return rows;
  }

  /** The kernel's message log (dmesg) from sequence number `from` on, and the number to ask from next. */
  kernelMessages(from = 0): { lines: string[]; next: number } {
    const r = this.ctx.lk.kernel.call('messages', { from });
    if (r.transport !== 0) throw new SysError(Errno.IO, 'messages');
    this.check(r.status, 'messages');
    return { lines: JSON.parse(r.reply!.lines) as string[], next: r.reply!.next };
  }

  /** The file systems mounted in the namespace, with their space (mount, df). */
  mounts(): MountInfo[] {
    const r = this.ctx.lk.vfs.call('mounts', {});
    if (r.transport !== 0) throw new SysError(Errno.IO, 'mounts');
    this.check(r.status, 'mounts');
    return JSON.parse(r.reply!.table) as MountInfo[];
  }

  /** sync(2): every mounted file system makes its changes durable (diskfs commits its journal). */
  syncAll(): void {
    const r = this.ctx.lk.vfs.call('syncAll', {});
    if (r.transport !== 0) throw new SysError(Errno.IO, 'sync');
    this.check(r.status, 'sync');
  }

  /**
   * The package registry (registry-session.ts), for the program granted it (pkg); EACCES for
   * every other program.
   */
  registry(): RegistrySession {
    if (!this.grants.registry) throw new SysError(Errno.ACCES, 'registry', 'the package registry');
    return new RegistrySession(this.grants.registry);
  }

  /** End the process now with `code` (writers are flushed). */
  exit(code: number): never {
    this.flushAll();
    throw new ProcExit(code >>> 0);
  }

  /** The environment as NAME=value strings. */
  environment(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  // ─── time ───────────────────────────────────────────────────────────────────

  /** Block for `ms` milliseconds. */
  sleep(ms: number): void {
    if (ms > 0) this.ctx.sleep(ms * 1e6);
  }

  /** Monotonic milliseconds. */
  now(): number {
    return this.ctx.now() / 1e6;
  }

  /** Wall-clock milliseconds since the epoch. */
  time(): number {
    return Number(this.ctx.realtime() / 1000n) / 1000;
  }

  // ─── terminal ───────────────────────────────────────────────────────────────

  /** Make process group `pgid` the terminal's foreground (0: nobody; ^C then reaches no job). */
  setForeground(pgid: number): void {
    const r = this.ctx.lk.console.call('setForeground', { pgid });
    if (r.transport !== 0) throw new SysError(Errno.IO, 'tcsetpgrp');
    this.check(r.status, 'tcsetpgrp');
  }

  /** Raw mode: bytes reach the reader as typed, with no echo, editing or ^C handling. */
  setRaw(raw: boolean): void {
    const r = this.ctx.lk.console.call('setMode', { raw: raw ? 1 : 0 });
    if (r.transport !== 0) throw new SysError(Errno.IO, 'tcsetattr');
    this.check(r.status, 'tcsetattr');
  }

  /** Terminal size (80×24 when not a terminal). */
  terminalSize(): { columns: number; rows: number } {
    const r = this.ctx.lk.console.call('size', {});
    if (r.transport !== 0 || r.status !== 0) return { columns: 80, rows: 24 };
    return { columns: r.reply!.columns || 80, rows: r.reply!.rows || 24 };
  }
}

/** Buffered output to one fd (see Sys.writer). */
export class Writer {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sys: Sys, readonly fd: number, private readonly lineBuffered: boolean) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 32 * 1024 || (this.lineBuffered && s.includes('\n'))) this.flush();
  }

  line(s: string): void {
    this.write(`${s}\n`);
  }

  flush(): void {
    if (this.size === 0 && this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (text.length > 0) this.sys.write(this.fd, text);
  }
}

