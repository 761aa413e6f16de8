/**
 * The layering rules (.dependency-cruiser.mjs, checked by `npm run layers`) fire: each test writes
 * a small tree of probe files under a temporary src/, runs the same check on it, and looks for
 * the rule that must refuse it. The layering is written out again here, as the intended design,
 * so that loosening a rule in the config fails a test instead of passing quietly.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { checkLayers, describe, type LayerViolation } from './layer-check.js';

/** The intended layers: folder → the folders it may import besides itself (platform: anything). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  abi: [],
  ipc: ['abi'],
  kernel: ['abi', 'ipc'],
  host: ['abi'],
  services: ['abi', 'ipc', 'host'],
  runtime: ['abi', 'ipc', 'host'],
  sys: ['abi', 'ipc', 'runtime'],
  programs: ['abi', 'sys'],
  thread: ['abi', 'ipc', 'host', 'runtime', 'sys', 'services', 'programs'],
  manifest: ['abi', 'services', 'programs'],
  system: ['abi', 'ipc', 'kernel', 'host', 'services', 'runtime', 'sys', 'programs', 'thread', 'manifest'],
  api: ['abi', 'ipc', 'kernel', 'host', 'services', 'runtime', 'sys', 'programs', 'thread', 'manifest', 'system'],
  cli: ['abi', 'api', 'manifest'],
};
const FOLDERS = [...Object.keys(MAY_IMPORT), 'platform'];

/** Runs the check on a tree of files (path under the root → source) and removes the tree. */
async function check(files: Readonly<Record<string, string>>): Promise<LayerViolation[]> {
  const root = mkdtempSync(join(tmpdir(), 'keel-layers-'));
  try {
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), source);
    }
    return await checkLayers(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Source importing `target` (a path under src/) from the file `at`, as Keel's sources write it. */
function importOf(at: string, target: string, typeOnly = false): string {
  const rel = posix.relative(posix.dirname(at), `src/${target}`).replace(/\.ts$/, '.js');
  const specifier = rel.startsWith('.') ? rel : `./${rel}`;
  const name = `i_${target.replace(/[^a-z0-9]/gi, '_')}`;
  return typeOnly
    ? `import type { T as ${name} } from '${specifier}';\nexport type U_${name} = ${name};\n`
    : `import { v as ${name} } from '${specifier}';\nexport const u_${name} = ${name};\n`;
}

/** A file `at` importing each of `targets` (paths under src/). */
function importer(at: string, ...targets: string[]): Record<string, string> {
  return { [at]: targets.map((t) => importOf(at, t)).join('') };
}

const LEAF = 'export const v = 1;\nexport type T = number;\n';
const leaves = (...paths: string[]): Record<string, string> => Object.fromEntries(paths.map((p) => [p, LEAF]));

/** The rules that fired, as `rule from→to` for dependencies and `rule` alone for cycles. */
function fired(violations: readonly LayerViolation[]): string[] {
  return violations.map((v) => (v.cycle.length > 0 ? v.rule : `${v.rule} ${v.from}→${v.to}`));
}

async function assertFires(files: Readonly<Record<string, string>>, expected: readonly string[]): Promise<void> {
  const violations = await check(files);
  assert.deepEqual([...new Set(fired(violations))].sort(), [...expected].sort(), violations.map(describe).join('\n'));
}

test('a tree that keeps the layering passes, type-only imports and .js specifiers included', async () => {
  await assertFires({
    ...leaves('src/abi/status.ts', 'src/host/host-fs.ts', 'src/programs/registry.ts', 'src/system/system.ts', 'src/platform/node/leaf.ts'),
    'src/abi/errno.ts': importOf('src/abi/errno.ts', 'abi/status.ts', true),
    ...importer('src/ipc/arena.ts', 'abi/status.ts'),
    ...importer('src/kernel/kernel.ts', 'ipc/arena.ts', 'abi/errno.ts'),
    ...importer('src/services/fs/ops.ts', 'ipc/arena.ts'),
    ...importer('src/services/vfs/vfs.ts', 'services/fs/ops.ts', 'host/host-fs.ts'),
    ...importer('src/services/tmpfs/tmpfs.ts', 'services/fs/ops.ts'),
    ...importer('src/services/kinds.ts', 'services/vfs/vfs.ts', 'services/tmpfs/tmpfs.ts'),
    ...importer('src/thread/thread-main.ts', 'programs/registry.ts', 'services/kinds.ts'),
    ...importer('src/api/keel.ts', 'system/system.ts', 'kernel/kernel.ts'),
    ...importer('src/cli/keel-cli.ts', 'api/keel.ts'),
    ...importer('src/platform/node/index.ts', 'cli/keel-cli.ts', 'kernel/kernel.ts', 'platform/node/leaf.ts'),
    'src/platform/node/host.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
  }, []);
});

test('each layer imports only the folders under it that it is allowed, every pair tried', async () => {
  // One file per (folder, target) pair: src/<folder>/to-<target>.ts imports src/<target>/leaf.ts
  // (programs: its registry, the one file others may import).
  const target = (f: string): string => (f === 'programs' ? 'programs/registry.ts' : `${f}/leaf.ts`);
  const files: Record<string, string> = leaves(...FOLDERS.map((f) => `src/${target(f)}`));
  const expected: string[] = [];
  for (const from of FOLDERS) {
    for (const to of FOLDERS) {
      if (to === from) continue;
      Object.assign(files, importer(`src/${from}/to-${to}.ts`, target(to)));
      if (from !== 'platform' && !(MAY_IMPORT[from] ?? []).includes(to)) {
        expected.push(`layer-${from} src/${from}/to-${to}.ts→src/${target(to)}`);
      }
    }
  }
  const layerViolations = fired(await check(files)).filter((v) => v.startsWith('layer-'));
  assert.deepEqual(layerViolations.sort(), expected.sort());
});

test('abi is the leaf: abi importing ipc is refused', async () => {
  await assertFires({ ...leaves('src/ipc/arena.ts'), ...importer('src/abi/status.ts', 'ipc/arena.ts') },
    ['layer-abi src/abi/status.ts→src/ipc/arena.ts']);
});

test('the kernel does not import services', async () => {
  await assertFires({ ...leaves('src/services/vfs/vfs.ts'), ...importer('src/kernel/kernel.ts', 'services/vfs/vfs.ts') },
    ['layer-kernel src/kernel/kernel.ts→src/services/vfs/vfs.ts']);
});

test('services do not import the kernel, not even its types', async () => {
  await assertFires({
    'src/kernel/object.ts': LEAF,
    'src/services/proc/proc.ts': importOf('src/services/proc/proc.ts', 'kernel/object.ts', true),
  }, ['layer-services src/services/proc/proc.ts→src/kernel/object.ts']);
});

test('a service kind does not import another kind, nor the registry; services/fs imports no kind', async () => {
  await assertFires({ ...leaves('src/services/tmpfs/tmpfs.ts'), ...importer('src/services/vfs/vfs.ts', 'services/tmpfs/tmpfs.ts') },
    ['service-kinds-apart src/services/vfs/vfs.ts→src/services/tmpfs/tmpfs.ts']);
  await assertFires({ ...leaves('src/services/kinds.ts'), ...importer('src/services/net/net.ts', 'services/kinds.ts') },
    ['service-kinds-apart src/services/net/net.ts→src/services/kinds.ts']);
  await assertFires({ ...leaves('src/services/hostfs/hostfs.ts'), ...importer('src/services/fs/fs-server.ts', 'services/hostfs/hostfs.ts') },
    ['service-kinds-apart src/services/fs/fs-server.ts→src/services/hostfs/hostfs.ts']);
});

test('programs do not import the kernel (nor ipc, runtime or services)', async () => {
  await assertFires({ ...leaves('src/kernel/kernel.ts'), ...importer('src/programs/bin/ls.ts', 'kernel/kernel.ts') },
    ['layer-programs src/programs/bin/ls.ts→src/kernel/kernel.ts']);
  await assertFires({ ...leaves('src/runtime/local-kernel.ts'), ...importer('src/programs/sh/shell.ts', 'runtime/local-kernel.ts') },
    ['layer-programs src/programs/sh/shell.ts→src/runtime/local-kernel.ts']);
});

test('outside programs/, a program is reached only through programs/registry.ts', async () => {
  await assertFires({ ...leaves('src/programs/bin/ls.ts'), ...importer('src/thread/wasm-process.ts', 'programs/bin/ls.ts') },
    ['programs-through-registry src/thread/wasm-process.ts→src/programs/bin/ls.ts']);
  await assertFires({ ...leaves('src/programs/registry.ts'), ...importer('src/manifest/manifest.ts', 'programs/registry.ts') }, []);
});

test('the cli imports the api and the manifest, not the system', async () => {
  await assertFires({ ...leaves('src/system/system.ts'), ...importer('src/cli/boot-command.ts', 'system/system.ts') },
    ['layer-cli src/cli/boot-command.ts→src/system/system.ts']);
});

test('a cycle between two folders of one layer is refused, though no layer rule sees it', async () => {
  // programs/bin → programs/sh and programs/sh → programs/bin, through different files: no file
  // cycle, no layer crossed; only the folder checks can refuse it.
  await assertFires({
    ...leaves('src/programs/sh/parse.ts', 'src/programs/bin/ls.ts'),
    ...importer('src/programs/bin/sh.ts', 'programs/sh/parse.ts'),
    ...importer('src/programs/sh/shell.ts', 'programs/bin/ls.ts'),
  }, ['no-folder-cycle', 'no-directory-cycle']);
});

test('a cycle between a folder and a folder inside it is refused (the directory check)', async () => {
  await assertFires({
    ...leaves('src/runtime/local-kernel.ts', 'src/runtime/wasi/fd-table.ts'),
    ...importer('src/runtime/keel-imports.ts', 'runtime/wasi/fd-table.ts'),
    'src/runtime/wasi/shim-context.ts': importOf('src/runtime/wasi/shim-context.ts', 'runtime/local-kernel.ts', true),
  }, ['no-directory-cycle']);
});

test('a cycle between layers is refused by the layer rule and the folder checks', async () => {
  await assertFires({
    ...leaves('src/kernel/object.ts', 'src/ipc/arena.ts'),
    ...importer('src/ipc/caller.ts', 'kernel/object.ts'),
    ...importer('src/kernel/kernel.ts', 'ipc/arena.ts'),
  }, ['layer-ipc src/ipc/caller.ts→src/kernel/object.ts', 'no-folder-cycle', 'no-directory-cycle']);
});

test('a cycle between files is refused, even when one side imports only a type', async () => {
  await assertFires({
    'src/kernel/kernel.ts': importOf('src/kernel/kernel.ts', 'kernel/process.ts') + LEAF,
    'src/kernel/process.ts': importOf('src/kernel/process.ts', 'kernel/kernel.ts', true) + LEAF,
  }, ['no-file-cycle']);
});

test('the interpreters (sh, awk) may have cycles between their files, as their grammar recurses', async () => {
  await assertFires({
    'src/programs/sh/shell.ts': importOf('src/programs/sh/shell.ts', 'programs/sh/eval.ts') + LEAF,
    'src/programs/sh/eval.ts': importOf('src/programs/sh/eval.ts', 'programs/sh/shell.ts', true) + LEAF,
  }, []);
});

test('a new folder needs a layer, src imports nothing outside src, and every import resolves', async () => {
  await assertFires({ ...leaves('src/abi/status.ts'), ...importer('src/extra/x.ts', 'abi/status.ts') },
    ['folder-has-a-layer src/extra/x.ts→src/abi/status.ts']);
  await assertFires({ 'test/support/helper.ts': LEAF, 'src/abi/status.ts': "import { v } from '../../test/support/helper.js';\nexport const w = v;\n" },
    ['src-stands-alone src/abi/status.ts→test/support/helper.ts']);
  await assertFires({ 'src/abi/status.ts': "import { v } from './missing.js';\nexport const w = v;\n" },
    ['resolvable src/abi/status.ts→./missing.js']);
});
