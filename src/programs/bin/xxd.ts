/**
 * xxd [-p] [-i] [-u] [-c COLS] [-g BYTES] [-l LEN] [-s SEEK] [-r] [FILE]: a hex dump, as vim's
 * xxd: `00000000: 6865 6c6c 6f0a  hello.` with COLS bytes a line (16; 30 with -p, 12 with -i)
 * in groups of BYTES (2), then the printable characters; -p plain hex, -i a C array, -u upper
 * case; -r turns a plain (-p) or normal dump back into bytes.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

export function main(sys: Sys): number {
  let plain = false, include = false, upper = false, reverse = false;
  let cols: number | null = null, group: number | null = null, len = Infinity, seek = 0;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = (inline: string): number => Number(inline !== '' ? inline : args[++i]);
    if (a === '-p' || a === '-ps' || a === '-plain') plain = true;
    else if (a === '-i' || a === '-include') include = true;
    else if (a === '-u') upper = true;
    else if (a === '-r' || a === '-revert') reverse = true;
    else if (a.startsWith('-c')) cols = v(a.slice(2));
    else if (a.startsWith('-g')) group = v(a.slice(2));
    else if (a.startsWith('-l')) len = v(a.slice(2));
    else if (a.startsWith('-s')) seek = v(a.slice(2));
    else if (a.startsWith('-') && a !== '-') return usage(sys, 'xxd', `invalid option ${a}`);
    else files.push(a);
  }
  const name = files[0] ?? '-';
  let data: Uint8Array;
  try {
    data = name === '-' ? sys.readAll(0) : sys.readFile(name);
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `xxd: ${name}: ${errorText(e.errno)}\n`);
    return 2;
  }
  const out = sys.writer(1);
  const hex = (b: number): string => {
    const h = b.toString(16).padStart(2, '0');
    return upper ? h.toUpperCase() : h;
  };
  if (reverse) {
    const text = new TextDecoder().decode(data);
    const bytes: number[] = [];
    for (const line of text.split('\n')) {
      const body = plain ? line : line.replace(/^[0-9a-fA-F]+:\s?/, '').split('  ')[0] ?? '';
      for (const m of body.matchAll(/[0-9a-fA-F]{2}/g)) bytes.push(parseInt(m[0], 16));
    }
    sys.write(1, Uint8Array.from(bytes));
    return 0;
  }
  data = data.subarray(Math.min(seek, data.length), Number.isFinite(len) ? Math.min(data.length, seek + len) : data.length);
  if (plain) {
    const c = cols ?? 30;
    for (let off = 0; off < data.length; off += c) out.line(Array.from(data.subarray(off, off + c), hex).join(''));
  } else if (include) {
    const c = cols ?? 12;
    const ident = name === '-' ? null : name.replace(/[^A-Za-z0-9]/g, '_').replace(/^([0-9])/, '__$1');
    if (ident) out.line(`unsigned char ${ident}[] = {`);
    const rows: string[] = [];
    for (let off = 0; off < data.length; off += c) rows.push(`  ${Array.from(data.subarray(off, off + c), (b) => `0x${hex(b)}`).join(', ')}`);
    if (rows.length > 0) out.line(rows.join(',\n'));
    if (ident) out.line(`};\nunsigned int ${ident}_len = ${data.length};`);
  } else {
    const c = cols ?? 16;
    const g = group ?? 2;
    const full = c * 2 + (g > 0 ? Math.ceil(c / g) - 1 : 0);
    for (let off = 0; off < data.length; off += c) {
      const row = data.subarray(off, off + c);
      let h = '';
      row.forEach((b, k) => {
        if (g > 0 && k > 0 && k % g === 0) h += ' ';
        h += hex(b);
      });
      const chars = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      out.line(`${(seek + off).toString(16).padStart(8, '0')}: ${h.padEnd(full)}  ${chars}`);
    }
  }
  try {
    out.flush();
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return 0;
}
