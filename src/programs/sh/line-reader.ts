/**
 * Reading the shell's input a line at a time from an fd (a terminal in cooked mode delivers whole
 * lines; a pipe or file delivers chunks). `next` returns a line without its newline, null at end
 * of input, or 'interrupted' when the terminal's ^C failed the read (EINTR): the partial line is
 * dropped.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';

export class LineReader {
  private buffer = '';
  private ended = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly sys: Sys, private readonly fd: number) {}

  next(): string | null | 'interrupted' {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffer === '') return null;
        const line = this.buffer;
        this.buffer = '';
        return line;
      }
      let chunk: Uint8Array;
      try {
        chunk = this.sys.read(this.fd);
      } catch (e) {
        if (e instanceof SysError && e.code === 'EINTR') {
          this.buffer = '';
          return 'interrupted';
        }
        throw e;
      }
      if (chunk.length === 0) {
        // ^D on a terminal ends one read; a partial line before it is still a line.
        this.ended = true;
        this.buffer += this.decoder.decode();
        continue;
      }
      this.buffer += decodeText(this.decoder, chunk, { stream: true });
    }
  }
}
