/**
 * The console's host stdio in a browser: the page's xterm.js terminal, reached over the boot's
 * BroadcastChannel (tty-messages.ts). It is always a terminal: the terminal sends raw keys and
 * the console's line discipline does echo, editing and ^C, as it does for a raw Node tty.
 * Input that arrives while nobody reads is kept (bounded) and delivered on the next readStdin.
 */

import type { HostStdio } from '../../host/host-stdio.js';
import type { TtyMessage } from './tty-messages.js';
import { newBroadcastChannel, type WebPort } from './web-globals.js';

/** Typed-ahead input kept while the console is not reading, at most. */
const MAX_PENDING_BYTES = 64 * 1024;

export function ttyStdio(channelName: string): HostStdio {
  let channel: WebPort | null = null;
  let size = { columns: 80, rows: 24 };
  let onData: ((chunk: Uint8Array) => void) | null = null;
  let reading = false;
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const open = (): WebPort => {
    if (channel) return channel;
    const c = newBroadcastChannel(channelName);
    c.addEventListener('message', (e) => {
      const m = e.data as TtyMessage;
      if (m.kind === 'size') size = { columns: m.columns, rows: m.rows };
      else if (m.kind === 'in') {
        if (reading && onData) onData(m.bytes);
        else if (pendingBytes + m.bytes.length <= MAX_PENDING_BYTES) {
          pending.push(m.bytes);
          pendingBytes += m.bytes.length;
        }
      }
    });
    c.postMessage({ kind: 'ask-size' } satisfies TtyMessage);
    channel = c;
    return c;
  };

  return {
    write(fd, bytes) {
      // Copied: the caller may reuse its buffer, and a view on shared memory cannot be posted.
      open().postMessage({ kind: 'out', fd, bytes: bytes.slice() } satisfies TtyMessage);
    },
    readStdin(data) {
      open();
      onData = data;
      reading = true;
      while (pending.length > 0 && reading) {
        const chunk = pending.shift()!;
        pendingBytes -= chunk.length;
        data(chunk);
      }
    },
    pauseStdin() {
      reading = false;
    },
    isTerminal: () => true,
    setRawMode() {
      // The terminal is always raw: xterm.js sends keys as typed.
    },
    size() {
      open();
      return size;
    },
  };
}
