/**
 * fold [-bs] [-w WIDTH] [FILE...]: wrap lines at WIDTH columns (80), as GNU fold: a tab moves to
 * the next multiple of 8, backspace back one, carriage return to 0 (unless -b, which counts
 * bytes); -s breaks after the last blank within the width when there is one.
 */

import type { Sys } from '../../sys/sys.js';
import { eachFile, guarded, usage } from '../lib/inputs.js';

function advance(col: number, c: string, bytes: boolean): number {
  if (bytes) return col + new TextEncoder().encode(c).length;
  if (c === '\t') return col + 8 - (col % 8);
  if (c === '\b') return Math.max(0, col - 1);
  if (c === '\r') return 0;
  return col + 1;
}

function fold(line: string, width: number, spaces: boolean, bytes: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  let col = 0;
  for (const c of line) {
    let next = advance(col, c, bytes);
    if (next > width && cur !== '') {
      let cut = cur.length;
      if (spaces) {
        const blank = Math.max(cur.lastIndexOf(' '), cur.lastIndexOf('\t'));
        if (blank >= 0) cut = blank + 1;
      }
      out.push(cur.slice(0, cut));
      cur = cur.slice(cut);
      col = 0;
      for (const d of cur) col = advance(col, d, bytes);
      next = advance(col, c, bytes);
    }
    cur += c;
    col = next;
  }
  out.push(cur);
  return out;
}

export function main(sys: Sys): number {
  let width = 80, spaces = false, bytes = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[0-9]+$/.test(a)) width = Number(a.slice(1));
    else if (a.startsWith('--width=')) width = Number(a.slice(8));
    else if (a.startsWith('-') && a.length > 1 && a !== '--' && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === 's') spaces = true;
        else if (c === 'b') bytes = true;
        else if (c === 'w') {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined || !/^[0-9]+$/.test(v) || Number(v) === 0) return usage(sys, 'fold', `invalid number of columns: '${v ?? ''}'`);
          width = Number(v);
          break;
        } else return usage(sys, 'fold', `invalid option -- '${c}'`);
      }
    } else if (a !== '--') files.push(a);
  }
  const out = sys.writer(1);
  return guarded(sys, 'fold', () => {
    const status = eachFile(sys, 'fold', files, (fd) => {
      const text = new TextDecoder().decode(sys.readAll(fd));
      const records = text.split('\n');
      records.forEach((line, i) => {
        if (i === records.length - 1 && line === '') return;
        const parts = fold(line, width, spaces, bytes);
        out.write(parts.join('\n') + (i < records.length - 1 ? '\n' : ''));
      });
    });
    out.flush();
    return status;
  });
}
