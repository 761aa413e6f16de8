/**
 * The terminal line discipline: what sits between a keyboard and the programs reading it.
 *
 * Echo ends lines with "\n" alone: the host terminal keeps output processing (ONLCR) in raw mode.
 * Cooked mode (the default on a terminal): characters are echoed and collected into a line that
 * can be edited — backspace, ^U (kill line), ^W (kill word), left/right, home/end (^A/^E, or the
 * keys), delete, and up/down through the history of lines entered. Enter hands the line (with
 * "\n") to readers; ^D on an empty line is end of input for one read (else it hands over the line
 * without a newline); ^C discards the line and interrupts; ^Z asks to suspend.
 * Raw mode: every byte reaches readers as typed, with no echo and no special keys.
 *
 * Invariants: `cursor` is within [0, line.length]; the echo keeps the terminal's cursor at the
 * same place in the line as `cursor` (as long as the line fits on one terminal row).
 * Pure: input bytes in, echo bytes and reader data out through callbacks; no host access.
 */

import { decodeText } from '../../abi/text-codec.js';

export interface DisciplineOutput {
  /** Bytes to show on the terminal (echo, redraws). */
  echo(text: string): void;
  /** Data for readers; `null` is one end-of-input (^D). */
  deliver(data: Uint8Array | null): void;
  /** ^C: the line is gone; interrupt the foreground job. */
  interrupt(): void;
  /** ^Z: suspend the foreground job. */
  suspend(): void;
}

const MAX_HISTORY = 500;
const MAX_LINE = 64 * 1024;
const encoder = new TextEncoder();

export class LineDiscipline {
  raw = false;
  private line: string[] = [];
  private cursor = 0;
  private readonly history: string[] = [];
  /** Position while browsing history (history.length = the line being typed). */
  private browse = 0;
  private draft: string[] = [];
  private readonly decoder = new TextDecoder('utf-8');
  /** Bytes of an escape sequence being collected. */
  private escape = '';

  constructor(private readonly out: DisciplineOutput) {}

  /** The history, oldest first. */
  entries(): readonly string[] {
    return this.history;
  }

  input(bytes: Uint8Array): void {
    if (this.raw) {
      this.out.deliver(bytes);
      return;
    }
    for (const ch of decodeText(this.decoder, bytes, { stream: true })) this.key(ch);
  }

  private key(ch: string): void {
    if (this.escape !== '') {
      this.escape += ch;
      if (this.escape.length === 2 && ch !== '[' && ch !== 'O') this.escape = '';
      else if (this.escape.length > 2 && /[A-Za-z~]/.test(ch)) {
        const seq = this.escape;
        this.escape = '';
        this.escapeSequence(seq.slice(2));
      } else if (this.escape.length > 8) this.escape = '';
      return;
    }
    switch (ch) {
      case '\x1b': this.escape = ch; return;
      case '\r':
      case '\n': this.enter(); return;
      case '\x7f':
      case '\b': this.backspace(); return;
      case '\x03': this.cancel('^C'); this.out.interrupt(); return;
      case '\x1a': this.cancel('^Z'); this.out.suspend(); return;
      case '\x04': this.endOfInput(); return;
      case '\x15': this.killTo(0); return;
      case '\x17': this.killWord(); return;
      case '\x01': this.moveTo(0); return;
      case '\x05': this.moveTo(this.line.length); return;
      case '\t': this.insert('\t'); return;
    }
    if (ch < ' ') return; // other control characters are ignored
    this.insert(ch);
  }

  private escapeSequence(body: string): void {
    switch (body) {
      case 'A': this.recall(-1); break;
      case 'B': this.recall(1); break;
      case 'C': this.moveTo(this.cursor + 1); break;
      case 'D': this.moveTo(this.cursor - 1); break;
      case 'H': case '1~': case '7~': this.moveTo(0); break;
      case 'F': case '4~': case '8~': this.moveTo(this.line.length); break;
      case '3~': this.deleteAt(); break;
    }
  }

  private insert(ch: string): void {
    if (this.line.length >= MAX_LINE) return;
    this.line.splice(this.cursor, 0, ch);
    this.cursor++;
    const rest = this.line.slice(this.cursor).join('');
    this.out.echo(ch + rest + back(rest.length));
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    this.cursor--;
    this.line.splice(this.cursor, 1);
    const rest = this.line.slice(this.cursor).join('');
    this.out.echo(`\b${rest} ${back(rest.length + 1)}`);
  }

  private deleteAt(): void {
    if (this.cursor >= this.line.length) return;
    this.line.splice(this.cursor, 1);
    const rest = this.line.slice(this.cursor).join('');
    this.out.echo(`${rest} ${back(rest.length + 1)}`);
  }

  private moveTo(pos: number): void {
    const to = Math.max(0, Math.min(this.line.length, pos));
    if (to < this.cursor) this.out.echo(back(this.cursor - to));
    else if (to > this.cursor) this.out.echo(this.line.slice(this.cursor, to).join(''));
    this.cursor = to;
  }

  /** Replace the whole line on screen and in the buffer. */
  private replace(chars: string[]): void {
    this.moveTo(0);
    this.line = chars;
    this.cursor = chars.length;
    this.out.echo(`${chars.join('')}\x1b[K`);
  }

  private killTo(start: number): void {
    if (this.cursor <= start) return;
    const rest = this.line.slice(this.cursor);
    const removed = this.cursor - start;
    this.line.splice(start, removed);
    this.out.echo(`${back(removed)}${rest.join('')}\x1b[K${back(rest.length)}`);
    this.cursor = start;
  }

  private killWord(): void {
    let i = this.cursor;
    while (i > 0 && this.line[i - 1] === ' ') i--;
    while (i > 0 && this.line[i - 1] !== ' ') i--;
    this.killTo(i);
  }

  private recall(step: number): void {
    const to = this.browse + step;
    if (to < 0 || to > this.history.length) return;
    if (this.browse === this.history.length) this.draft = this.line;
    this.browse = to;
    this.replace(to === this.history.length ? [...this.draft] : [...this.history[to]!]);
  }

  private enter(): void {
    const text = this.line.join('');
    this.out.echo('\n');
    if (text.trim() !== '' && this.history[this.history.length - 1] !== text) {
      this.history.push(text);
      if (this.history.length > MAX_HISTORY) this.history.shift();
    }
    this.reset();
    this.out.deliver(encoder.encode(`${text}\n`));
  }

  private endOfInput(): void {
    if (this.line.length === 0) {
      this.out.deliver(null);
      return;
    }
    const text = this.line.join('');
    this.reset();
    this.out.deliver(encoder.encode(text));
  }

  private cancel(shown: string): void {
    this.out.echo(`${shown}\n`);
    this.reset();
  }

  private reset(): void {
    this.line = [];
    this.cursor = 0;
    this.browse = this.history.length;
    this.draft = [];
  }
}

/** Move the terminal cursor left by n. */
function back(n: number): string {
  return n > 0 ? `\x1b[${n}D` : '';
}
