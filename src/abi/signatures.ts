/**
 * The core wasm signatures of every function Keel provides to programs: the ABI a module is
 * linked against, declared once. The WASI shim (runtime/wasi/) and the keel import module
 * (runtime/keel/) implement them; the link check (runtime/link-check.ts) refuses a module that
 * imports one with another signature, as wasmtime does at link time.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncSig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const i32 = 'i32', i64 = 'i64';
/** A preview1 function returning an errno (all but proc_exit), taking `params`. */
const errnoFn = (...params: ValType[]): FuncSig => ({ params, results: [i32] });

/**
 * Every preview1 function (all 46) with its core wasm signature: the witx
 * (wasi_snapshot_preview1.witx) lowered by its rules — handles, u8-u32 values, enums, flags up to
 * 32 bits and pointers are i32; u64/s64 values (filesize, timestamp, rights, dircookie, userdata,
 * …) are i64; a string or list is a pointer and a length; each result but the errno is one more
 * pointer parameter. A module importing one of them with another signature is refused at load
 * (runtime/link-check.ts), as wasmtime refuses it at link time.
 */
export const WASI_PREVIEW1_SIGNATURES = {
  args_get: errnoFn(i32, i32),
  args_sizes_get: errnoFn(i32, i32),
  environ_get: errnoFn(i32, i32),
  environ_sizes_get: errnoFn(i32, i32),
  clock_res_get: errnoFn(i32, i32),
  clock_time_get: errnoFn(i32, i64, i32),
  fd_advise: errnoFn(i32, i64, i64, i32),
  fd_allocate: errnoFn(i32, i64, i64),
  fd_close: errnoFn(i32),
  fd_datasync: errnoFn(i32),
  fd_fdstat_get: errnoFn(i32, i32),
  fd_fdstat_set_flags: errnoFn(i32, i32),
  fd_fdstat_set_rights: errnoFn(i32, i64, i64),
  fd_filestat_get: errnoFn(i32, i32),
  fd_filestat_set_size: errnoFn(i32, i64),
  fd_filestat_set_times: errnoFn(i32, i64, i64, i32),
  fd_pread: errnoFn(i32, i32, i32, i64, i32),
  fd_prestat_get: errnoFn(i32, i32),
  fd_prestat_dir_name: errnoFn(i32, i32, i32),
  fd_pwrite: errnoFn(i32, i32, i32, i64, i32),
  fd_read: errnoFn(i32, i32, i32, i32),
  fd_readdir: errnoFn(i32, i32, i32, i64, i32),
  fd_renumber: errnoFn(i32, i32),
  fd_seek: errnoFn(i32, i64, i32, i32),
  fd_sync: errnoFn(i32),
  fd_tell: errnoFn(i32, i32),
  fd_write: errnoFn(i32, i32, i32, i32),
  path_create_directory: errnoFn(i32, i32, i32),
  path_filestat_get: errnoFn(i32, i32, i32, i32, i32),
  path_filestat_set_times: errnoFn(i32, i32, i32, i32, i64, i64, i32),
  path_link: errnoFn(i32, i32, i32, i32, i32, i32, i32),
  path_open: errnoFn(i32, i32, i32, i32, i32, i64, i64, i32, i32),
  path_readlink: errnoFn(i32, i32, i32, i32, i32, i32),
  path_remove_directory: errnoFn(i32, i32, i32),
  path_rename: errnoFn(i32, i32, i32, i32, i32, i32),
  path_symlink: errnoFn(i32, i32, i32, i32, i32),
  path_unlink_file: errnoFn(i32, i32, i32),
  poll_oneoff: errnoFn(i32, i32, i32, i32),
  proc_exit: { params: [i32], results: [] },
  proc_raise: errnoFn(i32),
  sched_yield: errnoFn(),
  random_get: errnoFn(i32, i32),
  sock_accept: errnoFn(i32, i32, i32),
  sock_recv: errnoFn(i32, i32, i32, i32, i32, i32),
  sock_send: errnoFn(i32, i32, i32, i32, i32),
  sock_shutdown: errnoFn(i32, i32),
} as const satisfies Readonly<Record<string, FuncSig>>;

/** The preview1 function names, so a missing one is caught when the shim is made. */
export const WASI_PREVIEW1_FUNCTIONS = Object.keys(WASI_PREVIEW1_SIGNATURES) as ReadonlyArray<keyof typeof WASI_PREVIEW1_SIGNATURES>;

/**
 * Every `keel` import with its core wasm signature: all i32 (pointers, counts, fds, pids) and one
 * i32 result (the errno; getpid and getppid the pid). A module importing one with another
 * signature is refused at load (runtime/link-check.ts).
 */
export const KEEL_SIGNATURES = {
  spawn: i32Fn(10),
  spawn_pgid: i32Fn(11),
  wait: i32Fn(3),
  kill: i32Fn(2),
  pipe: i32Fn(1),
  dup2: i32Fn(2),
  getpid: i32Fn(0),
  getppid: i32Fn(0),
} as const satisfies Readonly<Record<string, FuncSig>>;

/** `params` i32 parameters, one i32 result. */
function i32Fn(params: number): FuncSig {
  return { params: new Array<'i32'>(params).fill('i32'), results: ['i32'] };
}
