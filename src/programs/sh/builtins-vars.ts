/**
 * Builtins that change the shell's variables, parameters, options and directory: export,
 * readonly, unset, local, set, shift, getopts, cd, pwd, umask. Their messages and output formats
 * are dash's (`export NAME='value'`, `set: Illegal option -Z`, `shift: can't shift that many`).
 */

import { SysError } from '../../sys/sys.js';
import { singleQuote } from './parse.js';
import { ShellError } from './shell-exit.js';
import type { Shell } from './shell.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** dash's quoting of a value in `set`, `export -p`: bare when safe, else '…'. */
function shellQuote(s: string): string {
  return singleQuote(s);
}

function listAttribute(sh: Shell, which: 'export' | 'readonly'): number {
  for (const [name, v] of sh.vars.entries()) {
    if (which === 'export' ? !v.exported : !v.readonly) continue;
    sh.write(1, v.value === undefined ? `${which} ${name}\n` : `${which} ${name}=${shellQuote(v.value)}\n`);
  }
  return 0;
}

export function exportBuiltin(sh: Shell, argv: readonly string[]): number {
  return declare(sh, argv, 'export');
}

export function readonlyBuiltin(sh: Shell, argv: readonly string[]): number {
  return declare(sh, argv, 'readonly');
}

function declare(sh: Shell, argv: readonly string[], which: 'export' | 'readonly'): number {
  const args = argv.slice(1).filter((a) => a !== '-p' && a !== '--');
  if (args.length === 0) return listAttribute(sh, which);
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!NAME.test(name)) throw new ShellError(`${which}: ${name}: bad variable name`);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (which === 'export') sh.vars.export(name, value);
    else sh.vars.makeReadonly(name, value);
  }
  return 0;
}

export function unset(sh: Shell, argv: readonly string[]): number {
  let functions = false;
  let args = argv.slice(1);
  while (args[0]?.startsWith('-') && args[0] !== '-') {
    if (args[0] === '--') {
      args = args.slice(1);
      break;
    }
    if (args[0].includes('f')) functions = true;
    args = args.slice(1);
  }
  for (const name of args) {
    if (functions) {
      sh.functions.delete(name);
      continue;
    }
    try {
      sh.vars.unset(name);
    } catch (e) {
      if (e instanceof ShellError) throw new ShellError(`unset: ${e.message}`);
      throw e;
    }
  }
  return 0;
}

export function local(sh: Shell, argv: readonly string[]): number {
  for (const arg of argv.slice(1)) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!NAME.test(name)) throw new ShellError(`local: ${name}: bad variable name`);
    if (!sh.vars.makeLocal(name)) throw new ShellError('local: not in a function');
    if (eq >= 0) sh.vars.set(name, arg.slice(eq + 1));
  }
  return 0;
}

/** Long names of the options `set -o` knows. */
const LONG_OPTIONS: readonly (readonly [string, string])[] = [
  ['errexit', 'e'], ['noglob', 'f'], ['ignoreeof', ''], ['interactive', 'i'], ['monitor', 'm'], ['noexec', 'n'],
  ['stdin', 's'], ['xtrace', 'x'], ['verbose', 'v'], ['vi', ''], ['emacs', ''], ['noclobber', 'C'], ['allexport', 'a'],
  ['notify', 'b'], ['nounset', 'u'], ['nolog', ''], ['debug', ''],
];
const SETTABLE = 'efmnxvCabu';

function setOption(sh: Shell, letter: string, on: boolean): void {
  if (on) sh.options.add(letter);
  else sh.options.delete(letter);
  if (letter === 'a') sh.vars.allexport = on;
}

export function set(sh: Shell, argv: readonly string[]): number {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [name, v] of sh.vars.entries()) if (v.value !== undefined) sh.write(1, `${name}=${shellQuote(v.value)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-') {
      setOption(sh, 'x', false);
      setOption(sh, 'v', false);
      i++;
      break;
    }
    if (!(a.startsWith('-') || a.startsWith('+')) || a.length < 2) break;
    const on = a[0] === '-';
    for (const letter of a.slice(1)) {
      if (letter === 'o') {
        const name = args[++i];
        if (name === undefined) {
          listOptions(sh, on);
          continue;
        }
        const opt = LONG_OPTIONS.find(([n]) => n === name);
        if (!opt) throw new ShellError(`set: Illegal option ${a[0]}o ${name}`);
        if (opt[1] !== '') setOption(sh, opt[1], on);
        continue;
      }
      if (!SETTABLE.includes(letter)) throw new ShellError(`set: Illegal option ${a[0]}${letter}`);
      setOption(sh, letter, on);
    }
  }
  if (i < args.length) sh.positional = args.slice(i);
  return 0;
}

function listOptions(sh: Shell, human: boolean): void {
  if (human) sh.write(1, 'Current option settings\n');
  for (const [name, letter] of LONG_OPTIONS) {
    const on = letter !== '' && sh.options.has(letter);
    sh.write(1, human ? `${name.padEnd(16)}${on ? 'on' : 'off'}\n` : `set ${on ? '-' : '+'}o ${name}\n`);
  }
}

export function shift(sh: Shell, argv: readonly string[]): number {
  const arg = argv[1];
  if (arg !== undefined && !/^[0-9]+$/.test(arg)) throw new ShellError(`shift: Illegal number: ${arg}`);
  const n = arg === undefined ? 1 : Number(arg);
  if (n > sh.positional.length) throw new ShellError("shift: can't shift that many");
  sh.positional = sh.positional.slice(n);
  return 0;
}

/** getopts OPTSTRING NAME [ARG...]: the next option of the arguments (default: "$@"), OPTIND and OPTARG. */
export function getopts(sh: Shell, argv: readonly string[]): number {
  if (argv.length < 3) {
    sh.error('getopts: Usage: getopts optstring var [arg...]');
    return 2;
  }
  const spec = argv[1]!;
  const name = argv[2]!;
  const args = argv.length > 3 ? argv.slice(3) : sh.positional;
  const silent = spec.startsWith(':');
  let optind = Number(sh.vars.get('OPTIND') ?? '1');
  if (!Number.isInteger(optind) || optind < 1) optind = 1;
  if (sh.getopts.optind !== optind) sh.getopts.offset = 0;
  const done = (): number => {
    sh.vars.set(name, '?');
    sh.getopts = { optind, offset: 0 };
    sh.vars.set('OPTIND', String(optind));
    return 1;
  };
  let offset = sh.getopts.offset;
  const arg = args[optind - 1];
  if (arg === undefined) return done();
  if (offset === 0) {
    if (arg === '--') {
      optind++;
      return done();
    }
    if (!arg.startsWith('-') || arg === '-') return done();
    offset = 1;
  }
  const c = arg[offset++]!;
  const at = c === ':' ? -1 : spec.indexOf(c);
  const advance = (): void => {
    if (offset >= arg.length) {
      optind++;
      offset = 0;
    }
  };
  if (at < 0) {
    if (silent) sh.vars.set('OPTARG', c);
    else {
      sh.write(2, `Illegal option -${c}\n`);
      sh.vars.unset('OPTARG');
    }
    sh.vars.set(name, '?');
    advance();
  } else if (spec[at + 1] === ':') {
    if (offset < arg.length) {
      sh.vars.set('OPTARG', arg.slice(offset));
      optind++;
      offset = 0;
      sh.vars.set(name, c);
    } else if (optind < args.length) {
      sh.vars.set('OPTARG', args[optind]!);
      optind += 2;
      offset = 0;
      sh.vars.set(name, c);
    } else {
      if (silent) {
        sh.vars.set('OPTARG', c);
        sh.vars.set(name, ':');
      } else {
        sh.write(2, `No arg for -${c} option\n`);
        sh.vars.unset('OPTARG');
        sh.vars.set(name, '?');
      }
      optind++;
      offset = 0;
    }
  } else {
    sh.vars.set('OPTARG', '');
    sh.vars.set(name, c);
    advance();
  }
  sh.vars.set('OPTIND', String(optind));
  sh.getopts = { optind, offset };
  return 0;
}

export function cd(sh: Shell, argv: readonly string[]): number {
  const args = argv.slice(1).filter((a) => a !== '-L' && a !== '-P');
  let target = args[0];
  let print = false;
  if (target === undefined) {
    target = sh.vars.get('HOME');
    if (target === undefined) {
      sh.error('cd: HOME not set');
      return 2;
    }
  } else if (target === '-') {
    target = sh.vars.get('OLDPWD') ?? sh.sys.cwd();
    print = true;
  }
  const before = sh.sys.cwd();
  try {
    sh.sys.chdir(target === '' ? '.' : target);
  } catch (e) {
    if (e instanceof SysError) {
      sh.error(`cd: can't cd to ${target}`);
      return 2;
    }
    throw e;
  }
  sh.vars.set('OLDPWD', before, true);
  sh.vars.set('PWD', sh.sys.cwd(), true);
  if (print) sh.write(1, `${sh.sys.cwd()}\n`);
  return 0;
}

export function pwd(sh: Shell): number {
  return sh.write(1, `${sh.sys.cwd()}\n`) ? 0 : 1;
}

/** Keel's files have no permission bits: umask reports 0022 and accepts a new mask. */
export function umask(sh: Shell, argv: readonly string[]): number {
  if (argv.length === 1) sh.write(1, '0022\n');
  return 0;
}
