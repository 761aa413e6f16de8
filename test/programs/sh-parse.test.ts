/**
 * Unit tests for the Keel shell's parser (src/programs/sh/parse.ts) and word expander
 * (src/programs/sh/expand.ts): lexing and quoting, operators and lists, redirections and IO
 * numbers, assignments, errors (incomplete vs syntax vs unsupported), field splitting, globbing,
 * and property tests (every input parses or throws ParseError; singleQuote round-trips).
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type Pipeline, type Script, type SimpleCommand, type Word, type WordPart,
  parse, ParseError, singleQuote,
} from '../../src/programs/sh/parse.js';
import {
  type ExpandContext, expandSingle, expandWord, expandWords, globMatch, hasGlob,
} from '../../src/programs/sh/expand.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const t = (text: string): WordPart => ({ kind: 'text', text, quoted: false });
const q = (text: string): WordPart => ({ kind: 'text', text, quoted: true });
const p = (name: string, quoted = false): WordPart => ({ kind: 'param', name, quoted });
const w = (...parts: WordPart[]): Word => ({ parts });

/** The only pipeline of a one-item script. */
function onlyPipeline(src: string): Pipeline {
  const script = parse(src);
  assert.equal(script.items.length, 1, `one item in ${JSON.stringify(src)}`);
  const item = script.items[0]!;
  assert.equal(item.andOr.rest.length, 0);
  return item.andOr.first;
}

/** The only simple command of a one-command script. */
function only(src: string): SimpleCommand {
  const pipeline = onlyPipeline(src);
  assert.equal(pipeline.commands.length, 1);
  return pipeline.commands[0]!;
}

/** The parts of each word of a one-command script. */
function parts(src: string): (readonly WordPart[])[] {
  return only(src).words.map((word) => word.parts);
}

const noParams: ExpandContext = { param: () => undefined };

/** Each word of a one-command script as a plain string (text and names, nothing expanded). */
function literalWords(src: string): string[] {
  return only(src).words.map((word) => expandSingle(word, noParams));
}

/** Names of the first word of every command, item by item, for list-shape checks. */
function commandNames(script: Script): string[][] {
  return script.items.map((item) => [item.andOr.first, ...item.andOr.rest.map((r) => r.pipeline)]
    .flatMap((pl) => pl.commands.map((c) => expandSingle(c.words[0] ?? w(), noParams))));
}

function parseError(src: string): ParseError {
  try {
    parse(src);
  } catch (e) {
    assert.ok(e instanceof ParseError, `ParseError for ${JSON.stringify(src)}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(src)} to fail`);
}

function ctx(vars: Record<string, string>, glob?: (pattern: string) => string[] | null): ExpandContext {
  const param = (name: string): string | undefined => vars[name];
  return glob ? { param, glob } : { param };
}

/** Expands every word of a one-command script. */
function argv(src: string, vars: Record<string, string> = {}, glob?: (pattern: string) => string[] | null): string[] {
  return expandWords(only(src).words, ctx(vars, glob));
}

// ---------------------------------------------------------------------------------------------
// Words and quoting

describe('words and quoting', () => {
  test('blanks separate words; runs of spaces and tabs count once', () => {
    assert.deepEqual(literalWords('echo  a\t\tb   c '), ['echo', 'a', 'b', 'c']);
    assert.deepEqual(parts('echo hello'), [[t('echo')], [t('hello')]]);
  });

  test('single quotes are literal', () => {
    assert.deepEqual(parts(`echo 'a $b \\c "d" \`e\`'`), [[t('echo')], [q('a $b \\c "d" `e`')]]);
    assert.deepEqual(parts("'a\nb'"), [[q('a\nb')]]);
  });

  test('double quotes expand $ and honour \\$ \\` \\" \\\\ only', () => {
    assert.deepEqual(parts('"a $b \\$c \\\\ \\" \\` \\x"'), [[q('a '), p('b', true), q(' $c \\ " ` \\x')]]);
  });

  test('nested quotes of the other kind', () => {
    assert.deepEqual(parts(`echo "it's"`), [[t('echo')], [q("it's")]]);
    assert.deepEqual(parts(`echo 'say "hi"'`), [[t('echo')], [q('say "hi"')]]);
    assert.deepEqual(parts(`echo 'it'\\''s'`), [[t('echo')], [q("it's")]]);
  });

  test('adjacent pieces form one word; text of equal quotedness merges', () => {
    assert.deepEqual(parts(`a'b'"c"d`), [[t('a'), q('bc'), t('d')]]);
    assert.deepEqual(parts(`"a"'b'\\c`), [[q('abc')]]);
    assert.deepEqual(parts('x"$y"z'), [[t('x'), p('y', true), t('z')]]);
  });

  test('an unquoted backslash quotes the next character', () => {
    assert.deepEqual(parts('a\\ b'), [[t('a'), q(' '), t('b')]]);
    assert.deepEqual(parts('\\$x'), [[q('$'), t('x')]]);
    assert.deepEqual(parts('\\|\\;\\&\\>\\#'), [[q('|;&>#')]]);
    assert.deepEqual(parts('\\\\'), [[q('\\')]]);
    assert.deepEqual(parts('\\😀x'), [[q('😀'), t('x')]]);
  });

  test('backslash-newline is a line continuation, unquoted and in double quotes', () => {
    assert.deepEqual(literalWords('echo a\\\nb'), ['echo', 'ab']);
    assert.deepEqual(literalWords('echo a \\\n b'), ['echo', 'a', 'b']);
    assert.deepEqual(parts('"a\\\nb"'), [[q('ab')]]);
    assert.deepEqual(parts("'a\\\nb'"), [[q('a\\\nb')]]);
  });

  test('an empty quoted string is one empty quoted text part', () => {
    assert.deepEqual(parts("''"), [[q('')]]);
    assert.deepEqual(parts('""'), [[q('')]]);
    assert.deepEqual(parts(`echo '' x ""''`), [[t('echo')], [q('')], [t('x')], [q('')]]);
  });

  test('an empty quoted string next to other text disappears', () => {
    assert.deepEqual(parts("a''"), [[t('a')]]);
    assert.deepEqual(parts("a''b"), [[t('ab')]]);
    assert.deepEqual(parts(`"x"''`), [[q('x')]]);
    assert.deepEqual(parts('"$a"'), [[p('a', true)]]);
    assert.deepEqual(parts('""$a'), [[q(''), p('a')]]);
    assert.deepEqual(parts('$a""$b'), [[p('a'), q(''), p('b')]]);
  });
});

describe('parameters', () => {
  test('$NAME and ${NAME}', () => {
    assert.deepEqual(parts('$HOME'), [[p('HOME')]]);
    assert.deepEqual(parts('$a_b1/c'), [[p('a_b1'), t('/c')]]);
    assert.deepEqual(parts('$a-b'), [[p('a'), t('-b')]]);
    assert.deepEqual(parts('${a}b'), [[p('a'), t('b')]]);
    assert.deepEqual(parts('"${a}b"'), [[p('a', true), q('b')]]);
  });

  test('special parameters', () => {
    assert.deepEqual(parts('$? $$ $! $# $0 $9'), ['?', '$', '!', '#', '0', '9'].map((n) => [p(n)]));
    assert.deepEqual(parts('"$?$$"'), [[p('?', true), p('$', true)]]);
    assert.deepEqual(parts('$10'), [[p('1'), t('0')]]);
    assert.deepEqual(parts('${10} ${?} ${#}'), [[p('10')], [p('?')], [p('#')]]);
  });

  test('a $ that starts no expansion is literal', () => {
    assert.deepEqual(parts('$ a$ $% $@ $-'), [[t('$')], [t('a$')], [t('$%')], [t('$@')], [t('$-')]]);
    assert.deepEqual(parts('"$" "a$"'), [[q('$')], [q('a$')]]);
    assert.deepEqual(parts("'$a'"), [[q('$a')]]);
  });
});

describe('comments', () => {
  test('# starts a comment only at the start of a word', () => {
    assert.deepEqual(literalWords('echo a # comment | x'), ['echo', 'a']);
    assert.deepEqual(literalWords('echo a#b'), ['echo', 'a#b']);
    assert.deepEqual(literalWords(`echo '#x' "#y" \\#z`), ['echo', '#x', '#y', '#z']);
    assert.deepEqual(commandNames(parse('a;#c\nb')), [['a'], ['b']]);
  });

  test('blank lines and comments alone give an empty script', () => {
    for (const src of ['', '   ', '\n\n', '# only a comment', '  # c1\n\t# c2\n\n']) {
      assert.deepEqual(parse(src), { items: [] }, JSON.stringify(src));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Operators and lists

describe('pipelines and lists', () => {
  test('a | b | c', () => {
    const pl = onlyPipeline('a 1 | b|c');
    assert.equal(pl.negated, false);
    assert.deepEqual(pl.commands.map((c) => c.words.map((word) => expandSingle(word, noParams))), [['a', '1'], ['b'], ['c']]);
  });

  test('! negates a pipeline; only an unquoted ! word counts', () => {
    const pl = onlyPipeline('! a | b');
    assert.equal(pl.negated, true);
    assert.equal(pl.commands.length, 2);
    assert.equal(onlyPipeline('! ! a').negated, false);
    assert.deepEqual(literalWords('!a'), ['!a']);
    assert.deepEqual(literalWords("'!' a"), ['!', 'a']);
    assert.deepEqual(literalWords('echo !'), ['echo', '!']);
  });

  test('&& and || chains', () => {
    const andOr = parse('a && b || c && ! d').items[0]!.andOr;
    assert.deepEqual(andOr.rest.map((r) => r.op), ['&&', '||', '&&']);
    assert.equal(andOr.rest[2]!.pipeline.negated, true);
    assert.deepEqual(commandNames(parse('a&&b||c')), [['a', 'b', 'c']]);
  });

  test('newlines may follow | && ||', () => {
    assert.deepEqual(commandNames(parse('a |\n b &&\n\n c ||\n d')), [['a', 'b', 'c', 'd']]);
  });

  test('; and newline separate items; a trailing ; is fine', () => {
    for (const src of ['a; b', 'a;b;', 'a\nb', '\n\na\n\n\nb\n', 'a ;\n b']) {
      const script = parse(src);
      assert.deepEqual(commandNames(script), [['a'], ['b']], JSON.stringify(src));
      assert.ok(script.items.every((item) => !item.background));
    }
  });

  test('& makes an item background and may be followed by more commands', () => {
    const script = parse('sleep 1 & echo hi');
    assert.deepEqual(commandNames(script), [['sleep'], ['echo']]);
    assert.deepEqual(script.items.map((item) => item.background), [true, false]);
    assert.deepEqual(parse('a && b &').items.map((item) => item.background), [true]);
    assert.deepEqual(parse('a & b & \n c;').items.map((item) => item.background), [true, true, false]);
    assert.deepEqual(parse('a&').items.map((item) => item.background), [true]);
  });
});

describe('redirections', () => {
  const redirects = (src: string): [number, string, string][] =>
    only(src).redirects.map((r) => [r.fd, r.op, expandSingle(r.target, noParams)]);

  test('every operator with its default descriptor', () => {
    assert.deepEqual(redirects('cat < in > out'), [[0, '<', 'in'], [1, '>', 'out']]);
    assert.deepEqual(redirects('cat >> log'), [[1, '>>', 'log']]);
    assert.deepEqual(redirects('cat >&2'), [[1, '>&', '2']]);
    assert.deepEqual(redirects('cat <&3'), [[0, '<&', '3']]);
    assert.deepEqual(redirects('cat<in>out'), [[0, '<', 'in'], [1, '>', 'out']]);
    assert.deepEqual(only('cat<in>out').words.length, 1);
  });

  test('an IO number is digits right before < or >', () => {
    assert.deepEqual(redirects('cmd 2> err'), [[2, '>', 'err']]);
    assert.deepEqual(redirects('cmd 2>&1'), [[2, '>&', '1']]);
    assert.deepEqual(redirects('cmd 0<in 10>>x 3<&0'), [[0, '<', 'in'], [10, '>>', 'x'], [3, '<&', '0']]);
    assert.deepEqual(redirects('cmd > out 2>&1'), [[1, '>', 'out'], [2, '>&', '1']]);
  });

  test('digits with a space, a quote or a letter before the operator are arguments', () => {
    assert.deepEqual(literalWords('echo 2 > f'), ['echo', '2']);
    assert.deepEqual(redirects('echo 2 > f'), [[1, '>', 'f']]);
    assert.deepEqual(literalWords('echo a 2>f'), ['echo', 'a']);
    assert.deepEqual(redirects('echo a 2>f'), [[2, '>', 'f']]);
    assert.deepEqual(literalWords('echo a2>f'), ['echo', 'a2']);
    assert.deepEqual(redirects('echo a2>f'), [[1, '>', 'f']]);
    assert.deepEqual(literalWords('echo "2">f'), ['echo', '2']);
    assert.deepEqual(literalWords('echo \\2>f'), ['echo', '2']);
  });

  test('redirections may come anywhere among the words', () => {
    const cmd = only('> out echo a 2>err b <in');
    assert.deepEqual(cmd.words.map((word) => expandSingle(word, noParams)), ['echo', 'a', 'b']);
    assert.deepEqual(cmd.redirects.map((r) => r.fd), [1, 2, 0]);
    assert.deepEqual(only('> f').words, []);
  });

  test('a redirection target is any word', () => {
    assert.deepEqual(only('cat > "my file"$x').redirects[0]!.target, w(q('my file'), p('x')));
  });
});

describe('assignments', () => {
  test('leading NAME=value words are assignments', () => {
    const cmd = only('A=1 B=2 env');
    assert.deepEqual(cmd.assignments, [{ name: 'A', value: w(t('1')) }, { name: 'B', value: w(t('2')) }]);
    assert.deepEqual(cmd.words, [w(t('env'))]);
  });

  test('after the first ordinary word they are arguments', () => {
    const cmd = only('echo A=1');
    assert.deepEqual(cmd.assignments, []);
    assert.deepEqual(cmd.words, [w(t('echo')), w(t('A=1'))]);
    assert.deepEqual(only('env A=1 B=2').assignments, []);
  });

  test('assignments alone, with redirections, and with quoted or expanded values', () => {
    assert.deepEqual(only('A=1').assignments, [{ name: 'A', value: w(t('1')) }]);
    assert.deepEqual(only('A=').assignments, [{ name: 'A', value: w() }]);
    assert.deepEqual(only('_x1="a b"$c').assignments, [{ name: '_x1', value: w(q('a b'), p('c')) }]);
    assert.deepEqual(only('A=$B').assignments, [{ name: 'A', value: w(p('B')) }]);
    assert.deepEqual(only('A=x=y').assignments, [{ name: 'A', value: w(t('x=y')) }]);
    const cmd = only('> f A=1 cmd');
    assert.deepEqual(cmd.assignments.map((a) => a.name), ['A']);
    assert.equal(cmd.redirects.length, 1);
  });

  test('not a NAME before =: an ordinary word', () => {
    for (const src of ['"A"=1', "'A=1'", 'A$B=1', '1A=2', '=x', 'A-B=1', '\\A=1']) {
      assert.deepEqual(only(src).assignments, [], src);
      assert.equal(only(src).words.length, 1, src);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('errors', () => {
  test('input that more lines could complete is incomplete', () => {
    const cases = [
      "echo 'abc", 'echo "abc', 'echo "a\\"', 'echo "a\\', "a 'b\nc", 'echo "$x',
      'a |', 'a | ', 'a |\n', 'a |\n\n', 'a &&', 'a && \n', 'a ||', 'a || b ||', '! a |',
      'echo a\\', 'echo \\', 'echo a\\\n', 'echo a \\\n', 'echo ${', 'echo ${A', 'echo "${A',
    ];
    for (const src of cases) {
      const e = parseError(src);
      assert.equal(e.incomplete, true, `${JSON.stringify(src)}: ${e.message}`);
      assert.match(e.message, /unexpected end of input/);
    }
    assert.equal(parseError("echo 'abc").message, "unexpected end of input (unclosed ')");
  });

  test('a continuation line completes an incomplete input', () => {
    assert.deepEqual(literalWords("echo 'a\nb'"), ['echo', 'a\nb']);
    assert.deepEqual(commandNames(parse('a |\nb')), [['a', 'b']]);
    assert.deepEqual(literalWords('echo a\\\nb'), ['echo', 'ab']);
  });

  test('syntax errors are not incomplete', () => {
    const cases: [string, string][] = [
      [';', ';'], [';;', ';;'], ['a;;', ';;'], ['a ; ; b', ';'], ['\n;', ';'], ['| a', '|'],
      ['a | | b', '|'], ['a || && b', '&&'], ['&', '&'], ['a & ;', ';'], ['a &&& b', '&'],
      ['a |& b', '&'], ['echo >', 'newline'], ['echo > ;', ';'], ['echo >\nf', 'newline'],
      ['echo > | x', '|'], ['a >| f', '|'], ['cat < > f', '>'], ['!', 'newline'], ['! ;', ';'],
      ['a | ! b', '!'], ['&& a', '&&'], ['|| a', '||'], ['a & && b', '&&'], ['a\n|b', '|'],
    ];
    for (const [src, token] of cases) {
      const e = parseError(src);
      assert.equal(e.incomplete, false, `${JSON.stringify(src)}: ${e.message}`);
      assert.equal(e.message, `syntax error near unexpected token \`${token}'`, JSON.stringify(src));
    }
  });

  test('the first problem in reading order wins', () => {
    assert.equal(parseError("| 'abc").incomplete, false);
    assert.equal(parseError('; a |').incomplete, false);
  });

  test('unsupported constructs are rejected and say so', () => {
    const cases: [string, RegExp][] = [
      ['(a)', /`\(' is not supported/], ['a)', /`\)' is not supported/], ['f() { a; }', /not supported/],
      ['echo $(ls)', /command substitution is not supported/], ['echo `ls`', /command substitution/],
      ['echo "$(ls)"', /command substitution/], ['echo "`ls`"', /command substitution/],
      ['echo a`ls', /command substitution/], ['echo $((1 + 2))', /arithmetic expansion is not supported/],
      ['cat <<EOF', /here-documents are not supported/], ['cat 0<<EOF', /here-documents/],
      ['a &> f', /`&>' is not supported/], ['if true; then a; fi', /`if' is not supported/],
      ['for x in a b; do a; done', /`for' is not supported/], ['while true', /`while' is not supported/],
      ['until a', /`until'/], ['case x in', /`case'/], ['{ a; }', /`{' is not supported/],
      ['a; }', /`}'/], ['a && then', /`then'/], ['a | do', /`do'/], ['[[ -f x ]]', /`\[\['/],
      ['echo ${A:-x}', /bad substitution/], ['echo ${#A}', /bad substitution/], ['echo ${}', /bad substitution/],
      ['echo ${A B}', /bad substitution/], ['echo 99999999999>f', /file descriptor out of range/],
    ];
    for (const [src, message] of cases) {
      const e = parseError(src);
      assert.equal(e.incomplete, false, src);
      assert.match(e.message, message, src);
    }
  });

  test('reserved words are only reserved in command position, unquoted', () => {
    assert.deepEqual(literalWords('echo if then { } fi'), ['echo', 'if', 'then', '{', '}', 'fi']);
    assert.deepEqual(literalWords("'if' x"), ['if', 'x']);
    assert.deepEqual(literalWords('\\{ x'), ['{', 'x']);
    assert.deepEqual(literalWords('A=1 if'), ['if']);
    assert.deepEqual(literalWords('{a,b}'), ['{a,b}']);
  });

  test('ParseError is an Error with a name', () => {
    const e = parseError('|');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'ParseError');
    assert.equal(new ParseError('x').incomplete, false);
  });
});

// ---------------------------------------------------------------------------------------------
// Expansion

describe('expansion', () => {
  const vars = { a: '1  2', sp: ' 1 ', e: '', lead: '  x', trail: 'y  ', ws: 'a\tb\nc', star: '*', q: 'x?' };

  test('unquoted parameters split on space, tab and newline runs', () => {
    assert.deepEqual(argv('echo $a', vars), ['echo', '1', '2']);
    assert.deepEqual(argv('echo $ws', vars), ['echo', 'a', 'b', 'c']);
    assert.deepEqual(argv('echo $sp', vars), ['echo', '1']);
  });

  test('fields join with adjacent text', () => {
    assert.deepEqual(argv('echo x$a', vars), ['echo', 'x1', '2']);
    assert.deepEqual(argv('echo x${a}y', vars), ['echo', 'x1', '2y']);
    assert.deepEqual(argv('echo x$lead', vars), ['echo', 'x', 'x']);
    assert.deepEqual(argv('echo ${trail}z', vars), ['echo', 'y', 'z']);
    assert.deepEqual(argv('echo $trail$lead', vars), ['echo', 'y', 'x']);
    assert.deepEqual(argv('echo x$sp', vars), ['echo', 'x', '1']);
    assert.deepEqual(argv('echo "q"$lead', vars), ['echo', 'q', 'x']);
  });

  test('quoted parameters and literal text never split', () => {
    assert.deepEqual(argv('echo "$a"', vars), ['echo', '1  2']);
    assert.deepEqual(argv('echo "<$a>"', vars), ['echo', '<1  2>']);
    assert.deepEqual(argv("echo 'a b' a\\ b \"c  d\"", vars), ['echo', 'a b', 'a b', 'c  d']);
  });

  test('empty and unset parameters', () => {
    assert.deepEqual(argv('echo $e', vars), ['echo']);
    assert.deepEqual(argv('echo $unset $e$e', vars), ['echo']);
    assert.deepEqual(argv('echo "$e"', vars), ['echo', '']);
    assert.deepEqual(argv('echo "$unset"', vars), ['echo', '']);
    assert.deepEqual(argv('echo ""$e', vars), ['echo', '']);
    assert.deepEqual(argv("echo '' \"\"", vars), ['echo', '', '']);
    assert.deepEqual(argv('echo x$e', vars), ['echo', 'x']);
    assert.deepEqual(argv('echo $e"$e"', vars), ['echo', '']);
    assert.deepEqual(argv('$e echo', vars), ['echo']);
  });

  test('special parameters come from the context', () => {
    const special = { '?': '0', '$': '42', '!': '7', '#': '2', '0': 'sh', '1': 'one two' };
    assert.deepEqual(argv('echo $? $$ $! $# $0 $1 "$1"', special), ['echo', '0', '42', '7', '2', 'sh', 'one', 'two', 'one two']);
  });

  test('expandWord works on a single word; expandWords concatenates', () => {
    assert.deepEqual(expandWord(w(t('x'), p('a')), ctx(vars)), ['x1', '2']);
    assert.deepEqual(expandWord(w(), ctx(vars)), []);
    assert.deepEqual(expandWords([w(p('a')), w(p('e')), w(q(''))], ctx(vars)), ['1', '2', '']);
  });

  test('expandSingle concatenates without splitting or globbing', () => {
    const glob = (): string[] => assert.fail('no globbing in expandSingle');
    const c = ctx(vars, glob);
    assert.equal(expandSingle(only('A=$a"x"*').assignments[0]!.value, c), '1  2x*');
    assert.equal(expandSingle(only('cat > $a').redirects[0]!.target, c), '1  2');
    assert.equal(expandSingle(only('A=').assignments[0]!.value, c), '');
    assert.equal(expandSingle(w(p('unset')), c), '');
  });
});

describe('globbing', () => {
  const vars = { star: '*', q: 'x?', two: '1 2', br: '[x' };

  test('hasGlob sees only unquoted glob characters in text', () => {
    for (const src of ['*.ts', 'a?', 'a[1]', 'x"y"*', '$star*']) assert.equal(hasGlob(only(src).words[0]!), true, src);
    for (const src of ["'*.ts'", '"a?"', '\\*', '$star', 'abc', '"$star"']) assert.equal(hasGlob(only(src).words[0]!), false, src);
  });

  test('matches from the hook replace the word, in the order returned', () => {
    const seen: string[] = [];
    const glob = (pattern: string): string[] => {
      seen.push(pattern);
      return ['b.ts', 'a.ts'];
    };
    assert.deepEqual(argv('ls *.ts x', {}, glob), ['ls', 'b.ts', 'a.ts', 'x']);
    assert.deepEqual(seen, ['*.ts']);
  });

  test('no match, null, or no hook keeps the word literal', () => {
    assert.deepEqual(argv('ls *.ts', {}, () => []), ['ls', '*.ts']);
    assert.deepEqual(argv('ls *.ts', {}, () => null), ['ls', '*.ts']);
    assert.deepEqual(argv('ls *.ts'), ['ls', '*.ts']);
    assert.deepEqual(argv('ls "a*"* \\?x', {}, () => []), ['ls', 'a**', '?x']);
  });

  test('the pattern escapes quoted glob characters and parameter values', () => {
    const seen: string[] = [];
    const glob = (pattern: string): string[] | null => {
      seen.push(pattern);
      return null;
    };
    argv(`ls "a*"* '[x]'? "a\\\\b"* $q* $br? x$two*`, vars, glob);
    assert.deepEqual(seen, ['a\\**', '\\[x\\]?', 'a\\\\b*', 'x\\?*', '\\[x?', '2*']);
  });

  test('words without unquoted glob characters never reach the hook', () => {
    const glob = (): string[] => assert.fail('not a glob');
    assert.deepEqual(argv(`ls '*' "?" \\[ $star $q plain`, vars, glob), ['ls', '*', '?', '[', '*', 'x?', 'plain']);
  });

  test('globMatch: * ? and literal characters', () => {
    assert.equal(globMatch('*', 'abc'), true);
    assert.equal(globMatch('*', ''), true);
    assert.equal(globMatch('', ''), true);
    assert.equal(globMatch('', 'a'), false);
    assert.equal(globMatch('*.ts', 'x.ts'), true);
    assert.equal(globMatch('*.ts', 'x.js'), false);
    assert.equal(globMatch('a*c', 'abbbc'), true);
    assert.equal(globMatch('a*c', 'abbbcd'), false);
    assert.equal(globMatch('*a*b*c', 'xxaybzc'), true);
    assert.equal(globMatch('*a*b*c', 'xxaybz'), false);
    assert.equal(globMatch('a**b', 'ab'), true);
    assert.equal(globMatch('?', 'a'), true);
    assert.equal(globMatch('?', ''), false);
    assert.equal(globMatch('?', 'ab'), false);
    assert.equal(globMatch('??', '😀x'), true);
    assert.equal(globMatch('abc', 'abd'), false);
  });

  test('globMatch: bracket expressions', () => {
    assert.equal(globMatch('[abc]', 'b'), true);
    assert.equal(globMatch('[abc]', 'd'), false);
    assert.equal(globMatch('x[a-z]', 'xq'), true);
    assert.equal(globMatch('x[a-z]', 'xQ'), false);
    assert.equal(globMatch('[!x]', 'y'), true);
    assert.equal(globMatch('[!x]', 'x'), false);
    assert.equal(globMatch('[^x]', 'x'), false);
    assert.equal(globMatch('[]]', ']'), true);
    assert.equal(globMatch('[!]]', ']'), false);
    assert.equal(globMatch('[!]]', 'a'), true);
    assert.equal(globMatch('[a-]', '-'), true);
    assert.equal(globMatch('[0-9a-f]*', 'c0ffee'), true);
    assert.equal(globMatch('[\\]]', ']'), true);
    assert.equal(globMatch('[ab', '[ab'), true);
    assert.equal(globMatch('[ab', 'a'), false);
  });

  test('globMatch: backslash makes the next character literal', () => {
    assert.equal(globMatch('\\*', '*'), true);
    assert.equal(globMatch('\\*', 'a'), false);
    assert.equal(globMatch('a\\?', 'a?'), true);
    assert.equal(globMatch('a\\?', 'ab'), false);
    assert.equal(globMatch('\\[x]', '[x]'), true);
    assert.equal(globMatch('\\\\', '\\'), true);
    assert.equal(globMatch('\\x', 'x'), true);
  });

  test('globMatch: a leading dot needs a literal dot', () => {
    assert.equal(globMatch('*', '.hidden'), false);
    assert.equal(globMatch('?hidden', '.hidden'), false);
    assert.equal(globMatch('[.]hidden', '.hidden'), false);
    assert.equal(globMatch('.*', '.hidden'), true);
    assert.equal(globMatch('\\.h*', '.hidden'), true);
    assert.equal(globMatch('a*', 'a.b'), true);
    assert.equal(globMatch('*.', 'x.'), true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const shellChars = fc.constantFrom(
  'a', 'b', '1', '2', ' ', '\t', '\n', "'", '"', '\\', '$', '{', '}', '(', ')', '`', '|', '&', ';',
  '<', '>', '#', '!', '=', '*', '?', '[', ']', '-', 'A', '_', 'é', '😀',
);

describe('properties', () => {
  test('any input either parses or throws ParseError', () => {
    const anyText = fc.oneof(fc.string({ unit: shellChars, maxLength: 40 }), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(anyText, (src) => {
      try {
        parse(src);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }), { numRuns: 3000 });
  });

  test('singleQuote round-trips any string as one quoted word', () => {
    const anyText = fc.oneof(fc.string({ unit: shellChars }), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(anyText, (s) => {
      assert.deepEqual(parts(singleQuote(s)), [[q(s)]]);
      assert.deepEqual(argv(`echo ${singleQuote(s)} x`, {}, () => ['glob!']), ['echo', s, 'x']);
    }), { numRuns: 1000 });
    assert.equal(singleQuote(''), "''");
    assert.equal(singleQuote("it's"), "'it'\\''s'");
  });

  test('an escaped name matches itself', () => {
    fc.assert(fc.property(fc.string({ unit: shellChars }), (name) => {
      assert.equal(globMatch(name.replace(/[\\*?[\]]/g, '\\$&'), name), true);
      assert.equal(globMatch('*', name), !name.startsWith('.'));
    }), { numRuns: 1000 });
  });

  test('literal words with no quoting or operators parse to themselves', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'z', '0', '-', '.', '/', '=', '%', '+', ','), minLength: 1 });
    fc.assert(fc.property(fc.array(plain, { minLength: 1, maxLength: 5 }), (words) => {
      const cmd = only(['cmd', ...words].join(' '));
      assert.deepEqual(cmd.words.map((word) => word.parts), [[t('cmd')], ...words.map((s) => [t(s)])]);
    }));
  });
});
