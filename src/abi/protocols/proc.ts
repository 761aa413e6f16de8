/**
 * The proc service protocol: starting programs by path, waiting for children, signals, and the
 * parent/child relation. Register 0 of a reply is a WASI errno. Lists (args, env, preopens) travel
 * as JSON strings in the bulk buffer.
 */

import { defineProtocol } from '../protocol.js';

export const procProtocol = defineProtocol('proc', {
  spawn: {
    label: 1,
    request: { program: 'f64', path: 'str', args: 'str', env: 'str', preopens: 'str', inherit: 'str', pgid: 'i32', memoryBytes: 'f64', openFiles: 'u32', origin: 'str', nonce: 'f64' },
    reply: { pid: 'u32' },
    doc: 'Start a wasm program as a child of the caller: the file shared as VFS token `program`, or (program = 0) the one at VFS path `path`. args/env: JSON string arrays; preopens: JSON [{guestPath, vfsPath}]; inherit: JSON InheritedFd[], exactly the fds the child starts with (an empty string: the console on 0-2 and the preopens). pgid: 0 the caller\'s process group, -1 a new group led by the child, > 0 a group the caller\'s children are in (else EPERM). memoryBytes, openFiles: limits the child asks for (0: none); it gets at most the caller\'s. The shared files are taken into the child\'s session before the reply, so the child starts whatever the caller does next. origin: for a program shared by token, JSON {root, path, lookup, oflags} of where the caller opened it (\'\' if not known): the child opens it there again if a restart of the VFS cut its load. nonce: the caller\'s number for this spawn (0: none); a spawn asked again with the nonce of a child the caller already has answers that child\'s pid and starts nothing (a spawn cut by a restart of proc can be asked again). ENOMEM when the programs already hold the whole memory budget.',
  },
  wait: {
    label: 2, request: { pid: 'u32', untraced: 'u32' }, reply: { pid: 'u32', kind: 'u32', code: 'i32', message: 'str' },
    doc: 'Block until child `pid` (0 = any child) exits; ECHILD if it is not the caller\'s child. With untraced = 1 a child that stops also ends the wait, once per stop: kind WAIT_STOPPED, code the signal (like WUNTRACED).',
  },
  kill: {
    label: 3, request: { pid: 'i32', signal: 'u32' }, reply: {},
    doc: 'Signal processes the caller may signal — its descendants, orphans included, and itself (the host: any): pid > 0 that process; 0 the caller\'s process group; -1 every descendant; < -1 the group -pid. signal 0 only checks: SUCCESS, EPERM (there, but not the caller\'s to signal) or ESRCH.',
  },
  self: { label: 4, request: {}, reply: { pid: 'u32', parent: 'u32' } },
  list: { label: 5, request: {}, reply: { table: 'str' }, doc: 'The process table as JSON [{pid, parent, pgid, name, state}] (for ps/top).' },
  signalGroup: {
    label: 6, request: { pgid: 'u32', signal: 'u32' }, reply: { count: 'u32' },
    doc: 'Signal every running process of group `pgid`: all of them when the caller is the terminal (the console\'s badge) or the host, else those the caller may signal (its descendants; EPERM if the group has only others, ESRCH if it has no one).',
  },
});

export type ProcProtocol = typeof procProtocol;

/** `wait` reply kind for a child that stopped (the exit kinds are 0–3). */
export const WAIT_STOPPED = 100;
