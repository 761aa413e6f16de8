/**
 * tar -c|-x|-t [-vzO] [-f ARCHIVE] [-C DIR] [--strip-components=N] [--exclude=PATTERN] [FILE...]:
 * create, extract or list ustar archives (lib/ustar.ts), as GNU tar for the options scripts use.
 * The first argument may bundle the letters without a dash (`tar czf out.tgz dir`); f and C take
 * the following arguments in order. ARCHIVE `-` (the default) is standard input or output.
 *
 * -c adds each FILE, directories with their contents in name order; leading `/` is removed from
 * names (with GNU's notice). -x makes directories, files and symbolic links and sets their
 * modification times; -O writes file contents to standard output instead. -t lists names, with -v
 * in GNU's long form (`-rw-r--r-- keel/keel  6 2024-03-05 10:20 a.txt`; Keel has no permission
 * bits: files are 0644, directories 0755). -z (or a gzip archive when reading) goes through
 * fflate. Status: 0; 2 for a fatal error.
 */

import { Gzip, gunzipSync } from 'fflate/browser';
import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { BLOCK, RECORD, type TarEntry, TarFormatError, entries, header } from '../lib/ustar.js';
import { matchPattern } from '../sh/pattern.js';
import { formatDate } from './date.js';

interface Options {
  mode: 'c' | 'x' | 't' | null;
  verbose: boolean;
  gzip: boolean;
  toStdout: boolean;
  file: string;
  dir: string | null;
  strip: number;
  exclude: string[];
  files: string[];
}

class Fatal extends Error {}

function parseArgs(sys: Sys): Options | string {
  const o: Options = { mode: null, verbose: false, gzip: false, toStdout: false, file: '-', dir: null, strip: 0, exclude: [], files: [] };
  const args = sys.args.slice(1);
  if (args[0] !== undefined && !args[0].startsWith('-')) args[0] = `-${args[0]}`;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
      const v = (): string => value ?? args[++i] ?? '';
      switch (name) {
        case 'create': o.mode = 'c'; break;
        case 'extract': case 'get': o.mode = 'x'; break;
        case 'list': o.mode = 't'; break;
        case 'verbose': o.verbose = true; break;
        case 'gzip': case 'gunzip': case 'ungzip': o.gzip = true; break;
        case 'to-stdout': o.toStdout = true; break;
        case 'file': o.file = v(); break;
        case 'directory': o.dir = v(); break;
        case 'strip-components': o.strip = Number(v()); break;
        case 'exclude': o.exclude.push(v()); break;
        case 'no-same-owner': case 'no-same-permissions': case 'numeric-owner': break;
        default: return `unrecognized option '${a}'`;
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (const c of a.slice(1)) {
        if (c === 'c' || c === 'x' || c === 't') {
          if (o.mode !== null && o.mode !== c) return "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option";
          o.mode = c;
        } else if (c === 'v') o.verbose = true;
        else if (c === 'z') o.gzip = true;
        else if (c === 'O') o.toStdout = true;
        else if (c === 'f') o.file = args[++i] ?? '';
        else if (c === 'C') o.dir = args[++i] ?? '';
        else if (c === 'p' || c === 'o' || c === 'm') continue;
        else return `invalid option -- '${c}'`;
      }
      continue;
    }
    o.files.push(a);
  }
  return o;
}

export function main(sys: Sys): number {
  const o = parseArgs(sys);
  if (typeof o === 'string') {
    sys.write(2, `tar: ${o}\nTry 'tar --help' or 'tar --usage' for more information.\n`);
    return 2;
  }
  if (o.mode === null) {
    sys.write(2, "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  try {
    if (o.mode === 'c') return create(sys, o);
    return readArchive(sys, o);
  } catch (e) {
    if (e instanceof Fatal) {
      sys.write(2, `tar: ${e.message}\ntar: Error is not recoverable: exiting now\n`);
      return 2;
    }
    if (e instanceof SysError && e.code === 'EPIPE') return 2;
    throw e;
  }
}

function modeString(e: { type: string; mode: number }): string {
  const t = e.type === 'dir' ? 'd' : e.type === 'symlink' ? 'l' : e.type === 'hardlink' ? 'h' : '-';
  let s = t;
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (e.mode >> shift) & 7;
    s += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  return s;
}

function longListing(e: TarEntry): string {
  const owner = `${e.uname || '0'}/${e.gname || '0'}`;
  const size = String(e.size);
  const pad = Math.max(1, 19 - owner.length - size.length);
  const name = e.type === 'symlink' ? `${e.name} -> ${e.linkname}` : e.type === 'hardlink' ? `${e.name} link to ${e.linkname}` : e.name;
  return `${modeString(e)} ${owner}${' '.repeat(pad)}${size} ${formatDate('%Y-%m-%d %H:%M', e.mtime * 1000)} ${name}`;
}

function excluded(o: Options, name: string): boolean {
  const base = name.replace(/\/$/, '').split('/').pop() ?? name;
  return o.exclude.some((p) => matchPattern(p, base) || matchPattern(p, name.replace(/\/$/, '')));
}

function create(sys: Sys, o: Options): number {
  if (o.files.length === 0) throw new Fatal('Cowardly refusing to create an empty archive');
  const chunks: Uint8Array[] = [];
  let written = 0;
  const toStdout = o.file === '-';
  const outFd = toStdout ? 1 : openArchiveForWrite(sys, o.file);
  const gz = o.gzip ? new Gzip({ level: 6 }, (c) => sys.write(outFd, c)) : null;
  const emit = (b: Uint8Array): void => {
    written += b.length;
    if (gz) gz.push(b, false);
    else chunks.push(b);
    if (!gz && chunks.length > 64) flush();
  };
  const flush = (): void => {
    for (const c of chunks) sys.write(outFd, c);
    chunks.length = 0;
  };
  const log = (name: string): void => {
    if (o.verbose) sys.write(toStdout ? 2 : 1, `${name}\n`);
  };
  const base = o.dir;
  const real = (p: string): string => (base !== null && !p.startsWith('/') ? `${base.replace(/\/$/, '')}/${p}` : p);
  let status = 0;
  let warnedSlash = false;
  const add = (path: string, name: string): void => {
    if (excluded(o, name)) return;
    let st;
    try {
      st = sys.lstat(real(path));
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `tar: ${path}: Cannot stat: ${errorText(e.errno)}\n`);
      status = 2;
      return;
    }
    const mtime = Math.floor(st.mtimeMs / 1000);
    const common = { uname: 'keel', gname: 'keel', mtime };
    if (st.type === 'dir') {
      const dirName = name.endsWith('/') ? name : `${name}/`;
      emit(header({ ...common, name: dirName, type: 'dir', mode: 0o755, size: 0, linkname: '' }));
      log(dirName);
      for (const child of sys.readdir(real(path)).map((e) => e.name).sort()) add(`${path.replace(/\/$/, '')}/${child}`, `${dirName}${child}`);
    } else if (st.type === 'symlink') {
      emit(header({ ...common, name, type: 'symlink', mode: 0o777, size: 0, linkname: sys.readlink(real(path)) }));
      log(name);
    } else if (st.type === 'file') {
      const data = sys.readFile(real(path));
      emit(header({ ...common, name, type: 'file', mode: 0o644, size: data.length, linkname: '' }));
      log(name);
      emit(data);
      if (data.length % BLOCK !== 0) emit(new Uint8Array(BLOCK - (data.length % BLOCK)));
    } else {
      sys.write(2, `tar: ${path}: socket ignored\n`);
    }
  };
  for (const f of o.files) {
    let name = f;
    if (name.startsWith('/')) {
      if (!warnedSlash) sys.write(2, "tar: Removing leading `/' from member names\n");
      warnedSlash = true;
      name = name.replace(/^\/+/, '') || '.';
    }
    add(f, name);
  }
  const end = written + 2 * BLOCK;
  emit(new Uint8Array(2 * BLOCK + (Math.ceil(end / RECORD) * RECORD - end)));
  if (gz) gz.push(new Uint8Array(0), true);
  else flush();
  if (!toStdout) sys.close(outFd);
  if (status !== 0) sys.write(2, 'tar: Exiting with failure status due to previous errors\n');
  return status;
}

function openArchiveForWrite(sys: Sys, file: string): number {
  try {
    return sys.open(file, { write: true, create: true, truncate: true });
  } catch (e) {
    if (e instanceof SysError) throw new Fatal(`${file}: Cannot open: ${errorText(e.errno)}`);
    throw e;
  }
}

function readArchive(sys: Sys, o: Options): number {
  let data: Uint8Array;
  try {
    data = o.file === '-' ? sys.readAll(0) : sys.readFile(o.file);
  } catch (e) {
    if (e instanceof SysError) throw new Fatal(`${o.file}: Cannot open: ${errorText(e.errno)}`);
    throw e;
  }
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch {
      throw new Fatal('Child returned status 1');
    }
  } else if (o.gzip && data.length > 0) {
    sys.write(2, '\ngzip: stdin: not in gzip format\n');
    throw new Fatal('Child returned status 1');
  }
  let list: TarEntry[];
  try {
    list = entries(data);
  } catch (e) {
    if (e instanceof TarFormatError) {
      sys.write(2, `tar: ${e.message}\ntar: Exiting with failure status due to previous errors\n`);
      return 2;
    }
    throw e;
  }
  const wanted = o.files.map((f) => f.replace(/\/$/, ''));
  const found = new Set<string>();
  const selected = (name: string): boolean => {
    if (wanted.length === 0) return true;
    const n = name.replace(/\/$/, '');
    const hit = wanted.find((w) => n === w || n.startsWith(`${w}/`));
    if (hit !== undefined) found.add(hit);
    return hit !== undefined;
  };
  const out = sys.writer(1);
  let status = 0;
  const dirTimes: [string, number][] = [];
  for (const e of list) {
    if (!selected(e.name) || excluded(o, e.name)) continue;
    if (o.mode === 't') {
      out.line(o.verbose ? longListing(e) : e.name);
      continue;
    }
    let name = e.name;
    if (o.strip > 0) {
      const parts = name.split('/').filter((p) => p !== '');
      if (parts.length <= o.strip) continue;
      name = parts.slice(o.strip).join('/') + (e.type === 'dir' ? '/' : '');
    }
    if (o.verbose) out.line(name);
    if (o.toStdout) {
      if (e.type === 'file') {
        out.flush();
        sys.write(1, data.subarray(e.offset, e.offset + e.size));
      }
      continue;
    }
    const target = o.dir !== null ? `${o.dir.replace(/\/$/, '')}/${name}` : name;
    try {
      extractOne(sys, e, target, data);
      if (e.type === 'dir') dirTimes.push([target, e.mtime]);
    } catch (err) {
      if (!(err instanceof SysError)) throw err;
      out.flush();
      sys.write(2, `tar: ${name}: Cannot ${e.type === 'dir' ? 'mkdir' : 'open'}: ${errorText(err.errno)}\n`);
      status = 2;
    }
  }
  out.flush();
  for (const [dir, mtime] of dirTimes.reverse()) {
    try {
      sys.utimes(dir, null, mtime * 1000);
    } catch {
      // not ours to date
    }
  }
  for (const w of wanted) {
    if (!found.has(w)) {
      sys.write(2, `tar: ${w}: Not found in archive\n`);
      status = 2;
    }
  }
  if (status !== 0) sys.write(2, 'tar: Exiting with failure status due to previous errors\n');
  return status;
}

function makeParents(sys: Sys, path: string): void {
  const parts = path.split('/');
  let cur = path.startsWith('/') ? '' : '.';
  for (const p of parts.slice(0, -1)) {
    if (p === '') continue;
    cur = `${cur}/${p}`;
    if (!sys.exists(cur)) sys.mkdir(cur);
  }
}

function extractOne(sys: Sys, e: TarEntry, target: string, data: Uint8Array): void {
  const path = target.replace(/\/$/, '');
  if (path === '' || path === '.') return;
  makeParents(sys, path);
  if (e.type === 'dir') {
    if (!sys.exists(path)) sys.mkdir(path);
    return;
  }
  try {
    if (sys.lstat(path).type !== 'dir') sys.unlink(path);
  } catch {
    // nothing there
  }
  if (e.type === 'symlink') {
    sys.symlink(e.linkname, path);
    return;
  }
  if (e.type === 'hardlink') {
    sys.link(e.linkname, path);
    return;
  }
  sys.writeFile(path, data.subarray(e.offset, e.offset + e.size));
  sys.utimes(path, null, e.mtime * 1000);
}
