/**
 * `keel check`'s analysis: reach through chains of capabilities, coalescing and the kernel thread
 * widening reach, take-grant without `static`, and the command's output and exit codes.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest } from '../../src/manifest/manifest.js';
import { capabilityGraph, checkAssertions, formatChain, reachChain, reachable } from '../../src/manifest/capability-graph.js';
import { runChild } from '../support/keel-child.js';
import { MANIFESTS } from '../support/manifest.js';

const keel = new URL('../../../bin/keel.js', import.meta.url).pathname;

/** A system with a network service and a disk: net → proc → vfs → disk, a chain of three capabilities. */
function netDisk(opts: { netCallsProc: boolean; netClass?: string; static?: boolean }): string {
  return `
keel: 1
name: net-disk
static: ${opts.static ?? true}
services:
  console: { kind: console, class: isolated }
  net:
    kind: net
    class: ${opts.netClass ?? 'isolated'}
    config: { listen: [] }
    capabilities: { call: [${opts.netCallsProc ? 'proc' : ''}] }
  proc:
    kind: proc
    class: isolated
    capabilities: { call: [vfs], mint: [vfs, console] }
    events: [process-exit]
  vfs:
    kind: vfs
    class: isolated
    config: { mounts: [{ path: /, fs: tmpfs }, { path: /data, fs: disk }] }
    capabilities: { call: [tmpfs, disk] }
  tmpfs: { kind: tmpfs, class: isolated }
  disk: { kind: hostfs, class: isolated, config: { root: /srv/disk } }
programs: { capabilities: [vfs, console, net] }
assert:
  - { from: net, cannotReach: disk, because: the network must never touch the disk }
  - { from: disk, cannotReach: net }
`;
}

test('a violation through a chain of three capabilities is found, with the chain', () => {
  const m = parseManifest(netDisk({ netCallsProc: true }), 'nd.yaml');
  const [netDiskResult, diskNet] = checkAssertions(m);
  assert.ok(netDiskResult!.chain, 'net reaches the disk');
  assert.equal(formatChain(netDiskResult!.chain), 'net -[call]-> proc -[call]-> vfs -[call]-> disk');
  assert.equal(netDiskResult!.chain.length, 3);
  assert.equal(diskNet!.chain, null);
});

test('the same policy holds once the chain is cut', () => {
  const m = parseManifest(netDisk({ netCallsProc: false }), 'nd.yaml');
  assert.ok(checkAssertions(m).every((r) => r.chain === null));
  assert.deepEqual(reachable(capabilityGraph(m), 'net'), []);
});

test('coalescing the network service with the VFS breaks the policy: one worker, no isolation', () => {
  const text = netDisk({ netCallsProc: false, netClass: 'coalesced:fs' }).replace(/(vfs:\n\s+kind: vfs\n\s+class: )isolated/, '$1coalesced:fs');
  const m = parseManifest(text, 'nd.yaml');
  const chain = reachChain(capabilityGraph(m), 'net', 'disk');
  assert.equal(chain && formatChain(chain), 'net -[same worker fs]-> vfs -[call]-> disk');
});

test('a service in the kernel thread reaches everything', () => {
  const m = parseManifest(netDisk({ netCallsProc: false, netClass: 'kernel' }), 'nd.yaml');
  assert.equal(formatChain(reachChain(capabilityGraph(m), 'net', 'disk')!), 'net -[kernel thread]-> disk');
});

test('without static, a callee may be handed what its caller holds (take-grant)', () => {
  // programs hold vfs and net; without static they can hand the net session to the vfs, and the
  // vfs its disk session to ... nobody who calls it back — but net's reach stays empty either way.
  const loose = parseManifest(netDisk({ netCallsProc: false, static: false }), 'nd.yaml');
  const g = capabilityGraph(loose);
  assert.equal(formatChain(reachChain(g, 'vfs', 'net')!), 'vfs -[passed on by programs]-> net');
  assert.equal(reachChain(capabilityGraph(parseManifest(netDisk({ netCallsProc: false }), 'nd.yaml')), 'vfs', 'net'), null);
});

test('keel check: 0 when every assertion holds, 1 with the chain when one fails, 2 for an invalid manifest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-check-'));
  const good = join(dir, 'good.yaml'), bad = join(dir, 'bad.yaml'), broken = join(dir, 'broken.yaml');
  writeFileSync(good, netDisk({ netCallsProc: false }));
  writeFileSync(bad, netDisk({ netCallsProc: true }));
  writeFileSync(broken, netDisk({ netCallsProc: true }).replace('class: isolated', 'class: nowhere'));
  const ok = await runChild([keel, 'check', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /assertions: 2 of 2 hold/);
  assert.match(ok.stdout, /^ {2}net {7}\(nothing\)$/m);
  const fail = await runChild([keel, 'check', '--quiet', bad]);
  assert.equal(fail.code, 1);
  assert.match(fail.stdout, /FAIL {2}net cannot reach disk \(the network must never touch the disk\)\n {8}net -\[call\]-> proc -\[call\]-> vfs -\[call\]-> disk/);
  assert.match(fail.stdout, /ok {4}disk cannot reach net/);
  const invalid = await runChild([keel, 'check', broken]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /services\.console\.class: expected "kernel", "isolated" or "coalesced:<group>"/);
  const missing = await runChild([keel, 'check', join(dir, 'absent.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /absent\.yaml: no such file or directory/);
  const shipped = await runChild([keel, 'check', `${MANIFESTS}isolated.yaml`]);
  assert.equal(shipped.code, 0, shipped.stdout);
});
