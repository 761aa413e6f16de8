/**
 * base64 [-d] [-i] [-w COLS] [FILE]: encode a file (or standard input) in base64, lines wrapped at
 * COLS (76; 0 for none), or decode it with -d (newlines ignored; -i ignores every other
 * non-alphabet character). Invalid input: `base64: invalid input`, status 1.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { usage } from '../lib/inputs.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!
      + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? ALPHABET[n & 63]! : '=');
  }
  return out;
}

/** The bytes, or null when the text is not valid base64. */
export function decode(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '');
  if (/=/.test(clean) || clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor(clean.length * 3 / 4));
  let bits = 0, value = 0, k = 0;
  for (const c of clean) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (value >> bits) & 255;
    }
  }
  return out.subarray(0, k);
}

export function main(sys: Sys): number {
  let decoding = false, ignoreGarbage = false;
  let wrap = 76;
  const files: string[] = [];
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-d' || a === '--decode') decoding = true;
    else if (a === '-i' || a === '--ignore-garbage') ignoreGarbage = true;
    else if (a === '-w' || a.startsWith('-w') || a.startsWith('--wrap=')) {
      const v = a.startsWith('--') ? a.slice(7) : a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined || !/^[0-9]+$/.test(v)) return usage(sys, 'base64', `invalid wrap size: '${v ?? ''}'`);
      wrap = Number(v);
    } else if (a.startsWith('-') && a !== '-') return usage(sys, 'base64', `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (files.length > 1) return usage(sys, 'base64', `extra operand '${files[1]!}'`);
  const name = files[0] ?? '-';
  let input: Uint8Array;
  try {
    input = name === '-' ? sys.readAll(0) : sys.readFile(name);
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
    sys.write(2, `base64: ${name}: ${errorText(e.errno)}\n`);
    return 1;
  }
  try {
    if (decoding) {
      let text = new TextDecoder('latin1').decode(input).replace(/[\n\r]/g, '');
      if (ignoreGarbage) text = text.replace(/[^A-Za-z0-9+/=]/g, '');
      const bytes = decode(text);
      if (!bytes) {
        sys.write(2, 'base64: invalid input\n');
        return 1;
      }
      sys.write(1, bytes);
      // As GNU: what decodes is written, but input that is not whole 4-character groups is invalid.
      if (text.length % 4 !== 0) {
        sys.write(2, 'base64: invalid input\n');
        return 1;
      }
      return 0;
    }
    const text = encode(input);
    if (wrap === 0) sys.write(1, text === '' ? '' : `${text}\n`);
    else {
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += wrap) lines.push(text.slice(i, i + wrap));
      sys.write(1, lines.map((l) => `${l}\n`).join(''));
    }
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return 0;
}
