/**
 * cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=S] [FILE...]:
 * print the selected bytes, characters or fields of each line, as GNU cut (whose -c counts bytes,
 * like -b).
 *
 * LIST: N, N-M, N-, -M, separated by commas; the selected parts come out in input order, once
 * each. Fields are separated by DELIM (a tab by default); a line without DELIM is printed whole,
 * or not at all with -s. The output delimiter is DELIM (for -f) or nothing (for -b), unless given.
 */

import type { Sys } from '../../sys/sys.js';
import { eachFile, guarded, usage } from '../lib/inputs.js';

type Range = readonly [number, number];

function parseList(list: string): Range[] | string {
  const out: Range[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || part === '' || part === '-') return `invalid byte, character or field list`;
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (lo === 0 || hi === 0) return m[2] === '' || m[1] === '0' ? 'fields are numbered from 1' : 'invalid range with no endpoint: -';
    if (hi < lo) return 'invalid decreasing range';
    out.push([lo, hi]);
  }
  return out;
}

export function main(sys: Sys): number {
  let mode: 'b' | 'f' | null = null;
  let list: string | null = null;
  let delim = '\t';
  let outDelim: string | null = null;
  let onlyDelimited = false;
  let complement = false;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (inline: string): string | undefined => (inline !== '' ? inline : args[++i]);
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, v] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
      if (name === 'complement') complement = true;
      else if (name === 'only-delimited') onlyDelimited = true;
      else if (name === 'output-delimiter') outDelim = v ?? args[++i] ?? '';
      else if (name === 'delimiter') delim = v ?? args[++i] ?? '';
      else if (name === 'fields' || name === 'bytes' || name === 'characters') {
        mode = name === 'fields' ? 'f' : 'b';
        list = v ?? args[++i] ?? '';
      } else return usage(sys, 'cut', `unrecognized option '${a}'`);
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      const c = a[1]!;
      if (c === 'b' || c === 'c' || c === 'f') {
        if (mode !== null) return usage(sys, 'cut', 'only one type of list may be specified');
        mode = c === 'f' ? 'f' : 'b';
        list = value(a.slice(2)) ?? null;
        if (list === null) return usage(sys, 'cut', `option requires an argument -- '${c}'`);
      } else if (c === 'd') {
        const d = value(a.slice(2));
        if (d === undefined) return usage(sys, 'cut', "option requires an argument -- 'd'");
        delim = d;
      } else if (c === 's') onlyDelimited = true;
      else if (c === 'n') continue;
      else return usage(sys, 'cut', `invalid option -- '${c}'`);
      continue;
    }
    files.push(a);
  }
  if (mode === null || list === null) return usage(sys, 'cut', 'you must specify a list of bytes, characters, or fields');
  if ([...delim].length !== 1) return usage(sys, 'cut', 'the delimiter must be a single character');
  const ranges = parseList(list);
  if (typeof ranges === 'string') return usage(sys, 'cut', ranges);
  const selected = (n: number): boolean => ranges.some(([lo, hi]) => n >= lo && n <= hi) !== complement;
  const out = sys.writer(1);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return guarded(sys, 'cut', () => {
    const status = eachFile(sys, 'cut', files, (fd) => {
      const text = decoder.decode(sys.readAll(fd));
      if (text === '') return;
      const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
      for (const line of lines) {
        if (mode === 'b') {
          const bytes = encoder.encode(line);
          const parts: number[] = [];
          const pieces: Uint8Array[] = [];
          let prev = -2;
          bytes.forEach((_, i) => {
            if (!selected(i + 1)) return;
            if (outDelim !== null && prev !== i - 1 && parts.length > 0) pieces.push(encoder.encode(outDelim));
            parts.push(i);
            pieces.push(bytes.subarray(i, i + 1));
            prev = i;
          });
          let s = '';
          const all = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
          let off = 0;
          for (const p of pieces) {
            all.set(p, off);
            off += p.length;
          }
          s = decoder.decode(all);
          out.line(s);
          continue;
        }
        if (!line.includes(delim)) {
          if (!onlyDelimited) out.line(line);
          continue;
        }
        const fields = line.split(delim);
        out.line(fields.filter((_, i) => selected(i + 1)).join(outDelim ?? delim));
      }
    });
    out.flush();
    return status;
  });
}
