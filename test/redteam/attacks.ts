/**
 * The red-team campaign: every attack, as data. docs/redteam.md lists them for readers; run.ts
 * runs them all, redteam.test.ts the `short` ones inside `npm test`.
 *
 * Escape attacks run a hostile program of programs/c/redteam/ against a fresh host tree
 * (host-tree.ts) and pass only if nothing outside the preopened directories changed and nothing
 * there was read (run-attack.ts). Resource attacks hold a resource and pass if another program
 * still runs meanwhile and afterwards; they set no limit of their own and run in the full
 * campaign only.
 */

import { copyFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTree } from './host-tree.js';
import { redteamProgram } from './host-tree.js';
import type { EscapeAttack, ResourceAttack } from './run-attack.js';

/** hostfs finds a node's host file by re-walking its names from the root, so a directory renamed under it and replaced by a symlink is followed (issue 18). */

const copySelf = (program: string) => (tree: HostTree): void => copyFileSync(redteamProgram(program), tree.at('sandbox/self.wasm'));

export const escapeAttacks: readonly EscapeAttack[] = [
  {
    name: 'paths',
    tries: 'every path-taking WASI call (path_open read/create/truncate, path_filestat_get/set_times, path_readlink, path_create_directory, path_link and path_rename in both positions and across two preopens, path_symlink, path_unlink_file, path_remove_directory) with `..`, absolute guest and host paths, symlinks the program makes (relative climbing, absolute, to `..`, chains, a loop), symlinks the host planted, a sibling whose name starts with the sandbox\'s; `..` opened as a directory; guessed fds',
    program: 'paths',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }, { guest: '/other', host: 'other' }],
    args: (tree) => ['3', '4', tree.root],
    via: ['api', 'cli', 'wasi'],
    short: ['api', 'cli', 'wasi'],
  },
  {
    name: 'keel-spawn',
    tries: 'keel.spawn of a program outside the sandbox (`..`, absolute guest and host paths, planted and self-made symlinks, a sibling) and relative to fds that are no directory; a legitimate child re-tries the reads and counts its fds; an fd map naming fds the parent lacks',
    program: 'spawn',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }],
    args: (tree) => ['3', tree.root],
    setup: copySelf('spawn'),
    mustPrint: /^child: \d+ fds open$/m,
    via: ['api', 'cli'],
    short: ['api'],
  },
  {
    name: 'two-mounts-equal',
    tries: 'the same host directory preopened twice (/a and /b): hold up/sibling open through /a; through /b rename up to up-moved and make up -> .., so the held directory\'s old path names ../sibling, outside; then read, readlink, stat, touch, truncate, link, rename, rmdir, unlink and create through the held fd and through a fresh path',
    program: 'held',
    preopens: [{ guest: '/a', host: 'proj' }, { guest: '/b', host: 'proj' }],
    args: () => ['mounts', '3', 'up/sibling', '4', 'up', '..', 'up-moved/sibling'],
    via: ['api', 'cli', 'wasi'],
    short: ['api', 'cli', 'wasi'],
  },
  {
    name: 'two-mounts-equal-held-dir',
    tries: 'as two-mounts-equal, but the held directory itself is renamed and replaced by a symlink to ../sibling (up/sibling -> ../../sibling)',
    program: 'held',
    preopens: [{ guest: '/a', host: 'proj' }, { guest: '/b', host: 'proj' }],
    args: () => ['mounts', '3', 'up/sibling', '4', 'up/sibling', '../../sibling', 'up/sibling-moved'],
    via: ['api', 'cli', 'wasi'],
    short: ['api'],
  },
  {
    name: 'two-mounts-nested',
    tries: 'proj preopened as /proj and proj/out as /out: hold out/up/sibling open through /proj; through /out rename up and make up -> ../..; then the same operations through the held fd',
    program: 'held',
    preopens: [{ guest: '/proj', host: 'proj' }, { guest: '/out', host: 'proj/out' }],
    args: () => ['mounts', '3', 'out/up/sibling', '4', 'up', '../..', 'up-moved/sibling'],
    via: ['api', 'cli'],
    short: ['api'],
  },
  {
    name: 'two-mounts-nested-reverse',
    tries: 'as two-mounts-nested, the other way round: hold up/sibling open through /out; through /proj rename out/up and make out/up -> ../..',
    program: 'held',
    preopens: [{ guest: '/proj', host: 'proj' }, { guest: '/out', host: 'proj/out' }],
    args: () => ['mounts', '4', 'up/sibling', '3', 'out/up', '../..', 'out/up-moved/sibling'],
    via: ['api'],
    short: [],
  },
  {
    name: 'host-planted-symlink',
    tries: 'hold up/sibling open; the host renames up to up-moved and plants up -> .. (after the open); then the same operations through the held fd and through a fresh path',
    program: 'held',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }],
    args: () => ['planted', '3', 'up/sibling', 'up-moved/sibling'],
    onReady: (tree) => {
      renameSync(tree.at('sandbox/up'), tree.at('sandbox/up-moved'));
      symlinkSync('..', tree.at('sandbox/up'));
    },
    via: ['api', 'cli', 'wasi'],
    short: ['api'],
  },
  {
    name: 'host-planted-symlink-held-dir',
    tries: 'as host-planted-symlink, but the host renames the held directory itself and plants up/sibling -> ../../sibling',
    program: 'held',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }],
    args: () => ['planted', '3', 'up/sibling', 'up/sibling-moved'],
    onReady: (tree) => {
      renameSync(tree.at('sandbox/up/sibling'), tree.at('sandbox/up/sibling-moved'));
      symlinkSync('../../sibling', tree.at('sandbox/up/sibling'));
    },
    via: ['api'],
    short: [],
  },
  {
    name: 'host-swap-race',
    tries: 'a separate host process swaps sandbox/up with a symlink up -> .. and back in a loop while the program opens, stats, reads, creates, links, renames and touches through up/sibling/ and through an fd opened as up/sibling',
    program: 'race',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }],
    args: (_tree, budget) => ['3', String(budget.raceRounds), String(budget.raceMs)],
    race: { dir: 'sandbox/up', target: '..' },
    via: ['api'],
    short: ['api'],
  },
  {
    name: 'guest-swap-race',
    tries: 'the same race with no help from the host: the program starts its own copy, which swaps up with a symlink up -> .. through WASI calls, while it uses up/sibling/',
    program: 'race',
    preopens: [{ guest: '/sandbox', host: 'sandbox' }],
    args: (_tree, budget) => ['3', String(budget.raceRounds), String(budget.raceMs), 'guest'],
    setup: copySelf('race'),
    mustPrint: /^guest swaps [1-9]/m,
    via: ['api'],
    short: ['api'],
  },
];

export const resourceAttacks: readonly ResourceAttack[] = [
  {
    name: 'many-open-host-files',
    tries: 'open 1200 host files and hold them',
    dir: 'host',
    args: () => ['files', '3', '1200'],
    setup: (sandbox) => { for (let i = 0; i < 1200; i++) writeFileSync(join(sandbox, `f${i}`), `${i}\n`); },
    holds: true,
  },
  {
    name: 'tmpfs-flood',
    tries: 'write 1 MiB files into Keel\'s /tmp until a write fails or 512 MiB are written, and keep them',
    dir: 'tmpfs',
    args: () => ['flood', '3', '512'],
    holds: true,
  },
  { name: 'deep-nesting-host', tries: 'make a host directory 3000 levels deep, one level at a time', dir: 'host', args: () => ['deep', '3', '3000'], holds: false },
  { name: 'deep-nesting-tmpfs', tries: 'make a tmpfs directory 3000 levels deep, one level at a time', dir: 'tmpfs', args: () => ['deep', '3', '3000'], holds: false },
  {
    name: 'fork-bomb',
    tries: 'each process starts 4 copies of itself, 4 levels deep (up to 341 processes), without waiting until all are started',
    dir: 'host',
    args: () => ['forkbomb', '3', 'exhaust.wasm', '4', '4'],
    holds: false,
  },
];
