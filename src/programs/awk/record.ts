/**
 * The current record of an awk program and its fields: split from $0 on first use (FS " " on
 * runs of blanks, "" into characters, one other character literally, anything longer as a
 * regular expression; in paragraph mode newlines separate fields too); assigning a field or NF
 * rebuilds $0 with OFS, assigning $0 splits it again.
 */

import { AwkRuntimeError } from './errors.js';
import { splitRegex } from './strings.js';
import { UNINIT, type Value, input } from './values.js';

export interface RecordSettings {
  /** FS, OFS and RS as strings. */
  fs(): string;
  ofs(): string;
  rs(): string;
  /** A value as a string (CONVFMT). */
  str(v: Value): string;
  regex(source: string): RegExp;
}

export class Record {
  private record = '';
  private fields: string[] | null = null;
  private nf = 0;

  constructor(private readonly settings: RecordSettings) {}

  get text(): string {
    return this.record;
  }

  setRecord(text: string): void {
    this.record = text;
    this.fields = null;
  }

  private split(): string[] {
    if (this.fields === null) {
      this.fields = this.splitText(this.record, this.settings.fs(), this.settings.rs() === '');
      this.nf = this.fields.length;
    }
    return this.fields;
  }

  /** Split `text` as FS `fs` splits a record. */
  splitText(text: string, fs: string, paragraph = false): string[] {
    if (text === '') return [];
    if (fs === ' ') return text.split(/[ \t\n]+/).filter((f, i, all) => f !== '' || (i > 0 && i < all.length - 1));
    if (fs === '') return Array.from(text);
    const lines = paragraph && fs !== '\n' ? text.split('\n') : [text];
    const out: string[] = [];
    for (const line of lines) {
      if (fs.length === 1 && fs !== '\\') out.push(...line.split(fs));
      else out.push(...splitRegex(line, this.settings.regex(fs)));
    }
    return out;
  }

  getField(i: number): Value {
    if (i === 0) return input(this.record);
    if (i < 0) throw new AwkRuntimeError(`negative field index $${i}`);
    const f = this.split()[i - 1];
    return f === undefined ? UNINIT : input(f);
  }

  setField(i: number, v: Value): void {
    if (i === 0) {
      this.setRecord(this.settings.str(v));
      return;
    }
    if (i < 0) throw new AwkRuntimeError(`negative field index $${i}`);
    const fields = this.split();
    while (fields.length < i) fields.push('');
    fields[i - 1] = this.settings.str(v);
    this.nf = fields.length;
    this.rebuild();
  }

  getNF(): number {
    this.split();
    return this.nf;
  }

  setNF(n: number): void {
    const fields = this.split();
    const count = Math.max(0, Math.trunc(n));
    while (fields.length < count) fields.push('');
    fields.length = count;
    this.nf = count;
    this.rebuild();
  }

  private rebuild(): void {
    this.record = this.fields!.join(this.settings.ofs());
  }
}
