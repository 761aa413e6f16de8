/**
 * awk's input and output: reading records from an fd under RS, and the files and commands that
 * `print > file`, `print | cmd`, `getline < file` and `cmd | getline` open by name (kept open
 * until close()).
 *
 * RS: a newline (the default) or any single character separates records; "" is paragraph mode
 * (records end at blank lines, leading newlines skipped); longer RS is a regular expression (as
 * gawk and mawk). Commands run as `sh -c CMD` with the other end of a pipe.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';
import { findCommand } from '../lib/find-command.js';
import { toJsRegExp } from '../lib/posix-regex.js';

export class RecordReader {
  private buffer = '';
  private ended = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly sys: Sys, private readonly fd: number) {}

  private fill(): boolean {
    if (this.ended) return false;
    const chunk = this.sys.read(this.fd);
    if (chunk.length === 0) {
      this.ended = true;
      this.buffer += this.decoder.decode();
      return false;
    }
    this.buffer += decodeText(this.decoder, chunk, { stream: true });
    return true;
  }

  /** The next record under `rs`, or null at the end. */
  next(rs: string): string | null {
    if (rs === '') return this.paragraph();
    if (rs.length === 1) {
      for (;;) {
        const at = this.buffer.indexOf(rs);
        if (at >= 0) {
          const rec = this.buffer.slice(0, at);
          this.buffer = this.buffer.slice(at + 1);
          return rec;
        }
        if (!this.fill()) return this.rest();
      }
    }
    const re = new RegExp(toJsRegExp(rs, false), 'gs');
    for (;;) {
      re.lastIndex = 0;
      const m = re.exec(this.buffer);
      if (m && m[0] !== '' && (this.ended || m.index + m[0].length < this.buffer.length)) {
        const rec = this.buffer.slice(0, m.index);
        this.buffer = this.buffer.slice(m.index + m[0].length);
        return rec;
      }
      if (!this.fill()) {
        re.lastIndex = 0;
        const last = re.exec(this.buffer);
        if (last && last[0] !== '') {
          const rec = this.buffer.slice(0, last.index);
          this.buffer = this.buffer.slice(last.index + last[0].length);
          return rec;
        }
        return this.rest();
      }
    }
  }

  private rest(): string | null {
    if (this.buffer === '') return null;
    const rec = this.buffer;
    this.buffer = '';
    return rec;
  }

  private paragraph(): string | null {
    for (;;) {
      this.buffer = this.buffer.replace(/^\n+/, '');
      if (this.buffer === '' && !this.fill()) return null;
      if (this.buffer !== '') break;
    }
    for (;;) {
      const m = /\n\n+/.exec(this.buffer);
      if (m && (this.ended || m.index + m[0].length < this.buffer.length)) {
        const rec = this.buffer.slice(0, m.index);
        this.buffer = this.buffer.slice(m.index + m[0].length);
        return rec;
      }
      if (!this.fill()) {
        const rec = this.buffer.replace(/\n+$/, '');
        this.buffer = '';
        return rec === '' ? null : rec;
      }
    }
  }
}

interface Output { readonly fd: number; readonly pid: number | null; text: string }
interface Input { readonly reader: RecordReader; readonly fd: number; readonly pid: number | null }

/** Files and commands opened by name; `flushStdout` writes awk's own buffered output first. */
export class Streams {
  private readonly outputs = new Map<string, Output>();
  private readonly inputs = new Map<string, Input>();
  stdout = '';

  constructor(private readonly sys: Sys) {}

  private shell(): string {
    return findCommand(this.sys, 'sh', this.sys.env.get('PATH') ?? '/bin') ?? '/bin/sh';
  }

  flushStdout(): void {
    if (this.stdout !== '') {
      const text = this.stdout;
      this.stdout = '';
      this.sys.write(1, text);
    }
  }

  writeStdout(text: string): void {
    this.stdout += text;
    if (this.stdout.length > 32 * 1024) this.flushStdout();
  }

  /** Write to the file or command `name` (opened on first use with `mode`). */
  write(name: string, mode: '>' | '>>' | '|', text: string): void {
    if (mode !== '|' && (name === '/dev/stdout' || name === '-')) {
      this.writeStdout(text);
      return;
    }
    if (mode !== '|' && name === '/dev/stderr') {
      this.flushStdout();
      this.sys.write(2, text);
      return;
    }
    let out = this.outputs.get(name);
    if (!out) {
      if (mode === '|') {
        this.flushStdout();
        const [r, w] = this.sys.pipe();
        let pid: number;
        try {
          pid = this.sys.spawn(this.shell(), { args: ['sh', '-c', name], fds: [[0, r], [1, 1], [2, 2]] });
        } finally {
          this.sys.close(r);
        }
        out = { fd: w, pid, text: '' };
      } else {
        out = { fd: this.sys.open(name, { write: true, create: true, truncate: mode === '>', append: mode === '>>' }), pid: null, text: '' };
      }
      this.outputs.set(name, out);
    }
    out.text += text;
    if (out.text.length > 32 * 1024) this.flushOutput(out);
  }

  private flushOutput(out: Output): void {
    if (out.text === '') return;
    const text = out.text;
    out.text = '';
    this.sys.write(out.fd, text);
  }

  /** The next record from file or command `name` (opened on first use); null at the end, undefined when it cannot be opened. */
  read(name: string, isCommand: boolean, rs: string): string | null | undefined {
    let input = this.inputs.get(name);
    if (!input) {
      try {
        if (isCommand) {
          this.flushAll();
          const [r, w] = this.sys.pipe();
          let pid: number;
          try {
            pid = this.sys.spawn(this.shell(), { args: ['sh', '-c', name], fds: [[0, 0], [1, w], [2, 2]] });
          } finally {
            this.sys.close(w);
          }
          input = { reader: new RecordReader(this.sys, r), fd: r, pid };
        } else {
          const fd = name === '-' || name === '/dev/stdin' ? 0 : this.sys.open(name, { read: true });
          input = { reader: new RecordReader(this.sys, fd), fd, pid: null };
        }
      } catch (e) {
        if (e instanceof SysError) return undefined;
        throw e;
      }
      this.inputs.set(name, input);
    }
    return input.reader.next(rs);
  }

  /** close(name): the command's exit status, 0 for a file, -1 when nothing was open. */
  close(name: string): number {
    let status = -1;
    const out = this.outputs.get(name);
    if (out) {
      this.outputs.delete(name);
      this.flushOutput(out);
      this.sys.close(out.fd);
      status = out.pid !== null ? this.sys.wait(out.pid).code : 0;
    }
    const input = this.inputs.get(name);
    if (input) {
      this.inputs.delete(name);
      if (input.fd !== 0) this.sys.close(input.fd);
      status = input.pid !== null ? this.sys.wait(input.pid).code : 0;
    }
    return status;
  }

  flushAll(): void {
    this.flushStdout();
    for (const out of this.outputs.values()) this.flushOutput(out);
  }

  closeAll(): void {
    this.flushStdout();
    for (const name of [...this.outputs.keys(), ...this.inputs.keys()]) this.close(name);
  }

  /** system(cmd): run it with awk's fds after flushing; its exit status. */
  system(cmd: string): number {
    this.flushAll();
    const pid = this.sys.spawn(this.shell(), { args: ['sh', '-c', cmd], fds: [[0, 0], [1, 1], [2, 2]] });
    return this.sys.wait(pid).code;
  }
}
