/**
 * The page's terminal: an xterm.js Terminal joined to the console service over the boot's
 * BroadcastChannel. Keys go out raw (the console's line discipline echoes, edits and turns ^C
 * into SIGINT); output comes back as bytes; the size is sent on every resize and whenever a
 * console thread asks. `text()` is the screen as plain lines, for tests and for copy.
 */

import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { TtyMessage } from '../../src/platform/browser/tty-messages.js';

export interface PageTerminal {
  /** Write a notice from the page itself (not from a program). */
  notice(text: string): void;
  text(): string;
  /** Columns of the terminal now (the console is told every change). */
  columns(): number;
  focus(): void;
}

export function openTerminal(element: HTMLElement, channelName: string): PageTerminal {
  const term = new Terminal({
    convertEol: true,
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
    fontSize: 14,
    lineHeight: 1.2,
    scrollback: 5000,
    theme: { background: '#101318' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(element);
  fit.fit();

  const channel = new BroadcastChannel(channelName);
  const send = (m: TtyMessage): void => channel.postMessage(m);
  const sendSize = (): void => send({ kind: 'size', columns: term.cols, rows: term.rows });
  const encoder = new TextEncoder();
  channel.onmessage = (e: MessageEvent<TtyMessage>) => {
    const m = e.data;
    if (m.kind === 'out') term.write(m.bytes);
    else if (m.kind === 'ask-size') sendSize();
  };
  term.onData((data) => send({ kind: 'in', bytes: encoder.encode(data) }));
  term.onBinary((data) => send({ kind: 'in', bytes: Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff) }));
  term.onResize(sendSize);
  new ResizeObserver(() => fit.fit()).observe(element);

  return {
    // On a line of its own: a notice may arrive while the prompt is on the screen.
    notice: (text) => term.write(`${term.buffer.active.cursorX > 0 ? '\r\n' : ''}\x1b[2m${text.replace(/\n/g, '\r\n')}\x1b[0m\r\n`),
    text() {
      const lines: string[] = [];
      const buffer = term.buffer.active;
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n').replace(/\n+$/, '');
    },
    columns: () => term.cols,
    focus: () => term.focus(),
  };
}
