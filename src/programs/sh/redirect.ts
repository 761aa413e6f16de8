/**
 * Performing redirections (XCU 2.7) on the shell's fd table (fds.ts): the caller has pushed a
 * frame (one command's redirections) or not (`exec`: for good).
 *
 *   <  >  >>  >|  <>   open the file (`>` fails on an existing file under `set -C`; `>|` never)
 *   <&N  >&N           make the fd name what N names (one open file, one offset)
 *   <&-  >&-           close it
 *   <<  <<-            a here-document: its expanded body, readable from the fd — through a
 *                      pipe when it fits in one (HEREDOC_PIPE_MAX), else a file in /tmp that is
 *                      unlinked once open
 *
 * Failures throw RedirectError with dash's wording (`cannot create /x: Directory nonexistent`,
 * `cannot open /x: No such file`, `5: Bad file descriptor`); files already opened stay in the
 * frame, which closes them when popped.
 */

import { SysError } from '../../sys/sys.js';
import type { Redirect } from './ast.js';
import { expandString } from './expand.js';
import type { Shell } from './shell.js';

export class RedirectError extends Error {}

/** Bodies up to this size go through a pipe written before the command starts (pipes hold 64 KiB). */
const HEREDOC_PIPE_MAX = 32 * 1024;
const encoder = new TextEncoder();
let heredocFiles = 0;

function reason(e: SysError, creating: boolean): string {
  switch (e.code) {
    case 'ENOENT': return creating ? 'Directory nonexistent' : 'No such file';
    case 'EISDIR': return 'Is a directory';
    case 'EEXIST': return 'File exists';
    case 'EACCES':
    case 'EPERM':
    case 'ENOTCAPABLE': return 'Permission denied';
    case 'ENOTDIR': return creating ? 'Directory nonexistent' : 'Not a directory';
    default: return e.message.replace(/^.*: /, '');
  }
}

export function applyRedirects(sh: Shell, redirects: readonly Redirect[]): void {
  for (const r of redirects) applyOne(sh, r);
}

function applyOne(sh: Shell, r: Redirect): void {
  const fds = sh.fds;
  if (r.op === '<<' || r.op === '<<-') {
    const body = r.heredoc ? expandString(r.heredoc.body, sh.expander) : '';
    fds.set(r.fd, fds.adopt(hereDocFd(sh, body)));
    return;
  }
  const target = expandString(r.target, sh.expander);
  if (r.op === '<&' || r.op === '>&') {
    if (target === '-') {
      fds.close(r.fd);
      return;
    }
    const from = /^[0-9]+$/.test(target) ? fds.get(Number(target)) : undefined;
    if (from === undefined) throw new RedirectError(`${target}: Bad file descriptor`);
    fds.set(r.fd, from);
    return;
  }
  const creating = r.op !== '<';
  try {
    let fd: number;
    switch (r.op) {
      case '<':
        fd = sh.sys.open(target, { read: true });
        break;
      case '<>':
        fd = sh.sys.open(target, { read: true, write: true, create: true });
        break;
      case '>>':
        fd = sh.sys.open(target, { write: true, create: true, append: true });
        break;
      default:
        fd = openForWrite(sh, target, r.op === '>' && sh.options.has('C'));
    }
    fds.set(r.fd, fds.adopt(fd));
  } catch (e) {
    if (e instanceof SysError) throw new RedirectError(`cannot ${creating ? 'create' : 'open'} ${target}: ${reason(e, creating)}`);
    throw e;
  }
}

/** `>` (truncating); with noclobber, an existing regular file is refused. */
function openForWrite(sh: Shell, target: string, noclobber: boolean): number {
  if (noclobber) {
    try {
      if (sh.sys.stat(target).type === 'file') return sh.sys.open(target, { write: true, create: true, exclusive: true });
    } catch (e) {
      if (!(e instanceof SysError) || e.code !== 'ENOENT') throw e;
    }
  }
  return sh.sys.open(target, { write: true, create: true, truncate: true });
}

/** An fd from which `body` can be read. */
function hereDocFd(sh: Shell, body: string): number {
  const bytes = encoder.encode(body);
  if (bytes.length <= HEREDOC_PIPE_MAX) {
    const [r, w] = sh.sys.pipe();
    try {
      if (bytes.length > 0) sh.sys.write(w, bytes);
    } finally {
      sh.sys.close(w);
    }
    return r;
  }
  const path = `/tmp/.sh-heredoc-${sh.sys.getpid()}-${++heredocFiles}`;
  try {
    sh.sys.writeFile(path, bytes);
    return sh.sys.open(path, { read: true });
  } catch (e) {
    if (e instanceof SysError) throw new RedirectError(`cannot create temp file for here document: ${e.message}`);
    throw e;
  } finally {
    try {
      sh.sys.unlink(path);
    } catch {
      // left behind only if it could not be made
    }
  }
}
