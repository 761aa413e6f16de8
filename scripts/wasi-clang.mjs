// The C-to-WebAssembly toolchain of the build: clang and wasm-ld from the npm package
// @yowasp/clang (an unmodified WASI preview1 build of LLVM, one multicall module whose argv[0]
// picks the tool), run under Node's node:wasi, so building the C programs needs no compiler on the
// host. Build tooling, not part of Keel.
//
//   const cc = await WasiClang.open();            // unpacks the sysroot once, compiles the module once
//   const r = await cc.clang(['-c', '-o', '/src/x.o', '/src/x.c'], { '/src': hostDir });
//   r.status, r.output                            // exit status; everything the tools printed
//   await cc.close();                             // ends every worker
//
// How a `clang` call runs. A WASI program cannot start another, so the driver cannot run the
// compiler (cc1) and the linker as it would on Linux: as the package's own runner does, `clang -###`
// prints the commands it would run, and each is then run as its own instance of the same module.
// Each instance sees only its preopened directories: the caller's mounts (guest path → host
// directory; every path in the arguments is a guest path) and `/usr`, the package's resources
// (clang's headers, wasi-libc's sysroot, the runtime libraries) unpacked once into
// node_modules/.cache/keel-clang/VERSION/. The 75 MB module is compiled once per process (V8
// compiles its functions lazily and tiers the hot ones up, so later calls run faster than the
// first) and handed to a pool of worker threads, one instance at a time per worker; calls may be
// made concurrently and queue for a free worker.
//
// Invariants: an instance never sees a host path that is not mounted; `close()` ends every worker,
// also after a failed call; the same inputs give the same output bytes (nothing the tools write
// depends on the time or on temporary names; wasm-ld does record the output's own file name).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

// node:wasi's "fast API" calls may start a garbage collection inside the call, which crashes the
// process (nodejs/node#46777, still open): a long build hits it within a minute. Every call takes
// the ordinary path instead; the flag is process-wide, so it is set before any module is made.
setFlagsFromString('--no-turbo-fast-api-calls');

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(repo, 'node_modules', '@yowasp', 'clang');

/** The package's version, or an error telling how to get it. */
function packageVersion() {
  const manifest = join(packageDir, 'package.json');
  if (!existsSync(manifest)) throw new Error(`${packageDir} is missing: run npm install`);
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

/** Names the toolchain (for build stamps): a new version rebuilds everything. */
export function toolchainId() {
  return `@yowasp/clang@${packageVersion()}`;
}

/**
 * The package's resources tar unpacked (by the system's tar) into the cache; returns the directory
 * mounted as the instances' /usr. A directory is renamed into place only when complete, so an
 * interrupted or concurrent unpack leaves no half-filled cache.
 */
export function resourcesDir() {
  const cache = join(repo, 'node_modules', '.cache', 'keel-clang', packageVersion());
  const usr = join(cache, 'usr');
  if (existsSync(usr)) return usr;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, '.unpack-'));
  try {
    execFileSync('tar', ['-xf', join(packageDir, 'gen', 'llvm-resources.tar'), '-C', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(tmp, usr);
    } catch (err) {
      if (!existsSync(usr)) throw err;   // else another build won the race
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return usr;
}

/** Splits one command line printed by `clang -###` (words, or double-quoted with \" \\ \$ escapes). */
function unquoteCommand(line) {
  const words = Array.from(line.matchAll(/ (?:([^ "]+)|"((?:[^"\\$]|\\["\\$])*)")/g),
    (m) => (m[1] !== undefined ? m[1] : m[2].replaceAll(/\\(["$\\])/g, '$1')));
  return words[0] === '' ? words.slice(1) : words;    // argv[0] is empty: the module has no path
}

/** The commands in `clang -###` output, and the lines that were diagnostics for the user. */
export function parseCommands(output) {
  const commands = [];
  const diagnostics = [];
  for (const line of output.split('\n')) {
    if (line.startsWith(' "')) commands.push(unquoteCommand(line));
    else if (/^(clang|Target|Thread model|InstalledDir|Build config)[: ]/.test(line) && !line.startsWith('clang: ')) continue;
    else if (line !== '' && line !== ' (in-process)') diagnostics.push(line);
  }
  return { commands, diagnostics };
}

export class WasiClang {
  #usr;
  #workers = [];
  #idle = [];
  #queue = [];
  #pending = new Map();
  #nextJob = 1;
  #closed = false;
  #scratch;

  constructor(usr, module, jobs) {
    this.#usr = usr;
    this.#scratch = mkdtempSync(join(tmpdir(), 'keel-clang-'));
    for (let i = 0; i < jobs; i++) {
      const capturePath = join(this.#scratch, `output-${i}`);
      const worker = new Worker(new URL('./wasi-clang-worker.mjs', import.meta.url), { workerData: { module, capturePath } });
      worker.on('message', (reply) => this.#finish(worker, reply));
      worker.on('error', (err) => this.#fail(err));
      worker.on('exit', (code) => { if (!this.#closed) this.#fail(new Error(`wasi-clang worker exited with ${code}`)); });
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Unpacks the resources if needed, compiles the module and starts `jobs` workers. */
  static async open({ jobs = Math.max(1, availableParallelism()) } = {}) {
    const usr = resourcesDir();
    const module = await WebAssembly.compile(readFileSync(join(packageDir, 'gen', 'llvm.core.wasm')));
    return new WasiClang(usr, module, jobs);
  }

  /**
   * Runs one tool of the multicall module (argv[0]: clang, wasm-ld, ar, ...) with `mounts`
   * preopened and /usr the resources; resolves to its status and what it printed.
   */
  run(argv, mounts = {}) {
    if (this.#closed) return Promise.reject(new Error('WasiClang is closed'));
    const preopens = { ...mounts, '/usr': this.#usr };
    return new Promise((resolve, reject) => {
      const id = this.#nextJob++;
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ id, argv, preopens });
      this.#dispatch();
    });
  }

  /** `clang ARGS` as on a host: the driver's commands, then each of them, stopping at a failure. */
  async clang(args, mounts = {}, driver = 'clang') {
    if (args.some((a) => a === '-###' || a === '--version' || a === '--help')) return this.run([driver, ...args], mounts);
    const plan = await this.run([driver, '-###', ...args], mounts);
    const { commands, diagnostics } = parseCommands(plan.output);
    if (plan.status !== 0 || commands.length === 0) return { status: plan.status || 1, output: diagnostics.join('\n') + (diagnostics.length ? '\n' : '') };
    let output = diagnostics.map((l) => l + '\n').join('');
    for (const command of commands) {
      const r = await this.run(command, mounts);
      output += r.output;
      if (r.status !== 0) return { status: r.status, output };
    }
    return { status: 0, output };
  }

  /** Ends every worker; pending calls are rejected. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
    rmSync(this.#scratch, { recursive: true, force: true });
    for (const { reject } of this.#pending.values()) reject(new Error('WasiClang closed'));
    this.#pending.clear();
  }

  #dispatch() {
    while (this.#idle.length > 0 && this.#queue.length > 0) this.#idle.pop().postMessage(this.#queue.shift());
  }

  #finish(worker, { id, status, output, error }) {
    const job = this.#pending.get(id);
    this.#pending.delete(id);
    this.#idle.push(worker);
    if (job) {
      if (error !== undefined) job.reject(new Error(error));
      else job.resolve({ status, output });
    }
    this.#dispatch();
  }

  #fail(err) {
    for (const { reject } of this.#pending.values()) reject(err);
    this.#pending.clear();
    void this.close();
  }
}

// As a command: `node scripts/wasi-clang.mjs [clang|wasm-ld|ar|...] ARGS`, like the host tool with
// the current directory as the root the tool sees (paths are relative to it, or absolute from it).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tool = 'clang', ...args] = process.argv.slice(2);
  const scratch = mkdtempSync(join(tmpdir(), 'keel-clang-tmp-'));
  const cc = await WasiClang.open({ jobs: 1 });
  try {
    const mounts = { '/': process.cwd(), '/tmp': scratch };
    const r = tool === 'clang' || tool === 'clang++' ? await cc.clang(args, mounts, tool) : await cc.run([tool, ...args], mounts);
    process.stderr.write(r.output);
    process.exitCode = r.status;
  } finally {
    await cc.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
