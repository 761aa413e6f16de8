/**
 * pkg and cc in `keel boot`, against a package registry on 127.0.0.1 serving the real
 * @yowasp/clang package (packed from node_modules; test/support/npm-registry.ts):
 *   - `pkg add @yowasp/clang` installs clang on the /usr image; after a reboot, cc compiles a
 *     program of three sources with a header of its own, the program runs, and its bytes are
 *     exactly what the same clang makes under node:wasi; a syntax error gives clang's diagnostic
 *     and status 1; the temporary objects are gone; `pkg remove` takes it all out again;
 *   - a download cut short and a tarball that is not what the registry's sha512 says leave
 *     nothing installed; a package without a recipe is refused before the registry is asked;
 *     a file that is not exactly pkg gets no registry, nor does any pkg without `--registry`;
 *   - an install cut short by a crash (Keel SIGKILLed while pkg writes; a record left
 *     `installing` while moving into place) is undone by the next pkg, and the image is clean.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keelBoot, runChild } from '../support/keel-child.js';
import { CLANG, CLANG_VERSION, clangTarball, startRegistry } from '../support/npm-registry.js';
import { referenceCompile } from '../support/clang-reference.js';

const SLOW = 300_000;
const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

function tempDir(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A program of three sources and a header of its own. */
function writeSources(dir: string): void {
  mkdirSync(join(dir, 'include'));
  writeFileSync(join(dir, 'include', 'util.h'), '#ifndef UTIL_H\n#define UTIL_H\nint square(int x);\nconst char *greeting(void);\n#endif\n');
  writeFileSync(join(dir, 'main.c'), '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%s %d\\n", greeting(), square(GREETING_N)); return 0; }\n');
  writeFileSync(join(dir, 'util.c'), '#include "util.h"\nint square(int x) { return x * x; }\n');
  writeFileSync(join(dir, 'words.c'), '#include "util.h"\nconst char *greeting(void) { return "seven squared is"; }\n');
}

test('pkg add installs clang on /usr; after a reboot cc builds a program node:wasi builds byte for byte; a syntax error is clang\'s; pkg remove takes it out', { timeout: SLOW * 2 }, async (t) => {
  const registry = await startRegistry([{ name: CLANG, version: CLANG_VERSION, tarball: clangTarball() }]);
  t.after(() => registry.close());
  const env = { KEEL_USR_IMAGE: join(tempDir(t, 'keel-usr-'), 'usr.img'), npm_config_registry: registry.url };
  const src = tempDir(t, 'keel-cc-src-');
  writeSources(src);

  const add = await keelBoot('pkg add @yowasp/clang; echo "add=$?"; pkg list', { env, timeoutMs: SLOW });
  assert.equal(add.stdout, `add=0\n${CLANG}@${CLANG_VERSION}\tclang clang++ wasm-ld ar nm objdump ranlib strip size\n`, add.stderr);
  assert.match(add.stderr, /pkg: downloaded @yowasp\/clang@\S+: [\d.]+ MB, sha512 checked\n/);
  assert.match(add.stderr, /pkg: installed @yowasp\/clang@/);
  assert.deepEqual(registry.requests, ['/@yowasp%2fclang', `/@yowasp/clang/-/clang-${CLANG_VERSION}.tgz`]);

  // A reboot: the package is on the image, and nothing is fetched again.
  const build = await keelBoot([
    'pkg list | wc -l', 'cd /src',
    'cc -O2 -Iinclude -DGREETING_N=7 main.c util.c words.c -o prog; echo "cc=$?"', './prog',
    'echo "int main(void) { return 0 }" > bad.c', 'cc -c bad.c; echo "bad=$?"', 'ls bad.o; ls /tmp | wc -l',
    // -c, then a link of the objects with -D and -l.
    'cc -c -Iinclude util.c words.c && cc -Iinclude -DGREETING_N=3 main.c util.o words.o -lm -o prog2; echo "parts=$?"', './prog2',
  ].join('\n'), { env, dirs: [`${src}::/src`], timeoutMs: SLOW });
  assert.equal(build.stdout, '1\ncc=0\nseven squared is 49\nbad=1\n0\nparts=0\nseven squared is 9\n', build.stderr);
  assert.match(build.stderr, /^bad\.c:1:26: error: expected ';' after return statement\n {4}1 \| int main\(void\) \{ return 0 \}\n[^]*1 error generated\.\n/m);
  assert.match(build.stderr, /ls: cannot access 'bad\.o': No such file or directory/);
  assert.equal(registry.requests.length, 2);

  // The same name: the linker records it in the module's name section.
  const out = tempDir(t, 'keel-cc-ref-');
  const reference = await referenceCompile(['-O2', '-I/src/include', '-DGREETING_N=7', '/src/main.c', '/src/util.c', '/src/words.c', '-o', '/out/prog'], { '/src': src, '/out': out });
  assert.equal(reference.code, 0);
  const ours = readFileSync(join(src, 'prog')), theirs = readFileSync(join(out, 'prog'));
  assert.ok(theirs.length > 1000);
  assert.ok(ours.equals(theirs), `Keel's cc made ${ours.length} bytes, node:wasi's clang ${theirs.length}, and they differ`);

  const remove = await keelBoot('pkg remove @yowasp/clang; echo "rm=$?"; pkg list; ls /usr /usr/lib/pkg; cc x.c; echo "cc=$?"', { env, timeoutMs: SLOW });
  assert.equal(remove.stdout, 'rm=0\n/usr:\nlib\n\n/usr/lib/pkg:\ninstalled\ncc=127\n', remove.stderr);
  assert.match(remove.stderr, /cc: no C compiler is installed \(\/usr\/libexec\/clang\); install one with: pkg add @yowasp\/clang/);
});

test('a cut download and a wrong checksum install nothing; no recipe, no request; only pkg, and only with a registry, reaches it', { timeout: SLOW }, async (t) => {
  const registry = await startRegistry([{ name: CLANG, version: CLANG_VERSION, tarball: clangTarball() }]);
  t.after(() => registry.close());
  const env = { KEEL_USR_IMAGE: join(tempDir(t, 'keel-usr-'), 'usr.img'), npm_config_registry: registry.url };
  registry.faults.push('cut', 'corrupt');
  const r = await keelBoot([
    'pkg add left-pad; echo "unknown=$?"',
    'pkg add @yowasp/clang; echo "cut=$?"',
    'pkg add @yowasp/clang; echo "corrupt=$?"',
    'pkg add @yowasp/clang@0.0.1; echo "version=$?"',
    'printf "#!keel pkg\\n\\n" > /tmp/notquite; /tmp/notquite add @yowasp/clang; echo "notquite=$?"',
    'pkg list | wc -l; ls /usr; ls /usr/lib/pkg',
  ].join('\n'), { env, timeoutMs: SLOW });
  assert.equal(r.stdout, 'unknown=1\ncut=1\ncorrupt=1\nversion=1\nnotquite=1\n0\nlib\n', r.stderr);
  assert.match(r.stderr, /pkg: left-pad: pkg has no recipe for this package, so it will not install it .*Packages with a recipe: @yowasp\/clang\n/);
  assert.match(r.stderr, /pkg: download: (cut short: \d+ of \d+ bytes arrived|terminated[^\n]*|[^\n]*other side closed[^\n]*); not installed\n/);
  assert.match(r.stderr, /pkg: @yowasp\/clang@\S+: integrity check failed: the registry says sha512-\S+, the tarball is sha512-\S+; not installed\n/);
  assert.match(r.stderr, /pkg: @yowasp\/clang@0\.0\.1: no such version \(dist-tags: latest=\S+\); not installed\n/);
  assert.match(r.stderr, /pkg: this system gives pkg no package registry/);
  assert.ok(!registry.requests.some((p) => p.includes('left-pad')), registry.requests.join(' '));
  assert.equal(registry.requests.filter((p) => p.endsWith('.tgz')).length, 2);

  const none = await keelBoot('pkg add @yowasp/clang; echo "none=$?"', { env: { ...env }, timeoutMs: SLOW, args: ['--registry', 'none'] });
  assert.equal(none.stdout, 'none=1\n', none.stderr);
  assert.match(none.stderr, /this system gives pkg no package registry \(keel boot --registry URL/);
});

test('an install a crash cut short is undone by the next pkg, whether it was writing or moving into place', { timeout: SLOW }, async (t) => {
  const registry = await startRegistry([{ name: CLANG, version: CLANG_VERSION, tarball: clangTarball() }]);
  t.after(() => registry.close());
  const image = join(tempDir(t, 'keel-usr-'), 'usr.img');
  const env = { ...process.env, KEEL_HOME_IMAGE: 'none', KEEL_USR_IMAGE: image, npm_config_registry: registry.url };
  // SIGKILL Keel while pkg writes the staging tree: once it has begun and the image has taken
  // 16 MiB more (diskfs commits as its journal fills, so part of the tree is on the image).
  const child = spawn(process.execPath, [keelBin, 'boot', '-c', 'pkg add @yowasp/clang'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let writingFrom = -1;
  const used = (): number => statSync(image).blocks * 512;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pkg never got far enough: ${stderr}`));
    }, SLOW);
    const watch = setInterval(() => {
      if (writingFrom >= 0 && used() - writingFrom > 16 * 1024 * 1024) child.kill('SIGKILL');
    }, 10);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (writingFrom < 0 && stderr.includes('pkg: writing')) writingFrom = used();
    });
    child.on('close', () => {
      clearTimeout(timer);
      clearInterval(watch);
      resolve();
    });
  });
  assert.match(stderr, /pkg: writing/);
  assert.doesNotMatch(stderr, /pkg: installed/);
  // A crash while moving into place: a record still `installing`, and one of its files in place.
  const record = JSON.stringify({ name: 'half', version: '1.0.0', integrity: 'sha512-x', state: 'installing', commands: ['half'], files: ['/usr/bin/half'], dirs: ['/usr/bin'] });
  const r = await keelBoot([
    'ls /usr/lib/pkg/staging | wc -l',
    `mkdir -p /usr/bin /usr/lib/pkg/installed && echo x > /usr/bin/half && printf '%s' '${record}' > /usr/lib/pkg/installed/half.json`,
    'pkg list | wc -l; ls /usr; ls /usr/lib/pkg',
    'pkg add @yowasp/clang >/dev/null 2>&1; echo "add=$?"; pkg list',
  ].join('\n'), { env: { KEEL_USR_IMAGE: image, npm_config_registry: registry.url }, timeoutMs: SLOW });
  assert.equal(r.stdout, `1\n0\nlib\ninstalled\nadd=0\n${CLANG}@${CLANG_VERSION}\tclang clang++ wasm-ld ar nm objdump ranlib strip size\n`, r.stderr);
  const fsck = await runChild([keelBin, 'fsck', image]);
  assert.equal(fsck.code, 0, fsck.stdout);
});
