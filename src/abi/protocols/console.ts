/**
 * The console protocol: what a process's local kernel asks of the terminal (its standard
 * streams): writes, reads that wait for input, isatty, poll readiness, the foreground process
 * group for ^C and ^Z, raw or cooked mode, and the terminal's size. Served by
 * services/console/console.ts.
 */

import { defineProtocol } from '../protocol.js';

export const consoleProtocol = defineProtocol('console', {
  write: { label: 1, request: { fd: 'u32', data: 'bytes' }, reply: { written: 'u32' } },
  read: { label: 2, request: { max: 'u32' }, reply: { data: 'bytes' }, doc: 'Blocks until input; empty data means end of input. EINTR: ^C with no foreground job.' },
  isatty: { label: 3, request: { fd: 'u32' }, reply: { tty: 'u32' } },
  ready: { label: 4, request: {}, reply: { bytes: 'f64', ended: 'u32' }, doc: 'Input buffered now, and whether input has ended (for poll); starts reading the host\'s stdin.' },
  setForeground: { label: 5, request: { pgid: 'u32' }, reply: {}, doc: 'The process group ^C interrupts (0: none; ^C then fails a waiting read with EINTR).' },
  setMode: { label: 6, request: { raw: 'u32' }, reply: {}, doc: 'Raw (1): bytes as typed, no echo or editing; cooked (0): the line discipline.' },
  size: { label: 7, request: {}, reply: { columns: 'u32', rows: 'u32' }, doc: 'The terminal size (ENOTTY when stdout is not a terminal).' },
});
