/**
 * Unit tests, in process, for the shell's language pieces: the parser (src/programs/sh/parse.ts
 * and lexer.ts: tokens with quoting kept, reserved words only in command position, compound
 * commands, here-documents read at the newline, $( ) and backquotes, errors worded as dash's and
 * whether more input could complete them), word expansion (expand.ts: parameters and their
 * operators, "$@", IFS splitting, quoting), arithmetic (arith.ts) and pattern matching
 * (pattern.ts) — plus property tests: any text parses or fails with a ParseError, and
 * singleQuote round-trips any string.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Command, List, SimpleCommand, Word } from '../../src/programs/sh/ast.js';
import { ParseError, Parser, parseProgram, singleQuote } from '../../src/programs/sh/parse.js';
import { type ExpandHost, expandPattern, expandString, expandWords } from '../../src/programs/sh/expand.js';
import { ArithError, evalArith } from '../../src/programs/sh/arith.js';
import { matchPattern, removePrefix, removeSuffix } from '../../src/programs/sh/pattern.js';

function commands(src: string): Command[] {
  return parseProgram(src).items.flatMap((i) => [i.andOr.first, ...i.andOr.rest.map((r) => r.pipeline)].flatMap((p) => p.commands));
}

function simple(src: string): SimpleCommand {
  const c = commands(src)[0]!;
  assert.equal(c.kind, 'simple');
  return c as SimpleCommand;
}

function syntaxError(src: string): ParseError {
  try {
    parseProgram(src);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  assert.fail(`parsed: ${JSON.stringify(src)}`);
}

/** An expansion host over a table of variables and positional parameters. */
function host(vars: Record<string, string>, positional: string[] = [], opts: { nounset?: boolean } = {}): ExpandHost & { assigned: Record<string, string> } {
  const assigned: Record<string, string> = {};
  return {
    assigned,
    param: (n) => (n === '#' ? String(positional.length) : /^[1-9]$/.test(n) ? positional[Number(n) - 1] : assigned[n] ?? vars[n]),
    positional: () => positional,
    assign: (n, v) => {
      assigned[n] = v;
    },
    nounset: opts.nounset ?? false,
    noglob: false,
    substitute: () => 'SUB',
    arith: (t) => String(evalArith(t, { get: (n) => vars[n], set: () => {} })),
    glob: () => [],
  };
}

const word = (src: string): Word => simple(`x ${src}`).words[1]!;
const fields = (src: string, h: ExpandHost): string[] => expandWords(simple(`x ${src}`).words.slice(1), h);

describe('parser', () => {
  test('quoting is kept in word parts', () => {
    assert.deepEqual(word(`a'b c'"d $x"\\e`).parts, [
      { kind: 'lit', text: 'a' }, { kind: 'quoted', text: 'b c' },
      { kind: 'dq', parts: [{ kind: 'quoted', text: 'd ' }, { kind: 'param', name: 'x', op: null, colon: false, arg: null }] },
      { kind: 'quoted', text: 'e' },
    ]);
  });

  test('reserved words only in command position; assignments only before the command name', () => {
    assert.deepEqual(simple('echo if then fi').words.length, 4);
    const c = simple('A=1 B=2 env C=3');
    assert.deepEqual(c.assigns.map((a) => a.name), ['A', 'B']);
    assert.equal(c.words.length, 2);
    assert.equal(commands('if true; then echo; fi')[0]!.kind, 'if');
    assert.equal(commands('{ echo; }')[0]!.kind, 'group');
  });

  test('compound commands: if/elif/else, while, until, for, case, subshell, group, functions', () => {
    const kinds = commands([
      'if a; then b; elif c; then d; else e; fi', 'while a; do b; done', 'until a; do b; done', 'for x in 1 2; do b; done',
      'for x do b; done', 'case $x in a|b) c;; (d) e;; *) ;; esac', '(a; b)', '{ a; b; }', 'f() { a; }', 'g() (a)',
    ].join('\n')).map((c) => c.kind);
    assert.deepEqual(kinds, ['if', 'while', 'until', 'for', 'for', 'case', 'subshell', 'group', 'function', 'function']);
  });

  test('here-documents are read at the newline, expanded unless the delimiter is quoted, tabs stripped with <<-', () => {
    const list = parseProgram('cat <<A; cat <<\'B\'\nx $y\nA\nraw $y\nB\ncat <<-C\n\tindented\n\tC\n');
    const docs = list.items.map((i) => (i.andOr.first.commands[0] as SimpleCommand).redirects[0]!.heredoc!.body);
    assert.deepEqual(docs[0]!.parts.map((p) => p.kind), ['quoted', 'param', 'quoted']);
    assert.deepEqual(docs[1]!.parts, [{ kind: 'quoted', text: 'raw $y\n' }]);
    assert.deepEqual(docs[2]!.parts, [{ kind: 'quoted', text: 'indented\n' }]);
  });

  test('$( ) finds its own ) through case patterns; backquotes unescape; $(( )) vs $( ( ) )', () => {
    const w = word('$(case x in a) echo;; esac)');
    assert.equal(w.parts[0]!.kind, 'cmdsub');
    assert.equal(word('`echo \\`inner\\``').parts[0]!.kind, 'cmdsub');
    assert.equal(word('$((1 + 2))').parts[0]!.kind, 'arith');
    assert.equal(word('$( (echo) )').parts[0]!.kind, 'cmdsub');
  });

  test('parameter expansion operators', () => {
    const ops = ['${a:-b}', '${a-b}', '${a:=b}', '${a:?b}', '${a:+b}', '${#a}', '${a%b}', '${a%%b}', '${a#b}', '${a##b}'].map((s) => {
      const p = word(s).parts[0]!;
      assert.equal(p.kind, 'param');
      return p.kind === 'param' ? `${p.colon ? ':' : ''}${p.op}` : '';
    });
    assert.deepEqual(ops, [':-', '-', ':=', ':?', ':+', 'len', '%', '%%', '#', '##']);
  });

  test('syntax errors say what dash says, with the line; end of input is incomplete', () => {
    const cases: [string, string, boolean][] = [
      ['if true; echo; fi', 'Syntax error: "fi" unexpected (expecting "then")', false],
      ['echo )', 'Syntax error: ")" unexpected', false],
      ['for x in; do', 'Syntax error: end of file unexpected (expecting "done")', true],
      ['echo "abc', 'Syntax error: Unterminated quoted string', true],
      ['echo a |', 'Syntax error: end of file unexpected', true],
      ['{ }', 'Syntax error: "}" unexpected', false],
      ['for 1 in a; do :; done', 'Syntax error: Bad for loop variable', false],
      ['echo ${x', "Syntax error: Missing '}'", true],
      ['case x in\na) echo;;\nb', 'Syntax error: end of file unexpected (expecting ")")', true],
      ['echo ;;', 'Syntax error: ";;" unexpected', false],
      ['\n\necho (x', 'Syntax error: word unexpected (expecting ")")', false],
    ];
    for (const [src, message, incomplete] of cases) {
      const e = syntaxError(src);
      assert.equal(e.message, message, src);
      assert.equal(e.incomplete, incomplete, src);
    }
    assert.equal(syntaxError('echo a\necho b\nfi').line, 3);
  });

  test('next() gives one line of and-or lists at a time, so earlier lines can run before a later error', () => {
    const p = new Parser('echo a; echo b\necho c\nif\n');
    assert.equal(p.next()!.items.length, 2);
    assert.equal(p.next()!.items.length, 1);
    assert.throws(() => p.next(), ParseError);
  });

  test('property: any text parses or fails with a ParseError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => {
      try {
        parseProgram(s);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }), { numRuns: 2000 });
    const alphabet = fc.constantFrom(...'ab $(){}[];&|<>\'"`\\\n#*?=-+:%!'.split(''), 'if ', 'then ', 'fi', 'case ', ' in ', 'esac', 'do ', 'done');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (s) => {
      try {
        parseProgram(s);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }), { numRuns: 3000 });
  });

  test('property: singleQuote round-trips any string', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const w = simple(`x ${singleQuote(s)}`).words[1]!;
      assert.equal(expandString(w, host({})), s);
    }));
  });
});

describe('expansion', () => {
  test('"$@" and $* with IFS; an unquoted empty expansion vanishes, "" stays', () => {
    const h = host({ IFS: ',' }, ['a b', '', 'c']);
    assert.deepEqual(fields('"$@"', h), ['a b', '', 'c']);
    assert.deepEqual(fields('$@', h), ['a b', 'c']);
    assert.deepEqual(fields('"$*"', h), ['a b,,c']);
    assert.deepEqual(fields('"x$@y"', h), ['xa b', '', 'cy']);
    assert.deepEqual(fields('"$@"', host({}, [])), []);
    assert.deepEqual(fields('$e "" "$e"', host({ e: '' })), ['', '']);
  });

  test('IFS splitting: white space runs, other characters delimit empty fields', () => {
    assert.deepEqual(fields('$v', host({ v: '  a  b ' })), ['a', 'b']);
    assert.deepEqual(fields('$v', host({ v: 'a::b:', IFS: ':' })), ['a', '', 'b']);
    assert.deepEqual(fields('$v', host({ v: ' a : b ', IFS: ' :' })), ['a', 'b']);
    assert.deepEqual(fields('$v', host({ v: 'a b', IFS: '' })), ['a b']);
    assert.deepEqual(fields('pre$v"q"', host({ v: '1 2' })), ['pre1', '2q']);
  });

  test('parameter operators, patterns and assignment', () => {
    const h = host({ p: '/usr/lib/x.tar.gz', e: '' });
    const s = (src: string): string => expandString(word(src), h);
    assert.equal(s('${p##*/}'), 'x.tar.gz');
    assert.equal(s('${p%/*}'), '/usr/lib');
    assert.equal(s('${p%%.*}'), '/usr/lib/x');
    assert.equal(s('${p#*.}'), 'tar.gz');
    assert.equal(s('${#p}'), '17');
    assert.equal(s('${u:-d}${e:-d}${e-d}${u+s}${e+s}${e:+s}'), 'dds');
    assert.equal(s('${n:=new}'), 'new');
    assert.equal(h.assigned['n'], 'new');
    assert.throws(() => s('${u:?gone}'), /u: gone/);
    assert.throws(() => expandString(word('$u'), host({}, [], { nounset: true })), /u: parameter not set/);
    assert.equal(expandPattern(word('"*"x*'), h), '\\*x*');
  });

  test('arithmetic expansion and command substitution go through the host', () => {
    assert.deepEqual(fields('$((1+2)) $(cmd)', host({})), ['3', 'SUB']);
  });
});

describe('arithmetic', () => {
  const vars = new Map<string, string>([['x', '5'], ['h', '0x10'], ['bad', 'abc']]);
  const env = { get: (n: string) => vars.get(n), set: (n: string, v: string) => vars.set(n, v) };
  const calc = (t: string): string => String(evalArith(t, env));

  test('C operators and precedence, 64-bit wrapping, octal and hex', () => {
    assert.equal(calc('1 + 2 * 3'), '7');
    assert.equal(calc('(1 + 2) * 3'), '9');
    assert.equal(calc('-7 / 2'), '-3');
    assert.equal(calc('-7 % 2'), '-1');
    assert.equal(calc('1 << 4 | 1'), '17');
    assert.equal(calc('010 + 0x10 + h'), '40');
    assert.equal(calc('9223372036854775807 + 1'), '-9223372036854775808');
    assert.equal(calc('x > 3 && x < 10 ? 100 : 200'), '100');
    assert.equal(calc('!x + ~x'), '-6');
  });

  test('assignment operators; skipped branches have no effect', () => {
    assert.equal(calc('y = x += 2'), '7');
    assert.equal(vars.get('y'), '7');
    assert.equal(calc('0 && (z = 1)'), '0');
    assert.equal(vars.get('z'), undefined);
    assert.equal(calc('1 || 1 / 0'), '1');
  });

  test('errors worded as dash words them', () => {
    assert.throws(() => calc('1 / 0'), (e) => e instanceof ArithError && e.message === 'arithmetic expression: division by zero: "1 / 0"');
    assert.throws(() => calc('1 +'), /expecting primary/);
    assert.throws(() => calc('bad + 1'), /Illegal number: abc/);
    assert.throws(() => calc('08'), /expecting EOF/);
  });
});

describe('patterns', () => {
  test('* ? [set] [!set] classes and escapes', () => {
    assert.ok(matchPattern('*.c', 'main.c'));
    assert.ok(!matchPattern('*.c', 'main.h'));
    assert.ok(matchPattern('?[a-c][!0-9]', 'xbz'));
    assert.ok(matchPattern('[[:digit:]]*', '1abc'));
    assert.ok(matchPattern('\\*', '*'));
    assert.ok(!matchPattern('\\*', 'a'));
    assert.ok(matchPattern('[', '['));
    assert.ok(matchPattern('a*', 'a\nb'));
  });

  test('shortest and longest prefix and suffix removal', () => {
    assert.equal(removePrefix('aXbXc', '*X', false), 'bXc');
    assert.equal(removePrefix('aXbXc', '*X', true), 'c');
    assert.equal(removeSuffix('aXbXc', 'X*', false), 'aXb');
    assert.equal(removeSuffix('aXbXc', 'X*', true), 'a');
    assert.equal(removeSuffix('abc', 'z', false), 'abc');
  });
});

/** Walk a list for a test that needs the tree's shape. */
export function walk(list: List, visit: (c: Command) => void): void {
  for (const item of list.items) for (const p of [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]) for (const c of p.commands) visit(c);
}
