/**
 * md5sum, sha1sum, sha224sum, sha256sum, sha384sum, sha512sum: print or check message digests, as
 * GNU coreutils. The digests are @noble/hashes' (audited, dependency-free, synchronous; programs
 * cannot reach the host's crypto).
 *
 *   NAMEsum [-b|-t] [FILE...]          `DIGEST  FILE` per file (`DIGEST *FILE` with -b)
 *   NAMEsum -c [--quiet] [--status] [--strict] [-w] [FILE...]
 *                                      check the `DIGEST  FILE` lines listed in FILEs
 */

import { md5, sha1 } from '@noble/hashes/legacy';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { decodeText } from '../../abi/text-codec.js';
import { usage } from './inputs.js';

interface Hasher { update(b: Uint8Array): Hasher; digest(): Uint8Array }
const ALGORITHMS: Readonly<Record<string, { create(): Hasher; hexLength: number }>> = {
  md5: { create: () => md5.create(), hexLength: 32 },
  sha1: { create: () => sha1.create(), hexLength: 40 },
  sha224: { create: () => sha224.create(), hexLength: 56 },
  sha256: { create: () => sha256.create(), hexLength: 64 },
  sha384: { create: () => sha384.create(), hexLength: 96 },
  sha512: { create: () => sha512.create(), hexLength: 128 },
};

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The digest of an open fd, read in chunks. */
function digestFd(sys: Sys, algorithm: string, fd: number): string {
  const h = ALGORITHMS[algorithm]!.create();
  for (;;) {
    const chunk = sys.read(fd);
    if (chunk.length === 0) break;
    h.update(chunk);
  }
  return hex(h.digest());
}

function digestFile(sys: Sys, algorithm: string, name: string): string {
  if (name === '-') return digestFd(sys, algorithm, 0);
  const fd = sys.open(name, { read: true });
  try {
    if (sys.isDirectoryFd(fd)) throw new SysError(31, 'read', name);
    return digestFd(sys, algorithm, fd);
  } finally {
    sys.close(fd);
  }
}

export function checksumMain(sys: Sys, algorithm: string): number {
  const prog = `${algorithm}sum`;
  let check = false, binary = false, quiet = false, statusOnly = false, warn = false, strict = false;
  const files: string[] = [];
  for (const a of sys.args.slice(1)) {
    if (a === '-c' || a === '--check') check = true;
    else if (a === '-b' || a === '--binary') binary = true;
    else if (a === '-t' || a === '--text') binary = false;
    else if (a === '--quiet') quiet = true;
    else if (a === '--status') statusOnly = true;
    else if (a === '-w' || a === '--warn') warn = true;
    else if (a === '--strict') strict = true;
    else if (a.startsWith('-') && a !== '-') return usage(sys, prog, `invalid option -- '${a[1]!}'`);
    else files.push(a);
  }
  if (files.length === 0) files.push('-');
  const out = sys.writer(1);
  let status = 0;
  try {
    if (!check) {
      for (const name of files) {
        try {
          out.line(`${digestFile(sys, algorithm, name)} ${binary ? '*' : ' '}${name}`);
        } catch (e) {
          if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
          out.flush();
          sys.write(2, `${prog}: ${name}: ${errorText(e.errno)}\n`);
          status = 1;
        }
      }
      out.flush();
      return status;
    }
    const want = ALGORITHMS[algorithm]!.hexLength;
    let failed = 0, unreadable = 0, badLines = 0;
    for (const list of files) {
      let text: string;
      try {
        text = decodeText(new TextDecoder(), list === '-' ? sys.readAll(0) : sys.readFile(list));
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        sys.write(2, `${prog}: ${list}: ${errorText(e.errno)}\n`);
        status = 1;
        continue;
      }
      let lineNo = 0;
      for (const line of text.split('\n')) {
        lineNo++;
        if (line === '') continue;
        const m = new RegExp(`^([0-9a-fA-F]{${want}}) [ *](.+)$`).exec(line);
        if (!m) {
          badLines++;
          if (warn) sys.write(2, `${prog}: ${list}: ${lineNo}: improperly formatted ${algorithm.toUpperCase()} checksum line\n`);
          continue;
        }
        const name = m[2]!;
        let actual: string;
        try {
          actual = digestFile(sys, algorithm, name);
        } catch (e) {
          if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
          out.flush();
          sys.write(2, `${prog}: ${name}: ${errorText(e.errno)}\n`);
          if (!statusOnly) out.line(`${name}: FAILED open or read`);
          unreadable++;
          continue;
        }
        const ok = actual === m[1]!.toLowerCase();
        if (!ok) failed++;
        if (!statusOnly && (!ok || !quiet)) out.line(`${name}: ${ok ? 'OK' : 'FAILED'}`);
      }
    }
    out.flush();
    if (!statusOnly) {
      if (badLines > 0) sys.write(2, `${prog}: WARNING: ${badLines} line${badLines > 1 ? 's are' : ' is'} improperly formatted\n`);
      if (unreadable > 0) sys.write(2, `${prog}: WARNING: ${unreadable} listed file${unreadable > 1 ? 's' : ''} could not be read\n`);
      if (failed > 0) sys.write(2, `${prog}: WARNING: ${failed} computed checksum${failed > 1 ? 's' : ''} did NOT match\n`);
    }
    return failed > 0 || unreadable > 0 || (strict && badLines > 0) ? 1 : status;
  } catch (e) {
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
}
