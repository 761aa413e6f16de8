#!/usr/bin/env node
// Builds the project's C programs into WASI preview1 command modules, with no compiler on the host:
//
//   node scripts/build-c.mjs [programs] [sqlite]      (no argument: both)
//
//   programs  programs/c/*.c, conformance/*.c, redteam/*.c → programs/c/build/[SUBFOLDER/]NAME.wasm
//   sqlite    SQLite's amalgamation + programs/c/sqlite/sqlite_bench.c → programs/c/build/sqlite_bench.wasm
//             (the amalgamation is fetched from the npm registry, as the `better-sqlite3` package's
//             tarball, into programs/c/sqlite/vendor/ the first time; neither is committed)
//
// The compiler is clang from the npm package @yowasp/clang run under node:wasi
// (scripts/wasi-clang.mjs): one compiled module per build, a worker per core. It sees programs/c
// as /src and nothing else of the host, so the outputs do not depend on where the checkout is.
// KEEL_WASI_CC=/path/to/clang uses a native clang instead (any that knows --target=wasm32-wasi;
// WASI_SYSROOT=DIR passes --sysroot, e.g. a wasi-sdk sysroot); KEEL_WASI_CFLAGS="..." appends
// flags to every command.
//
// An output is rebuilt only when the key of what makes it changed: the toolchain, the command line
// and the contents of every input (the source and the headers it includes from programs/c). Keys
// are kept in programs/c/build/.keys.json. Every output is written under a temporary name and
// renamed into place, so an interrupted build leaves no half-written file. Prints one line per
// output built, or one line saying all were up to date; exits 1 at the first failure, after
// printing the compiler's messages and the command.
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WasiClang, toolchainId } from './wasi-clang.mjs';

const scriptPath = fileURLToPath(import.meta.url);
const repo = resolve(dirname(scriptPath), '..');
const cDir = join(repo, 'programs', 'c');
const buildDir = join(cDir, 'build');
const vendorDir = join(cDir, 'sqlite', 'vendor');
const keysPath = join(buildDir, '.keys.json');
const sqlitePackage = 'better-sqlite3@13.2.0';   // the npm package whose tarball carries the amalgamation
const shown = (p) => relative(process.cwd(), p) || '.';
// Part of every output's key: raise it when a change to this script changes outputs in a way the
// command line does not show, so everything is rebuilt once.
const keyVersion = 1;

// ---- what to build -----------------------------------------------------------------------------

const warnings = ['-Wall', '-Wextra'];
// --strip-debug drops DWARF a libc may carry but keeps the "name" section, so a trap's backtrace
// still shows function names.
const linkFlags = ['-Wl,--strip-debug'];

// SQLite compile-time options for WASI preview1 + wasi-libc. SQLite's own `#if defined(__wasi__)`
// block stubs getpid/fchmod/fchown/mmap/shm; these make the rest explicit and the build deterministic.
const sqliteDefines = [
  '-DSQLITE_THREADSAFE=0',              // no threads in wasm32-wasip1: drop all mutex code
  '-DSQLITE_OMIT_LOAD_EXTENSION',       // no dlopen() in WASI
  '-DSQLITE_OMIT_WAL',                  // WAL needs shared memory (mmap of a -shm file); the benchmark uses a rollback journal
  '-DSQLITE_MAX_MMAP_SIZE=0',           // no mmap in WASI: all page I/O through read/write
  '-DSQLITE_DEFAULT_UNIX_VFS="unix-dotfile"',   // no fcntl() locks: lock by mkdir/rmdir of DB.lock (SQLite's default under __wasi__)
  '-DSQLITE_TEMP_STORE=3',              // temp tables, sorter spills, VACUUM's scratch in memory: a program usually has no /tmp
  '-DSQLITE_OMIT_RANDOMNESS',           // zero PRNG seed instead of /dev/urandom or time(): even the database file is reproducible
  '-DSQLITE_DEFAULT_MEMSTATUS=0',       // SQLite's recommended options: less overhead, stricter SQL
  '-DSQLITE_DQS=0',
  '-DSQLITE_OMIT_DEPRECATED',
  '-DSQLITE_OMIT_SHARED_CACHE',
  '-DSQLITE_LIKE_DOESNT_MATCH_BLOBS',
];

/** programs/c/X.c → build/X.wasm; conformance/ and redteam/ keep their folder. */
function programTargets() {
  const folders = [['', join(cDir, 'include', 'keel.h')], ['conformance', join(cDir, 'conformance', 'check.h')], ['redteam', join(cDir, 'redteam', 'redteam.h')]];
  const targets = [];
  for (const [folder, header] of folders) {
    const dir = join(cDir, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.c')).sort()) {
      const source = join(dir, file);
      const out = join(buildDir, folder, file.replace(/\.c$/, '.wasm'));
      targets.push({
        out,
        inputs: [source, join(cDir, 'include', 'keel.h'), header],
        command: (p) => [...warnings, ...linkFlags, '-I', p(join(cDir, 'include')), '-o', p(temporary(out)), p(source)],
      });
    }
  }
  return targets;
}

/** sqlite3.o (the slow part), then the driver linked against it. */
function sqliteTargets() {
  const sqliteC = join(vendorDir, 'sqlite3.c');
  const sqliteO = join(vendorDir, 'sqlite3.o');
  const driver = join(cDir, 'sqlite', 'sqlite_bench.c');
  const out = join(buildDir, 'sqlite_bench.wasm');
  const version = () => /#define SQLITE_VERSION\s+"([^"]+)"/.exec(readFileSync(join(vendorDir, 'sqlite3.h'), 'utf8'))?.[1] ?? '?';
  return [
    { out: sqliteO, inputs: [sqliteC], command: (p) => [...sqliteDefines, '-c', '-o', p(temporary(sqliteO)), p(sqliteC)] },
    {
      out, inputs: [driver, join(vendorDir, 'sqlite3.h'), sqliteO], after: sqliteO, note: () => `, SQLite ${version()}`,
      command: (p) => [...warnings, ...linkFlags, '-I', p(vendorDir), '-o', p(temporary(out)), p(driver), p(sqliteO)],
    },
  ];
}

// An output is written as DIR/.building-PID/NAME and renamed to DIR/NAME: the linker records the
// output's file name in the module (the "name" section), so the name must be the final one.
const temporary = (out) => join(dirname(out), `.building-${process.pid}`, basename(out));

/** Fetches the amalgamation with `npm pack` (npm checks the tarball's integrity) if it is missing. */
function fetchSqlite() {
  if (existsSync(join(vendorDir, 'sqlite3.c')) && existsSync(join(vendorDir, 'sqlite3.h'))) return;
  mkdirSync(vendorDir, { recursive: true });
  const tmp = mkdtempSync(join(vendorDir, '.fetch.'));
  try {
    // From the empty directory, so no project's package.json is involved.
    execFileSync('npm', ['pack', sqlitePackage, '--pack-destination', tmp, '--loglevel=error'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${sqlitePackage} gave no tarball`);
    execFileSync('tar', ['-xzmf', join(tmp, tarball), '-C', tmp, 'package/deps/sqlite3/sqlite3.c', 'package/deps/sqlite3/sqlite3.h']);
    renameSync(join(tmp, 'package/deps/sqlite3/sqlite3.h'), join(vendorDir, 'sqlite3.h'));
    renameSync(join(tmp, 'package/deps/sqlite3/sqlite3.c'), join(vendorDir, 'sqlite3.c'));   // last: its presence means complete
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- toolchains ----------------------------------------------------------------------------------

/** clang from @yowasp/clang under node:wasi; programs/c is /src, a scratch directory /tmp. */
async function wasmToolchain() {
  let opening = null;   // the pool, opened by the first compile; later ones wait for the same
  let scratch = null;
  const guest = (host) => {
    const rel = relative(cDir, host);
    if (rel.startsWith('..')) throw new Error(`${host} is outside programs/c`);
    return rel === '' ? '/src' : `/src/${rel}`;
  };
  return {
    id: toolchainId(),
    flags: ['--target=wasm32-wasip1', '-O2'],
    path: guest,
    async compile(args) {
      if (!opening) {
        scratch = mkdtempSync(join(tmpdir(), 'keel-build-c-'));
        opening = WasiClang.open();
      }
      return (await opening).clang(args, { '/src': cDir, '/tmp': scratch });
    },
    async close() {
      if (opening) await (await opening).close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** A native clang named by KEEL_WASI_CC, given host paths; as many at once as there are cores. */
function nativeToolchain(cc) {
  let version;
  try {
    version = execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    throw new Error(`KEEL_WASI_CC=${cc}: cannot run it (unset KEEL_WASI_CC to use the toolchain from npm)`);
  }
  const sysroot = process.env['WASI_SYSROOT'] ? [`--sysroot=${process.env['WASI_SYSROOT']}`] : [];
  let running = 0;
  const waiting = [];
  return {
    id: `${cc} ${version}`,
    flags: ['--target=wasm32-wasi', '-O2', ...sysroot],
    path: (host) => host,
    async compile(args) {
      while (running >= availableParallelism()) await new Promise((r) => waiting.push(r));
      running++;
      try {
        return await new Promise((done) => {
          const child = spawn(cc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          child.stdout.on('data', (d) => { output += d; });
          child.stderr.on('data', (d) => { output += d; });
          child.on('error', (err) => done({ status: 127, output: `${err.message}\n` }));
          child.on('close', (status) => done({ status: status ?? 1, output }));
        });
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    async close() {},
  };
}

// ---- the build -----------------------------------------------------------------------------------

function readKeys() {
  try {
    return JSON.parse(readFileSync(keysPath, 'utf8'));
  } catch {
    return {};
  }
}

function writeKeys(keys) {
  mkdirSync(buildDir, { recursive: true });
  const tmp = `${keysPath}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(keys, null, 1) + '\n');
  renameSync(tmp, keysPath);
}

function keyOf(toolchain, target, args) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([keyVersion, toolchain.id, args.map((a) => a.replaceAll(`.building-${process.pid}`, '.building'))]));
  for (const file of target.inputs) hash.update(relative(repo, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

async function main() {
  const what = process.argv.slice(2);
  for (const w of what) if (w !== 'programs' && w !== 'sqlite') throw new Error(`usage: node scripts/build-c.mjs [programs] [sqlite] (not ${w})`);
  const want = (w) => what.length === 0 || what.includes(w);
  if (want('sqlite')) fetchSqlite();
  // sqlite3.o first: it is by far the longest compile, so it starts while the small programs build.
  const targets = [...(want('sqlite') ? sqliteTargets() : []), ...(want('programs') ? programTargets() : [])];

  const cc = process.env['KEEL_WASI_CC'];
  const toolchain = cc ? nativeToolchain(cc) : await wasmToolchain();
  const extra = (process.env['KEEL_WASI_CFLAGS'] ?? '').split(/\s+/).filter(Boolean);
  const keys = readKeys();
  const built = new Map();   // out → promise of its build, for targets that need another's output
  let stale = 0;
  let failed = false;
  const started = Date.now();

  async function build(target) {
    if (target.after) await built.get(target.after);
    if (failed) return;
    const args = [...toolchain.flags, ...target.command(toolchain.path), ...extra];
    const key = keyOf(toolchain, target, args);
    const rel = relative(repo, target.out);
    if (keys[rel] === key && existsSync(target.out)) return;
    stale++;
    const tmp = temporary(target.out);
    mkdirSync(dirname(tmp), { recursive: true });
    const r = await toolchain.compile(args);
    if (r.status !== 0 || !existsSync(tmp)) {
      if (!failed) {
        failed = true;
        process.stderr.write(r.output);
        const where = cc ? cc : `clang (from npm; /src is ${shown(cDir)})`;
        console.error(`build-c: error: failed to build ${shown(target.out)}\n  command: ${where} ${args.join(' ')}`);
      }
      return;
    }
    process.stderr.write(r.output);
    renameSync(tmp, target.out);
    keys[rel] = key;
    writeKeys(keys);
    if (target.out.endsWith('.wasm')) console.log(`built ${shown(target.out)} (${statSync(target.out).size} bytes${target.note?.() ?? ''})`);
  }

  try {
    for (const t of targets) built.set(t.out, build(t));
    await Promise.all(built.values());
  } finally {
    await toolchain.close();
    for (const dir of new Set(targets.map((t) => dirname(temporary(t.out))))) rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
  const wasm = targets.filter((t) => t.out.endsWith('.wasm')).length;
  if (stale === 0) console.log(`build-c: all ${wasm} programs up to date in ${shown(buildDir)}`);
  else console.log(`build-c: ${stale} of ${targets.length} outputs built in ${((Date.now() - started) / 1000).toFixed(1)} s (${toolchain.id})`);
}

main().catch((err) => {
  console.error(`build-c: error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
