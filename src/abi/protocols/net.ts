/**
 * The net protocol: TCP sockets for programs, on the host's sockets (services/net/net.ts).
 * Sockets are ids in the caller's session; the system's listening sockets are opened by number.
 */

import { defineProtocol } from '../protocol.js';

/** recv/accept flag: do not wait (EAGAIN instead). */
export const NET_NONBLOCK = 1;

export const netProtocol = defineProtocol('net', {
  open: { label: 1, request: { listener: 'u32' }, reply: { sock: 'u32' }, doc: 'A socket for the system\'s listener number `listener`.' },
  accept: { label: 2, request: { sock: 'u32', flags: 'u32' }, reply: { sock: 'u32' } },
  recv: { label: 3, request: { sock: 'u32', max: 'u32', flags: 'u32' }, reply: { data: 'bytes' }, doc: 'Empty data: the peer finished sending.' },
  send: { label: 4, request: { sock: 'u32', data: 'bytes' }, reply: { sent: 'u32' } },
  shutdown: { label: 5, request: { sock: 'u32', how: 'u32' }, reply: {}, doc: 'how: 1 = no more receiving, 2 = no more sending, 3 = both.' },
  close: { label: 6, request: { sock: 'u32' }, reply: {} },
});
