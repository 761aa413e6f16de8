'use strict';
// Copied by scripts/bundle.mjs into dist/bundle/: loads one CommonJS bundle the way require()
// would, but with a V8 code cache kept beside it (BUNDLE.v8cache). Compiling a bundle of half a
// megabyte is a good part of starting the `keel` command and of every worker Keel starts; with
// the cache, V8 takes the bytecode it made the first time instead (docs/decisions/011).
//
// The cache is made once the thread has done its first piece of work, not right after the bundle
// loaded: V8 compiles a function when it first runs, and a cache taken after the run holds every
// function the run compiled — booting, spawning, the process runtime — so the next start
// deserializes them instead of compiling them again. The code that knows when that work is done
// asks for it (writeCodeCaches, under a global symbol: the bundles are loaded through this file,
// which they do not import); a thread that never asks writes its caches when it exits.
//
// Invariants: the cache is only ever an optimisation. V8 checks it against the source and its own
// version and flags and rejects a mismatch (then the bundle compiles as usual and the cache is
// rewritten); a cache that cannot be read or written (a read-only install) changes nothing. It is
// written to a temporary file and renamed, so concurrent starts never see half of one.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** Bundles this thread loaded without a usable cache, whose cache is still to be written. */
const unwritten = [];

function writeCodeCaches() {
  for (const { script, cacheFile } of unwritten.splice(0)) {
    try {
      const tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only install: start without a cache.
    }
  }
}

const WRITE = Symbol.for('keel.writeCodeCaches');
if (globalThis[WRITE] === undefined) {
  globalThis[WRITE] = writeCodeCaches;
  process.once('exit', writeCodeCaches);
}

module.exports = function loadCached(file, parent) {
  const cacheFile = `${file}.v8cache`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) unwritten.push({ script, cacheFile });
  const m = new Module(file, parent);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  const require = (id) => m.require(id);
  require.resolve = (id, options) => Module._resolveFilename(id, m, false, options);
  require.cache = Module._cache;
  require.main = process.mainModule;
  script.runInThisContext().call(m.exports, m.exports, require, m, file, path.dirname(file));
  m.loaded = true;
  return m.exports;
};
