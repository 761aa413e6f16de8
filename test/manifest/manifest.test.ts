/**
 * The system manifest: the shipped manifests are valid and describe one system in three
 * placements; invalid manifests are refused with every problem named by its field; the static
 * policy holds in a running system.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError, parseManifest } from '../../src/manifest/manifest.js';
import { systemFromManifest } from '../../src/manifest/manifest-system.js';
import { System } from '../../src/system/system.js';
import { Status } from '../../src/abi/status.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { MANIFESTS, readManifest } from '../support/manifest.js';

const MINIMAL = `
keel: 1
services:
  console: { kind: console, class: kernel }
  vfs:
    kind: vfs
    class: isolated
    config: { mounts: [{ path: /, fs: tmpfs }] }
    capabilities: { call: [tmpfs] }
  tmpfs: { kind: tmpfs, class: isolated }
programs: { capabilities: [vfs, console] }
`;

function problems(text: string): string[] {
  try {
    parseManifest(text, 'test.yaml');
  } catch (e) {
    if (e instanceof ManifestError) return [...e.problems];
    throw e;
  }
  assert.fail('the manifest was accepted');
}

test('the shipped manifests are valid and differ only in placement and policy', () => {
  const [def, iso, ker] = ['default', 'isolated', 'kernel'].map((n) => readManifest(`${MANIFESTS}${n}.yaml`));
  const shape = (m: typeof def) => Object.fromEntries(Object.entries(m!.services).map(([n, s]) => [n, { ...s, class: undefined }]));
  assert.deepEqual(shape(iso), shape(def));
  assert.deepEqual(shape(ker), shape(def));
  assert.deepEqual(iso!.programs, def!.programs);
  assert.ok(Object.values(iso!.services).every((s) => s.class === 'isolated'));
  assert.ok(Object.values(ker!.services).every((s) => s.class === 'kernel'));
  assert.equal(def!.services['vfs']!.class, 'coalesced:fs');
});

test('a minimal manifest is valid; JSON is accepted as well as YAML', () => {
  const m = parseManifest(MINIMAL, 'm.yaml');
  assert.deepEqual(Object.keys(m.services), ['console', 'vfs', 'tmpfs']);
  const again = parseManifest(JSON.stringify(m), 'm.json');
  assert.deepEqual(again, m);
});

test('shape errors name the field and what was expected', () => {
  const p = problems(MINIMAL.replace('class: isolated\n    config', 'clas: isolated\n    config').replace('tmpfs: { kind: tmpfs, class: isolated }', 'tmpfs: { kind: tmpfs, class: sandboxed }'));
  assert.ok(p.some((x) => x.startsWith('services.vfs: Unrecognized key: "clas"')), p.join('\n'));
  assert.ok(p.some((x) => x.startsWith('services.vfs.class:')), p.join('\n'));
  assert.ok(p.some((x) => x === 'services.tmpfs.class: expected "kernel", "isolated" or "coalesced:<group>"'), p.join('\n'));
  assert.deepEqual(problems(MINIMAL.replace('keel: 1', 'keel: 2')), ['keel: Invalid input: expected 1']);
  assert.ok(problems(MINIMAL.replace('kind: tmpfs,', 'kind: ramfs,')).some((x) => x.startsWith('services.tmpfs.kind:')));
  assert.ok(problems(MINIMAL.replace('tmpfs: { kind: tmpfs, class: isolated }', 'tmpfs: { kind: tmpfs, class: isolated, config: { maxBytes: -1 } }'))
    .some((x) => x.startsWith('services.tmpfs.config.maxBytes:')));
});

test('rules a schema cannot state are checked too, all at once', () => {
  const p = problems(`
keel: 1
services:
  console: { kind: console, class: kernel, capabilities: { call: [vfs] } }
  vfs:
    kind: vfs
    class: isolated
    config: { mounts: [{ path: /, fs: tmpfs }, { path: /x, fs: console }] }
  tmpfs: { kind: tmpfs, class: isolated, capabilities: { call: [nowhere] } }
  proc: { kind: proc, class: isolated, capabilities: { call: [vfs], mint: [vfs, console, proc] } }
programs: { capabilities: [vfs] }
assert:
  - { from: tmpfs, cannotReach: ghost }
`);
  const want = [
    'services.console.class: a service in the kernel thread may call only services in the kernel thread, but it calls "vfs" (isolated)',
    'services.tmpfs.capabilities.call.0: "nowhere" is not a service in this manifest',
    'services.vfs.config.mounts.0.fs: the vfs must hold capabilities.call "tmpfs" to mount it',
    'services.vfs.config.mounts.1.fs: "console" is a console, not a file system',
    'services.proc.capabilities.mint.1: proc gives programs "console" sessions, but programs.capabilities does not list it',
    'services.proc.events: expected ["process-exit"]',
    'programs.capabilities: expected "console"',
    'assert.0.cannotReach: "ghost" is neither a service in this manifest nor "programs"',
  ];
  for (const w of want) assert.ok(p.some((x) => x.startsWith(w)), `missing: ${w}\ngot:\n${p.join('\n')}`);
});

test('YAML syntax errors and duplicate keys are reported with their place', () => {
  const p = problems('keel: 1\nservices: [unclosed\n');
  assert.ok(p[0]!.startsWith('syntax:'), p.join('\n'));
  const d = problems(MINIMAL + 'programs: { capabilities: [vfs] }\n');
  assert.ok(d.some((x) => x.startsWith('syntax:') && /unique|duplicate/i.test(x)), d.join('\n'));
});

test('--dir additions: a hostfs per directory, in the VFS\'s class, called by it and mounted', () => {
  const m = readManifest(`${MANIFESTS}default.yaml`);
  const cfg = systemFromManifest(m, { hostDirs: [{ hostPath: '/srv', vfsPath: '/host' }], listen: [{ host: '127.0.0.1', port: 0 }] });
  const hostfs = cfg.services.find((s) => s.name === 'hostfs0')!;
  assert.deepEqual(hostfs.placement, { in: 'coalesced', group: 'fs' });
  const vfs = cfg.services.find((s) => s.name === 'vfs')!;
  assert.ok(vfs.uses.includes('hostfs0'));
  assert.ok(vfs.kind === 'vfs');
  assert.deepEqual(vfs.config.mounts.map((x) => x.path), ['/', '/dev', '/host']);
  assert.deepEqual(vfs.config.mounts.find((x) => x.path === '/host'), { path: '/host', fs: 'hostfs0', cacheLookups: false, hostDescriptors: true }, 'the VFS is told what the kind implies');
  assert.ok(cfg.programCapabilities!.includes('net'));
  assert.deepEqual(cfg.services.find((s) => s.name === 'net')!.placement, { in: 'kernel' });
  assert.equal(cfg.static, true);
});

async function probeChannelCreate(manifest: string): Promise<number> {
  const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), systemFromManifest(readManifest(`${MANIFESTS}${manifest}.yaml`)));
  try {
    const out = new SharedArrayBuffer(4);
    const { handle } = system.spawnScript(new URL('../support/policy-probe.js', import.meta.url).href, [], { out });
    assert.deepEqual(await system.wait(handle), { kind: 'exited', code: 0 });
    return new Int32Array(out)[0]!;
  } finally {
    await system.shutdown();
  }
}

test('static manifests: a program cannot create a channel the manifest does not list', async () => {
  assert.equal(await probeChannelCreate('isolated'), Status.ACCESS_DENIED);
  assert.equal(await probeChannelCreate('default'), Status.ACCESS_DENIED);
  assert.equal(await probeChannelCreate('kernel'), Status.OK, 'kernel.yaml is not static');
});

test('disk additions and limits: a diskfs per image in the VFS\'s class, mounted; channel depth from limits', () => {
  const m = readManifest(`${MANIFESTS}default.yaml`);
  const cfg = systemFromManifest({ ...m, limits: { channelMessages: 64 } }, { disks: [{ image: '/srv/home.img', vfsPath: '/home', size: 8 << 20 }] });
  const disk = cfg.services.find((s) => s.name === 'disk0')!;
  assert.equal(disk.kind, 'diskfs');
  assert.deepEqual(disk.placement, { in: 'coalesced', group: 'fs' });
  assert.deepEqual(disk.config, { image: '/srv/home.img', size: 8 << 20 });
  const vfs = cfg.services.find((s) => s.name === 'vfs')!;
  assert.ok(vfs.uses.includes('disk0'));
  assert.ok(vfs.kind === 'vfs');
  assert.deepEqual(vfs.config.mounts.map((x) => x.path), ['/', '/dev', '/home']);
  assert.equal(cfg.channelMessages, 64);
  assert.match(problems(MINIMAL + 'limits: { channelMessages: 0 }\n').join('\n'), /channelMessages/);
  assert.match(problems(MINIMAL.replace('kind: tmpfs, class: isolated', 'kind: diskfs, class: isolated, config: { image: relative.img }')).join('\n'), /image/);
});

test('a registry addition: a registry service in the kernel thread, which proc mints and grants to pkg alone; grants are checked', () => {
  const m = readManifest(`${MANIFESTS}isolated.yaml`);
  const cfg = systemFromManifest(m, { registry: 'http://127.0.0.1:4873/' });
  const registry = cfg.services.find((s) => s.name === 'registry')!;
  assert.equal(registry.kind, 'registry');
  assert.deepEqual(registry.placement, { in: 'kernel' });
  assert.deepEqual(registry.config, { url: 'http://127.0.0.1:4873/' });
  const proc = cfg.services.find((s) => s.name === 'proc')!;
  assert.ok(proc.kind === 'proc');
  assert.ok(proc.mints!.includes('registry'));
  assert.deepEqual(proc.config.grants, { pkg: ['registry'] });
  assert.ok(cfg.programCapabilities!.includes('registry'), 'the static policy lets programs hold it; proc keeps it to pkg');
  assert.equal(systemFromManifest(m).services.some((s) => s.kind === 'registry'), false, 'no registry unless one is given');
  const withProc = MINIMAL.replace('programs: { capabilities: [vfs, console] }', `  proc:
    kind: proc
    class: isolated
    capabilities: { call: [vfs], mint: [vfs, console, proc] }
    events: [process-exit]
    config: { grants: { pkg: [registry], nosuch: [proc] } }
  registry: { kind: registry, class: kernel, config: { url: "https://registry.npmjs.org/" } }
programs: { capabilities: [vfs, console, proc, registry] }`);
  const p = problems(withProc);
  assert.ok(problems(withProc.replace('https://registry.npmjs.org/', 'ftp://x')).some((x) => x.startsWith('services.registry.config.url: expected an http:// or https:// URL')));
  for (const w of ['services.proc.config.grants.pkg.0: proc must hold capabilities.mint "registry" to grant it', 'services.proc.config.grants.nosuch: "nosuch" is not one of Keel\'s programs']) {
    assert.ok(p.some((x) => x.startsWith(w)), `missing: ${w}\ngot:\n${p.join('\n')}`);
  }
});
