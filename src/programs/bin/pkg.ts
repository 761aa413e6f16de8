/**
 * pkg add NAME[@VERSION|@TAG]... | pkg list | pkg remove NAME... | pkg recipes: install WASI
 * command programs from npm registry packages into /usr (docs/pkg.md).
 *
 *   add     fetch the package's metadata and tarball from the registry (the one keel boot was
 *           given: npm's, as npm is configured), check the tarball against the registry's
 *           sha512 before anything is written, and put its programs, commands and resources in
 *           place by its recipe (lib/pkg-recipes.ts) — all of it, or nothing (lib/pkg-store.ts).
 *           A package without a recipe is refused, before any download, with the reason.
 *   list    the installed packages: name, version, commands.
 *   remove  take a package's files out of /usr.
 *   recipes the packages pkg has a recipe for.
 *
 * Progress goes to standard error (on a terminal, one line rewritten as the download goes). pkg
 * is the one program given a session of the package registry (proc's grant); status 1 for a
 * failure, 2 for a usage error.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { RegistryError, type RegistrySession } from '../../sys/registry-session.js';
import { PkgError, downloadTarball, parseSpec, resolveVersion } from '../lib/pkg-fetch.js';
import { RECIPES, recipeFor } from '../lib/pkg-recipes.js';
import { planInstall, unpackTarball } from '../lib/pkg-plan.js';
import { PkgStore } from '../lib/pkg-store.js';

const USAGE = 'usage: pkg add NAME[@VERSION]... | pkg list | pkg remove NAME... | pkg recipes\n';

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

function noRecipe(name: string): PkgError {
  return new PkgError(`${name}: pkg has no recipe for this package, so it will not install it (a recipe says which of its files are WASI programs, which commands run them and what goes where; pkg cannot tell that from a package). Packages with a recipe: ${Object.keys(RECIPES).join(', ')}`);
}

/** A progress reporter on stderr: a rewritten line on a terminal, else the start and the end. */
function downloadProgress(sys: Sys, what: string): { step: (done: number, total: number | null) => void; finish: (bytes: number) => void } {
  const tty = sys.isatty(2);
  let shown = -1;
  if (!tty) sys.write(2, `pkg: downloading ${what}\n`);
  return {
    step(done, total) {
      if (!tty) return;
      const tenth = Math.floor(done / 1e5);
      if (tenth === shown) return;
      shown = tenth;
      sys.write(2, `\rpkg: downloading ${what}: ${mb(done)}${total !== null ? ` of ${mb(total)} (${Math.floor((100 * done) / total)}%)` : ''}\x1b[K`);
    },
    finish(bytes) {
      sys.write(2, `${tty ? '\r' : ''}pkg: downloaded ${what}: ${mb(bytes)}, sha512 checked${tty ? '\x1b[K' : ''}\n`);
    },
  };
}

/** The registry session pkg was granted, or PkgError saying this system has none. */
function registryOf(sys: Sys): RegistrySession {
  try {
    return sys.registry();
  } catch (e) {
    if (e instanceof SysError) throw new PkgError('this system gives pkg no package registry (keel boot --registry URL; in the library, BootOptions.registry)');
    throw e;
  }
}

function add(sys: Sys, store: PkgStore, registry: RegistrySession, text: string): void {
  const { name, spec } = parseSpec(text);
  const recipe = recipeFor(name);
  if (!recipe) throw noRecipe(name);
  const installed = store.get(name);
  if (installed) {
    sys.write(2, `pkg: ${name}@${installed.version} is installed already (pkg remove ${name} first to install another version)\n`);
    return;
  }
  const pkg = resolveVersion(registry, name, spec);
  const progress = downloadProgress(sys, `${pkg.name}@${pkg.version}`);
  const tgz = downloadTarball(registry, pkg, progress.step);
  progress.finish(tgz.length);
  const items = planInstall(name, recipe, unpackTarball(tgz, `${name}@${pkg.version}`));
  const commands = Object.keys(recipe.commands);
  store.install(pkg, commands, items, (step) => sys.write(2, `pkg: ${step}\n`));
  sys.write(2, `pkg: installed ${pkg.name}@${pkg.version}: ${commands.join(' ')}\n`);
}

function list(sys: Sys, store: PkgStore): void {
  const out = sys.writer(1);
  for (const r of store.list()) out.line(`${r.name}@${r.version}\t${r.commands.join(' ')}`);
}

function remove(sys: Sys, store: PkgStore, name: string): void {
  const r = store.get(parseSpec(name).name);
  if (!r) throw new PkgError(`${name}: not installed`);
  store.remove(r);
  sys.write(2, `pkg: removed ${r.name}@${r.version}\n`);
}

export function main(sys: Sys): number {
  const [command, ...operands] = sys.args.slice(1);
  if (command === 'recipes') {
    const out = sys.writer(1);
    for (const [name, r] of Object.entries(RECIPES)) out.line(`${name}\t${r.about}`);
    return 0;
  }
  if ((command !== 'add' && command !== 'remove' && command !== 'list') || (command !== 'list' && operands.length === 0)) {
    sys.write(2, USAGE);
    return 2;
  }
  // Refuse a package without a recipe before anything else (the lock, the registry).
  if (command === 'add') {
    const unknown = operands.find((o) => !recipeFor(parseSpec(o).name));
    if (unknown !== undefined) {
      sys.write(2, `pkg: ${noRecipe(parseSpec(unknown).name).message}\n`);
      return 1;
    }
  }
  const store = new PkgStore(sys);
  let release: () => void = () => {};
  try {
    release = store.lock();
    if (command === 'list') list(sys, store);
    else if (command === 'remove') for (const name of operands) remove(sys, store, name);
    else {
      const registry = registryOf(sys);
      for (const name of operands) add(sys, store, registry, name);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof PkgError || e instanceof RegistryError || e instanceof SysError)) throw e;
    sys.write(2, `pkg: ${e.message}${command === 'add' ? '; not installed' : ''}\n`);
    return 1;
  } finally {
    release();
  }
}
