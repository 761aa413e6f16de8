/**
 * awk [-F FS] [-v VAR=VALUE]... [-f PROGFILE | 'PROGRAM'] [FILE | VAR=VALUE]...: the awk
 * language as POSIX specifies it (src/programs/awk/: patterns and ranges, fields, -F and -v,
 * associative arrays, user functions, printf, getline from files and commands, output to files
 * and commands, split, sub, gsub, match, substr, index, length, sprintf, the math functions),
 * with the extensions gawk and mawk share (regular-expression RS, length(array), fflush, -F ''
 * and FS "" splitting into characters). Regular expressions are POSIX EREs run as JavaScript
 * RegExps (lib/posix-regex.ts).
 *
 * Errors: `awk: line N: syntax error at or near X` and `awk: run time error: …` with status 2.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';
import { Awk, AwkRuntimeError } from '../awk/interp.js';
import { unescape } from '../awk/strings.js';
import { AwkSyntaxError } from '../awk/lexer.js';
import { type Program, parseProgram } from '../awk/parser.js';
import { input } from '../awk/values.js';

function usage(sys: Sys): number {
  sys.write(2, "usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]\nusage: awk [-F value] [-v var=value] [-f program-file] [--] [file ...]\n");
  return 2;
}

export function main(sys: Sys): number {
  const args = sys.args.slice(1);
  let fs: string | null = null;
  const assigns: [string, string][] = [];
  const progFiles: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const opt = a[1]!;
    const value = (): string | undefined => (a.length > 2 ? a.slice(2) : args[++i]);
    if (opt === 'F') {
      const v = value();
      if (v === undefined) return usage(sys);
      fs = v === 't' ? '\t' : unescape(v);
    } else if (opt === 'v') {
      const v = value();
      const m = v === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(v);
      if (!m) {
        sys.write(2, `awk: improper assignment: -v ${v ?? ''}\n`);
        return 2;
      }
      assigns.push([m[1]!, m[2]!]);
    } else if (opt === 'f') {
      const v = value();
      if (v === undefined) return usage(sys);
      progFiles.push(v);
    } else if (a === '--version' || a === '-W') {
      i++;
      continue;
    } else {
      sys.write(2, `awk: not an option: ${a}\n`);
      return 2;
    }
  }
  let text: string;
  if (progFiles.length > 0) {
    try {
      text = progFiles.map((f) => decodeText(new TextDecoder(), f === '-' ? sys.readAll(0) : sys.readFile(f))).join('\n');
    } catch (e) {
      if (e instanceof SysError) {
        sys.write(2, `awk: couldn't open file ${e.path ?? ''}\n`);
        return 2;
      }
      throw e;
    }
  } else {
    if (args[i] === undefined) return usage(sys);
    text = args[i++]!;
  }
  let program: Program;
  try {
    program = parseProgram(text);
  } catch (e) {
    if (e instanceof AwkSyntaxError) {
      sys.write(2, `awk: line ${e.line}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const awk = new Awk(sys, program, args.slice(i));
  try {
    if (fs !== null) awk.setVar('FS', fs);
    for (const [name, v] of assigns) awk.setVar(name, input(unescape(v)));
    return awk.run();
  } catch (e) {
    if (e instanceof AwkRuntimeError) {
      try {
        awk.streams.flushAll();
      } catch {
        // output gone
      }
      sys.write(2, `awk: ${e.runTime ? 'run time error: ' : ''}${e.message}\n`);
      return 2;
    }
    if (e instanceof SysError && e.code === 'EPIPE') return 2;
    throw e;
  }
}
