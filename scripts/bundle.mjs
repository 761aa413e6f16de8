#!/usr/bin/env node
// Part of `npm run build`: bundle the entry points a user starts — the `keel` command, the
// library (`keel`), the node:wasi drop-in (`keel/wasi`), the two worker entries (every Keel
// thread; the drop-in's kernel worker) and the early workers (a few lines run before the rest is
// loaded: bin/keel.js's, src/platform/node/early-worker.ts, and the drop-in loader's,
// early-wasi-kernel.ts; no code cache needed) — from the compiled tree (dist/src) into dist/bundle/,
// with esbuild. Why (measured: docs/decisions/011-start-up.md): a bundle loads as one file
// instead of two hundred modules, and as CommonJS it spares each thread Node's ESM loader, which
// is a large part of a worker's start. Parts a thread may not need (a program's runtime, the
// services, each utility) stay behind lazy imports and are evaluated only when used.
// The packages Keel depends on (yaml, zod, …) stay external: node_modules serves them; commander
// is bundled in (INLINED).
// `import.meta.url` is the bundle's own file URL, so relative URLs (the worker entry, the package
// root) resolve from dist/bundle/; KEEL_BUNDLE_DIR (the bundle's directory) tells the host to start
// the .cjs worker entries there.
// The library and drop-in entries get an ESM face (index.js, wasi.js) re-exporting the bundle.
// Each bundle is loaded with a V8 code cache (load-cached.cjs): compiled once, not at every start.
import { build } from 'esbuild';
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
// Packages bundled in (and so under the bundle's code cache) rather than required from
// node_modules at run time: commander parses every `keel` command line, and required cold it is
// a tenth of the command's start (11 ms of ~110 ms measured, decision 011).
const INLINED = new Set(['commander']);

/** Every package is external (node_modules serves it) but those in `inlined`. */
function dependenciesExternalBut(inlined) {
  return {
    name: 'dependencies-external-but',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return inlined.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}
/**
 * commander requires node:child_process at load, for subcommands run as separate executables,
 * which Keel's CLI has none of; it gets the module when it first uses it instead (~2 ms of every
 * `keel` command).
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};
/**
 * Keel's TypeScript programs are a bundle of their own (programs.cjs), loaded by the registry's
 * dynamic import of program-modules.js the first time a thread runs one: a wasm program's worker
 * never reads them (a quarter of a megabyte). Every other bundle leaves that import to it.
 */
const programsApart = {
  name: 'programs-apart',
  setup(b) {
    // A module of its own that requires the bundle: a dynamic import of an external would stay an
    // import() (Node's ESM loader, on a CommonJS file).
    b.onResolve({ filter: /\/program-modules\.js$/ }, () => ({ path: 'program-modules', namespace: 'programs-apart' }));
    b.onLoad({ filter: /.*/, namespace: 'programs-apart' }, () => ({ contents: "module.exports = require('./programs.cjs');", loader: 'js' }));
    b.onResolve({ filter: /^\.\/programs\.cjs$/ }, () => ({ path: './programs.cjs', external: true }));
  },
};
/**
 * The programs bundle takes the modules the process runtime shares with it
 * (src/programs/shared-with-programs.ts: sys/sys.js, sys/registry-session.js) from the thread's
 * global table instead of bundling copies, so an error the runtime throws is an instance of the
 * class the programs test for.
 */
const SHARED = ['sys/sys.js', 'sys/registry-session.js'];
const sharedFromRuntime = {
  name: 'shared-from-runtime',
  setup(b) {
    const src = join(repo, 'dist/src/');
    b.onResolve({ filter: /\.js$/ }, (args) => {
      const key = join(args.resolveDir, args.path).slice(src.length);
      return SHARED.includes(key) ? { path: key, namespace: 'shared-from-runtime' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'shared-from-runtime' }, (args) => ({
      contents: `const shared = globalThis[Symbol.for('keel.sharedWithPrograms')];
if (!shared) throw new Error('the programs bundle was loaded before the runtime shared its modules');
module.exports = shared[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};
const node = join(repo, 'dist/src/platform/node');
const outdir = join(repo, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });
const common = {
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The bundle's own URL, made when first asked for: node:url costs a worker ~3 ms to load, and
  // most threads never ask.
  define: { 'import.meta.url': '__keelBundle.url', KEEL_BUNDLE_DIR: '__dirname' },
  banner: { js: "const __keelBundle = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  minify: process.env.KEEL_NO_MINIFY !== '1',
  keepNames: true,
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { programs: join(repo, 'dist/src/programs/program-modules.js') },
  plugins: [sharedFromRuntime, dependenciesExternalBut(INLINED)],
});
await build({
  entryPoints: {
    keel: join(node, 'cli-main.js'),
    index: join(node, 'index.js'),
    wasi: join(node, 'wasi.js'),
    'program-entry': join(node, 'program-entry.js'),
    'service-entry': join(node, 'service-entry.js'),
    'wasi-kernel': join(node, 'wasi-kernel.js'),
    'early-worker': join(node, 'early-worker.js'),
    'early-wasi-kernel': join(node, 'early-wasi-kernel.js'),
  },
  ...common,
  plugins: [programsApart, lazyChildProcess, dependenciesExternalBut(INLINED)],
});
// Each bundle becomes NAME.body.cjs, loaded by a two-line NAME.cjs through load-cached.cjs, which
// keeps V8's compiled code for it beside it (NAME.body.cjs.v8cache, made by the first start).
copyFileSync(join(repo, 'scripts/load-cached.cjs'), join(outdir, 'load-cached.cjs'));
for (const entry of ['keel', 'index', 'wasi', 'program-entry', 'service-entry', 'wasi-kernel', 'programs']) {
  renameSync(join(outdir, `${entry}.cjs`), join(outdir, `${entry}.body.cjs`));
  // The drop-in starts its kernel worker before it reads the rest (early-wasi-kernel.ts).
  const first = entry === 'wasi' ? "require('./early-wasi-kernel.cjs').startEarlyWasiKernel();\n" : '';
  writeFileSync(join(outdir, `${entry}.cjs`), `'use strict';\n// ${entry}.body.cjs with a V8 code cache (scripts/bundle.mjs, load-cached.cjs).\n${first}module.exports = require('./load-cached.cjs')(require('node:path').join(__dirname, '${entry}.body.cjs'), module);\n`);
}
for (const [entry, names] of [['index', ['bootKeel', 'Keel', 'KeelError', 'KeelProcess']], ['wasi', ['WASI']]]) {
  // require(), not `import m from`: Node would scan the whole bundle for its exports first.
  writeFileSync(join(outdir, `${entry}.js`), `// ESM face of ${entry}.cjs (scripts/bundle.mjs).\nimport { createRequire } from 'node:module';\nconst m = createRequire(import.meta.url)('./${entry}.cjs');\nexport const { ${names.join(', ')} } = m;\n`);
}
