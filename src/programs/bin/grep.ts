/**
 * grep [-iyvcnlLqsoxwhHrREFG] [-e PATTERN | PATTERN] [FILE...]: print the lines of each FILE (or
 * standard input, also for `-`) that match PATTERN — one or more newline-separated patterns.
 *
 * Patterns are basic regular expressions by default (-G), extended with -E, fixed strings with
 * -F; both kinds are translated to a JavaScript RegExp (see toJsRegExp), which is where the few
 * differences from GNU matching come from (longest-leftmost vs first-alternative for -o; POSIX
 * classes are ASCII). Output and status follow GNU grep: `NAME:` prefixes when several files are
 * searched (or a directory under -r), `N:` with -n, per-file counts with -c, names with -l/-L;
 * status 0 when a line was selected, 1 when none, 2 on an error (but 0 under -q once a line
 * matched). -r walks directories (not following symlinks; -R does), in name order, and with no
 * FILE searches `.` printing names without `./`. Input is streamed line by line.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions, type ParsedOptions } from '../lib/options.js';
import { lines } from '../lib/lines.js';
import { PatternError, toJsRegExp } from '../lib/posix-regex.js';

export { toJsRegExp } from '../lib/posix-regex.js';

const LONG: Readonly<Record<string, string>> = {
  'ignore-case': 'i', 'invert-match': 'v', count: 'c', 'line-number': 'n', 'files-with-matches': 'l',
  'files-without-match': 'L', quiet: 'q', silent: 'q', 'no-messages': 's', 'only-matching': 'o',
  'line-regexp': 'x', 'word-regexp': 'w', 'no-filename': 'h', 'with-filename': 'H', recursive: 'r',
  'dereference-recursive': 'R', 'extended-regexp': 'E', 'fixed-strings': 'F', 'basic-regexp': 'G', regexp: 'e',
};

interface Matcher { test(line: string): boolean; matches(line: string): string[] }

function matcher(patterns: readonly string[], o: ParsedOptions): Matcher {
  const mode = o.flags.has('F') ? 'F' : o.flags.has('E') ? 'E' : 'G';
  const parts = patterns.map((p) => (mode === 'F' ? p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : toJsRegExp(p, mode === 'G')));
  let src = parts.map((s) => `(?:${s})`).join('|');
  if (o.flags.has('x')) src = `^(?:${src})$`;
  else if (o.flags.has('w')) src = `(?<![\\w])(?:${src})(?![\\w])`;
  const flags = o.flags.has('i') || o.flags.has('y') ? 'i' : '';
  let one: RegExp, all: RegExp;
  try {
    one = new RegExp(src, flags);
    all = new RegExp(src, `${flags}g`);
  } catch (e) {
    throw new PatternError(e instanceof Error ? e.message : String(e));
  }
  return {
    test: (line) => one.test(line),
    matches: (line) => [...line.matchAll(all)].map((m) => m[0]).filter((m) => m !== ''),
  };
}


/** Thrown to end the search at once (-q and a selected line). */
class Found extends Error {}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'iyvcnlLqsoxwhHrREFG', values: 'e', long: LONG });
  if (typeof o === 'string' || (!o.values.has('e') && o.operands.length === 0)) {
    sys.write(2, `${typeof o === 'string' ? `grep: ${o}\n` : ''}Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
    return 2;
  }
  const pattern = o.values.get('e') ?? o.operands[0]!;
  const operands = o.values.has('e') ? o.operands : o.operands.slice(1);
  let match: Matcher;
  try {
    match = matcher(pattern.split('\n'), o);
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    sys.write(2, `grep: ${e.message}\n`);
    return 2;
  }
  const f = (c: string): boolean => o.flags.has(c);
  const recursive = f('r') || f('R');
  const out = sys.writer(1);
  let selectedAny = false, error = false;

  const report = (name: string, e: SysError): void => {
    if (!f('s')) sys.write(2, `grep: ${name}: ${errorText(e.errno)}\n`);
    error = true;
  };

  /** Search one open input; returns nothing, writes what the options ask for. */
  const search = (fd: number, label: string, withName: boolean): void => {
    const prefix = withName ? `${label}:` : '';
    let count = 0, lineNo = 0;
    for (const line of lines(sys, fd)) {
      lineNo++;
      if (match.test(line) === f('v')) continue;
      count++;
      selectedAny = true;
      if (f('q')) throw new Found();
      if (f('l') || f('L')) break;
      if (f('c')) continue;
      const head = prefix + (f('n') ? `${lineNo}:` : '');
      if (!f('o')) out.line(head + line);
      else if (!f('v')) for (const m of match.matches(line)) out.line(head + m);
    }
    if (f('c')) out.line(prefix + String(count));
    if (f('l') && count > 0) out.line(label);
    if (f('L') && count === 0) out.line(label);
  };

  const searchPath = (path: string, label: string, withName: boolean, top: boolean): void => {
    if (path === '-') return search(0, '(standard input)', withName);
    let fd = -1;
    try {
      const st = top || f('R') ? sys.stat(path) : sys.lstat(path);
      if (st.type === 'symlink') return;
      if (st.type === 'dir') {
        if (!recursive) {
          if (!f('s')) sys.write(2, `grep: ${label}: Is a directory\n`);
          error = true;
          return;
        }
        const names = sys.readdir(path).map((e) => e.name).sort();
        for (const n of names) {
          const child = path === '.' && label === '' ? n : `${path.replace(/\/$/, '')}/${n}`;
          searchPath(child, child, withName, false);
        }
        return;
      }
      fd = sys.open(path, { read: true });
      search(fd, label, withName);
    } catch (e) {
      if (!(e instanceof SysError) || e.code === 'EPIPE') throw e;
      report(label === '' ? path : label, e);
    } finally {
      if (fd >= 0) sys.close(fd);
    }
  };

  try {
    if (operands.length === 0 && recursive) searchPath('.', '', !f('h'), true);
    const files = operands.length > 0 ? operands : recursive ? [] : ['-'];
    for (const name of files) {
      const dirUnderR = recursive && name !== '-' && isDir(sys, name);
      const withName = f('H') || (!f('h') && (files.length > 1 || dirUnderR));
      searchPath(name, name, withName, true);
    }
    out.flush();
  } catch (e) {
    if (e instanceof Found) return 0;
    if (e instanceof SysError && e.code === 'EPIPE') return 1;
    throw e;
  }
  return error ? 2 : selectedAny ? 0 : 1;
}

function isDir(sys: Sys, path: string): boolean {
  try {
    return sys.stat(path).type === 'dir';
  } catch {
    return false;
  }
}
