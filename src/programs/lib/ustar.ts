/**
 * The POSIX ustar archive format (tar): 512-byte headers and data padded to 512 bytes, two zero
 * blocks at the end, the archive padded to 10240 bytes (GNU's 20-block records). Reading also
 * understands GNU long names (`L`/`K` entries) and pax `path`/`linkpath` records, so archives
 * GNU tar makes read back.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly name: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly size: number;
  readonly mtime: number;
  readonly uname: string;
  readonly gname: string;
  readonly linkname: string;
  /** Where the data starts in the archive. */
  readonly offset: number;
}

export const BLOCK = 512;
export const RECORD = 20 * BLOCK;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function field(buf: Uint8Array, at: number, len: number, value: string): void {
  buf.set(encoder.encode(value).subarray(0, len), at);
}

function octal(buf: Uint8Array, at: number, len: number, value: number): void {
  field(buf, at, len, `${Math.max(0, Math.floor(value)).toString(8).padStart(len - 1, '0')}\0`);
}

/** Split a long name into ustar's prefix (≤155) and name (≤100) at a slash; null when it cannot. */
function splitName(name: string): [string, string] | null {
  const bytes = encoder.encode(name);
  if (bytes.length <= 100) return ['', name];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i), rest = name.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(rest).length <= 100 && rest !== '') return [prefix, rest];
  }
  return null;
}

/** One header (and, for a name too long for ustar, a GNU long-name entry before it). */
export function header(e: Omit<TarEntry, 'offset'>): Uint8Array {
  const split = splitName(e.name);
  const blocks: Uint8Array[] = [];
  if (!split) {
    const nameBytes = encoder.encode(`${e.name}\0`);
    blocks.push(header({ ...e, name: '././@LongLink', type: 'other', size: nameBytes.length, linkname: '' }).map((b, i) => (i === 156 ? 76 : b)));
    const data = new Uint8Array(Math.ceil(nameBytes.length / BLOCK) * BLOCK);
    data.set(nameBytes);
    blocks.push(data);
    // The long-name entry's checksum was computed with type '0' replaced above: recompute it.
    fixChecksum(blocks[0]!);
  }
  const h = new Uint8Array(BLOCK);
  const [prefix, name] = split ?? ['', e.name.slice(0, 100)];
  field(h, 0, 100, name);
  octal(h, 100, 8, e.mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, e.type === 'file' ? e.size : e.type === 'other' ? e.size : 0);
  octal(h, 136, 12, e.mtime);
  h[156] = e.type === 'dir' ? 53 : e.type === 'symlink' ? 50 : e.type === 'hardlink' ? 49 : 48;
  field(h, 157, 100, e.linkname);
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 265, 32, e.uname);
  field(h, 297, 32, e.gname);
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  field(h, 345, 155, prefix);
  fixChecksum(h);
  blocks.push(h);
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

function fixChecksum(h: Uint8Array): void {
  h.fill(32, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i]!;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
}

function str(buf: Uint8Array, at: number, len: number): string {
  const slice = buf.subarray(at, at + len);
  const nul = slice.indexOf(0);
  return decoder.decode(nul < 0 ? slice : slice.subarray(0, nul));
}

function num(buf: Uint8Array, at: number, len: number): number {
  const s = str(buf, at, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

export class TarFormatError extends Error {}

/** Every entry of an archive. */
export function entries(data: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  let pos = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax: Map<string, string> | null = null;
  while (pos + BLOCK <= data.length) {
    const h = data.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== num(h, 148, 8)) throw new TarFormatError('This does not look like a tar archive');
    const size = num(h, 124, 12);
    const typeflag = String.fromCharCode(h[156]!);
    const dataAt = pos + BLOCK;
    pos = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    const body = (): string => str(data, dataAt, size);
    if (typeflag === 'L') {
      longName = body();
      continue;
    }
    if (typeflag === 'K') {
      longLink = body();
      continue;
    }
    if (typeflag === 'x' || typeflag === 'g') {
      if (typeflag === 'x') pax = parsePax(decoder.decode(data.subarray(dataAt, dataAt + size)));
      continue;
    }
    const prefix = str(h, 345, 155);
    let name = longName ?? pax?.get('path') ?? (prefix !== '' ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    const linkname = longLink ?? pax?.get('linkpath') ?? str(h, 157, 100);
    longName = longLink = null;
    pax = null;
    const type: EntryType = typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : 'other';
    if (type === 'dir' && !name.endsWith('/')) name += '/';
    out.push({ name, type, mode: num(h, 100, 8), size: type === 'file' ? size : 0, mtime: num(h, 136, 12), uname: str(h, 265, 32), gname: str(h, 297, 32), linkname, offset: dataAt });
  }
  return out;
}

function parsePax(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
