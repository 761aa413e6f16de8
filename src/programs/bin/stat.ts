/**
 * stat [-L] FILE...: describe each FILE in GNU stat's default layout (File, Size and type,
 * Device/Inode/Links, the mode line, Access/Modify/Change times in UTC, Birth `-`). Symlinks are
 * described themselves (`File: a -> b`) unless -L follows them. Keel's file systems have no
 * owners, permission bits or block counts: the mode is derived from the type (as `ls -l` shows
 * it), the owner is `keel` (id 0), and Blocks / IO Block are left out. Status 1 if any FILE fails.
 */

import { type Stat, type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';
import { modeString } from './ls.js';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  dir: 'directory', symlink: 'symbolic link', char: 'character special file', block: 'block special file',
  socket: 'socket', 'socket-dgram': 'socket', unknown: 'weird file',
};

function typeName(st: Stat): string {
  if (st.type === 'file') return st.size === 0 ? 'regular empty file' : 'regular file';
  return TYPE_NAMES[st.type] ?? 'weird file';
}

/** `2024-01-02 03:04:05.123456000 +0000` from milliseconds since the epoch. */
export function statTime(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const ns = Math.min(999_999_999, Math.round((ms - whole * 1000) * 1e6));
  const iso = new Date(whole * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(ns).padStart(9, '0')} +0000`;
}

function describe(sys: Sys, file: string, st: Stat): string {
  const mode = modeString(st.type);
  const octal = st.type === 'dir' ? '0755' : st.type === 'symlink' ? '0777' : '0644';
  const name = st.type === 'symlink' ? `${file} -> ${sys.readlink(file)}` : file;
  return [
    `  File: ${name}`,
    `  Size: ${String(st.size).padEnd(10)}\t${typeName(st)}`,
    `Device: ${st.dev.toString(16)}h/${st.dev}d\tInode: ${String(st.ino).padEnd(11)} Links: ${st.nlink}`,
    `Access: (${octal}/${mode})  Uid: (${'0'.padStart(5)}/${'keel'.padStart(8)})   Gid: (${'0'.padStart(5)}/${'keel'.padStart(8)})`,
    `Access: ${statTime(st.atimeMs)}`,
    `Modify: ${statTime(st.mtimeMs)}`,
    `Change: ${statTime(st.ctimeMs)}`,
    ' Birth: -',
    '',
  ].join('\n');
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'L', long: { dereference: 'L' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `stat: ${typeof o === 'string' ? o : 'missing operand'}\nTry 'stat --help' for more information.\n`);
    return 1;
  }
  const out = sys.writer(1);
  let status = 0;
  for (const file of o.operands) {
    try {
      const st = o.flags.has('L') ? sys.stat(file) : sys.lstat(file);
      out.write(describe(sys, file, st));
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `stat: cannot stat '${file}': ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}
