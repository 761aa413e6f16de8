/**
 * Human-readable text for WASI errno values (strerror), as utilities print them:
 * `cat: nosuch: No such file or directory`.
 */

import { Errno, errnoName } from '../abi/errno.js';

const TEXT: Readonly<Record<number, string>> = {
  [Errno.TOOBIG]: 'Argument list too long',
  [Errno.ACCES]: 'Permission denied',
  [Errno.AGAIN]: 'Resource temporarily unavailable',
  [Errno.BADF]: 'Bad file descriptor',
  [Errno.BUSY]: 'Device or resource busy',
  [Errno.CHILD]: 'No child processes',
  [Errno.EXIST]: 'File exists',
  [Errno.FAULT]: 'Bad address',
  [Errno.FBIG]: 'File too large',
  [Errno.INTR]: 'Interrupted system call',
  [Errno.INVAL]: 'Invalid argument',
  [Errno.IO]: 'Input/output error',
  [Errno.ISDIR]: 'Is a directory',
  [Errno.LOOP]: 'Too many levels of symbolic links',
  [Errno.MFILE]: 'Too many open files',
  [Errno.MLINK]: 'Too many links',
  [Errno.NAMETOOLONG]: 'File name too long',
  [Errno.NOENT]: 'No such file or directory',
  [Errno.NOEXEC]: 'Exec format error',
  [Errno.NOMEM]: 'Cannot allocate memory',
  [Errno.NOSPC]: 'No space left on device',
  [Errno.NOSYS]: 'Function not implemented',
  [Errno.NOTDIR]: 'Not a directory',
  [Errno.NOTEMPTY]: 'Directory not empty',
  [Errno.NOTSUP]: 'Operation not supported',
  [Errno.NOTTY]: 'Inappropriate ioctl for device',
  [Errno.PERM]: 'Operation not permitted',
  [Errno.PIPE]: 'Broken pipe',
  [Errno.ROFS]: 'Read-only file system',
  [Errno.SPIPE]: 'Illegal seek',
  [Errno.SRCH]: 'No such process',
  [Errno.XDEV]: 'Invalid cross-device link',
  [Errno.NOTCAPABLE]: 'Capabilities insufficient',
};

export function errorText(errno: number): string {
  return TEXT[errno] ?? errnoName(errno);
}
