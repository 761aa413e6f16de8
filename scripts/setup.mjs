#!/usr/bin/env node
// The system packages the tests need beyond Node and the npm packages (`npm test` runs this first):
//
//   chromium   the browser tests and `npm run bench:web` drive it headless ($KEEL_CHROMIUM, or /usr/bin/chromium)
//   python3    the terminal test plays the terminal with its `pty` module (python3 on PATH)
//
//   node scripts/setup.mjs            check; install what is missing with apt-get when root
//   node scripts/setup.mjs --check    check only
//
// Booting Keel and building its C programs need neither (the C compiler comes from npm). When
// something is missing and cannot be installed here — not root, no apt-get, or --check — this
// stops at once (exit 1) with the one line to run, e.g. `sudo apt-get install -y chromium python3`.
// As root with apt-get (how CI runs), it runs `apt-get update` and `apt-get install -y` for the
// missing packages, checks again, and fails if they are still not there. Prints nothing when all
// is there.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on PATH, or null. */
function onPath(name) {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch { /* not in this directory */ }
  }
  return null;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const needs = [
  { pkg: 'chromium', why: 'the browser tests', present: () => executable(process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium') },
  { pkg: 'python3', why: 'the terminal test', present: () => onPath('python3') !== null },
];

const missing = () => needs.filter((n) => !n.present());
const checkOnly = process.argv.includes('--check');
const root = process.getuid?.() === 0;
const aptGet = onPath('apt-get');

function stop(lacking) {
  const what = lacking.map((n) => `${n.pkg} (${n.why})`).join(' and ');
  const line = `${root ? '' : 'sudo '}apt-get install -y ${lacking.map((n) => n.pkg).join(' ')}`;
  process.stderr.write(`setup: the tests need ${what}, not installed here. Run this, then the command again:\n  ${line}\n`);
  process.exit(1);
}

const lacking = missing();
if (lacking.length === 0) process.exit(0);
if (checkOnly || !root || !aptGet) stop(lacking);

const packages = lacking.map((n) => n.pkg);
process.stderr.write(`setup: installing ${packages.join(' ')} with apt-get\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
  const r = spawnSync(aptGet, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    process.stderr.write(`setup: apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n`);
    stop(lacking);
  }
}
const still = missing();
if (still.length > 0) stop(still);
process.stderr.write(`setup: installed ${packages.join(' ')}\n`);
