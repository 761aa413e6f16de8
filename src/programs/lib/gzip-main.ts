/**
 * gzip, gunzip and zcat, as GNU gzip for the options scripts use; the compression itself is
 * fflate's (a well-kept, dependency-free deflate in JavaScript, imported in its browser build,
 * which touches no host API), run synchronously in streaming mode.
 *
 *   gzip [-cdfkqtvn] [-1…-9] [FILE...]    FILE → FILE.gz (FILE removed unless -k or -c)
 *   gunzip [-cfkqt] [FILE...]             FILE.gz (or .tgz → .tar, .z) → FILE
 *   zcat [FILE...]                        decompress to standard output
 * With no FILE (or `-`) standard input goes to standard output. The .gz header keeps the name
 * and modification time unless -n. An existing output file is kept unless -f. Status 0, 1 for an
 * error, 2 for a warning (as gzip).
 */

import { Gunzip, Gzip } from 'fflate/browser';
import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';

interface Options {
  decompress: boolean;
  stdout: boolean;
  force: boolean;
  keep: boolean;
  test: boolean;
  quiet: boolean;
  noName: boolean;
  level: number;
}

class NotGzip extends Error {}

/** Compress or decompress everything readable from `fd`, writing through `write`. */
function transform(sys: Sys, fd: number, o: Options, write: (b: Uint8Array) => void, name: string, mtimeMs: number): void {
  if (o.decompress) {
    let seen = 0;
    const g = new Gunzip((chunk) => write(chunk));
    let first = true;
    for (;;) {
      const chunk = sys.read(fd);
      if (first && chunk.length > 0) {
        if (chunk.length >= 2 && (chunk[0] !== 0x1f || chunk[1] !== 0x8b)) throw new NotGzip();
        first = false;
      }
      seen += chunk.length;
      try {
        g.push(chunk, chunk.length === 0);
      } catch (e) {
        throw new NotGzip(e instanceof Error ? e.message : String(e));
      }
      if (chunk.length === 0) break;
    }
    if (seen === 0) throw new NotGzip('unexpected end of file');
    return;
  }
  const opts = o.noName ? { level: o.level as 1 } : { level: o.level as 1, filename: name, mtime: Math.floor(mtimeMs / 1000) * 1000 };
  const g = new Gzip(opts, (chunk) => write(chunk));
  for (;;) {
    const chunk = sys.read(fd);
    g.push(chunk, chunk.length === 0);
    if (chunk.length === 0) break;
  }
}

function outputName(name: string, decompress: boolean): string | null {
  if (!decompress) return `${name}.gz`;
  if (name.endsWith('.tgz')) return `${name.slice(0, -4)}.tar`;
  for (const suffix of ['.gz', '-gz', '.z', '-z', '_z']) if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  return null;
}

export function gzipMain(sys: Sys, name0: 'gzip' | 'gunzip' | 'zcat'): number {
  // GNU gunzip and zcat are scripts around gzip: every message says gzip.
  const prog = 'gzip';
  const o: Options = { decompress: name0 !== 'gzip', stdout: name0 === 'zcat', force: false, keep: false, test: false, quiet: false, noName: false, level: 6 };
  const files: string[] = [];
  let operandsOnly = false;
  for (const a of sys.args.slice(1)) {
    if (operandsOnly || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    if (a === '--') {
      operandsOnly = true;
      continue;
    }
    const long: Readonly<Record<string, string>> = { '--stdout': 'c', '--to-stdout': 'c', '--decompress': 'd', '--uncompress': 'd', '--force': 'f', '--keep': 'k', '--test': 't', '--quiet': 'q', '--no-name': 'n', '--best': '9', '--fast': '1', '--verbose': 'v', '--name': 'N' };
    const letters = a.startsWith('--') ? long[a] : a.slice(1);
    if (letters === undefined) {
      sys.write(2, `${prog}: unrecognized option '${a}'\nTry \`${prog} --help' for more information.\n`);
      return 1;
    }
    for (const c of letters) {
      if (c === 'c') o.stdout = true;
      else if (c === 'd') o.decompress = true;
      else if (c === 'f') o.force = true;
      else if (c === 'k') o.keep = true;
      else if (c === 't') o.test = o.decompress = true;
      else if (c === 'q') o.quiet = true;
      else if (c === 'n') o.noName = true;
      else if (c === 'N' || c === 'v' || c === 'r') continue;
      else if (c >= '1' && c <= '9') o.level = Number(c);
      else {
        sys.write(2, `${prog}: invalid option -- '${c}'\nTry \`${prog} --help' for more information.\n`);
        return 1;
      }
    }
  }
  if (files.length === 0) files.push('-');
  let status = 0;
  const warn = (msg: string): void => {
    if (!o.quiet) sys.write(2, `${prog}: ${msg}\n`);
    if (status === 0) status = 2;
  };
  for (const name of files) {
    const toStdout = o.stdout || o.test || name === '-';
    const target = name === '-' ? null : outputName(name, o.decompress);
    if (name !== '-' && !sys.exists(name)) {
      sys.write(2, `${prog}: ${name}: No such file or directory\n`);
      status = 1;
      continue;
    }
    if (name !== '-' && !toStdout) {
      if (!o.decompress && /\.(gz|tgz)$/.test(name)) {
        warn(`${name} already has .gz suffix -- unchanged`);
        continue;
      }
      if (o.decompress && target === null) {
        warn(`${name}: unknown suffix -- ignored`);
        continue;
      }
    }
    let inFd = 0, outFd = -1;
    const made = target !== null && !toStdout ? o.decompress ? target : target : null;
    try {
      let mtimeMs = 0;
      if (name !== '-') {
        const st = sys.stat(name);
        if (st.type === 'dir') {
          warn(`${name} is a directory -- ignored`);
          continue;
        }
        mtimeMs = st.mtimeMs;
        inFd = sys.open(name, { read: true });
      }
      if (made !== null) {
        if (!o.force && sys.exists(made)) {
          sys.write(2, `${prog}: ${made} already exists;\tnot overwritten\n`);
          status = status || 2;
          continue;
        }
        outFd = sys.open(made, { write: true, create: true, truncate: true });
      }
      const sink = o.test ? (): void => {} : (b: Uint8Array): void => sys.write(outFd >= 0 ? outFd : 1, b);
      const base = name === '-' ? '' : name.slice(name.lastIndexOf('/') + 1);
      transform(sys, inFd, o, sink, base, mtimeMs);
      if (outFd >= 0) {
        sys.close(outFd);
        outFd = -1;
        if (!o.decompress) sys.utimes(made!, null, mtimeMs);
        if (!o.keep) sys.unlink(name);
      }
    } catch (e) {
      if (outFd >= 0) {
        sys.close(outFd);
        outFd = -1;
        try {
          sys.unlink(made!);
        } catch {
          // nothing made
        }
      }
      if (e instanceof NotGzip) {
        sys.write(2, `${toStdout ? '\n' : ''}${prog}: ${name === '-' ? 'stdin' : name}: ${e.message === '' ? 'not in gzip format' : /unexpected|EOF/i.test(e.message) ? 'unexpected end of file' : 'not in gzip format'}\n`);
        status = 1;
        continue;
      }
      if (!(e instanceof SysError)) throw e;
      if (e.code === 'EPIPE') return 1;
      sys.write(2, `${prog}: ${name}: ${errorText(e.errno)}\n`);
      status = 1;
    } finally {
      if (inFd > 0) sys.close(inFd);
    }
  }
  return status;
}
