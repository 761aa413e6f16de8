/**
 * POSIX regular expressions (basic, BRE, and extended, ERE) as JavaScript RegExp source, for the
 * utilities that take them: grep, sed, awk (ERE), expr (BRE).
 *
 * BRE: \\( \\) \\{ \\} \\| \\+ \\? are operators (the last three GNU extensions) and their plain
 * forms literal; `*` at the start of an expression or group is literal; `^` anchors only at the
 * start, `$` only at the end. ERE: ( ) { } | + ? are operators; an unopened `)` is literal, as in
 * GNU. Both: bracket expressions with POSIX classes ([:alpha:] …, ASCII), \\< \\> word
 * boundaries, \\w \\W \\s \\S \\b \\B and back-references \\1-\\9 (GNU), \\n and \\t. Differences
 * from POSIX matching come from JavaScript: the first alternative that matches wins rather than
 * the longest.
 *
 * Interface: `toJsRegExp(pattern, basic)` → source, or throws PatternError (GNU's wording).
 */

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};

export class PatternError extends Error {}

/** The POSIX bracket expression starting at p[at] (`[`), as a JS class; and the index after it. */
function bracket(p: string, at: number): [string, number] {
  let j = at + 1;
  let out = '[';
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  let first = true;
  while (j < p.length && (p[j] !== ']' || first)) {
    first = false;
    const special = /^\[([:=.])/.exec(p.slice(j));
    if (special) {
      const close = p.indexOf(`${special[1]}]`, j + 2);
      if (close < 0) break;
      const name = p.slice(j + 2, close);
      if (special[1] === ':') {
        const cls = CLASSES[name];
        if (cls === undefined) throw new PatternError('Invalid character class name');
        out += cls;
      } else out += name.replace(/[\\\]^[]/g, '\\$&');
      j = close + 2;
      continue;
    }
    const c = p[j]!;
    out += '\\[]^'.includes(c) ? `\\${c}` : c;
    j++;
  }
  if (j >= p.length) throw new PatternError('Unmatched [, [^, [:, [., or [=');
  return [`${out}]`, j + 1];
}

/** A POSIX basic (BRE) or extended (ERE) regular expression as JavaScript RegExp source. */
export function toJsRegExp(p: string, basic: boolean): string {
  let out = '';
  let atStart = true; // where `*` is literal and a BRE `^` anchors
  let depth = 0;
  for (let i = 0; i < p.length;) {
    const c = p[i]!;
    let next = false;
    if (c === '\\') {
      const d = p[i + 1];
      if (d === undefined) throw new PatternError('Trailing backslash');
      i += 2;
      if (basic && '(){}|+?'.includes(d)) {
        if (d === '(') depth++;
        if (d === ')' && --depth < 0) throw new PatternError('Unmatched ) or \\)');
        out += d;
        atStart = d === '(' || d === '|';
        continue;
      }
      if (d === 'n') out += '\\n';
      else if (d === 't') out += '\\t';
      else if (d === '<') out += '\\b(?=\\w)';
      else if (d === '>') out += '\\b(?<=\\w)';
      else if (/[wWsSbB1-9]/.test(d)) out += `\\${d}`;
      else if (/[a-zA-Z0-9]/.test(d)) out += d;
      else out += `\\${d}`;
      atStart = false;
      continue;
    }
    if (c === '[') {
      const [cls, after] = bracket(p, i);
      out += cls;
      i = after;
      atStart = false;
      continue;
    }
    if (basic) {
      if ('(){}|+?'.includes(c)) out += `\\${c}`;
      else if (c === '*' && atStart) out += '\\*';
      else if (c === '^') {
        out += atStart ? '^' : '\\^';
        next = atStart;
      } else if (c === '$') {
        const end = i === p.length - 1 || p.startsWith('\\)', i + 1) || p.startsWith('\\|', i + 1);
        out += end ? '$' : '\\$';
      } else out += c;
    } else if (c === '(' || c === '|') {
      if (c === '(') depth++;
      out += c;
      next = true;
    } else if (c === ')') {
      out += depth > 0 ? ')' : '\\)'; // an unopened `)` is literal in GNU EREs
      if (depth > 0) depth--;
    } else if ('*+?'.includes(c) && atStart) out += `\\${c}`;
    else if (c === '{' && (atStart || !/^\{\d+(,\d*)?\}/.test(p.slice(i)))) out += '\\{';
    else {
      out += c;
      next = c === '^';
    }
    atStart = next;
    i++;
  }
  if (depth > 0) throw new PatternError('Unmatched ( or \\(');
  return out;
}
