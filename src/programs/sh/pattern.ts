/**
 * Shell pattern matching notation (XCU 2.13): `*`, `?`, bracket expressions (`[abc]`, `[a-z]`,
 * `[!x]` or `[^x]`, classes such as `[[:digit:]]`) and `\x` for a literal x. Used by `case`,
 * the ${x%pattern} family, pathname expansion (glob.ts) and `find -name`.
 *
 * A pattern here is text in which quoted characters have been escaped with a backslash (what the
 * expander produces), so `"*"` arrives as `\*` and matches only a star. An unclosed `[` is a
 * literal `[`. Pure code.
 *
 * Interface: `patternRegExp(p)` (an anchored RegExp, cached), `matchPattern(p, s)`,
 * `hasPatternChars(p)`, `escapePattern(s)`, and `removePrefix`/`removeSuffix` for ${x#p} ${x%p}.
 */

const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();
const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

/** `c` as a RegExp atom (outside a class). */
function escapeRegExp(c: string): string {
  return c.replace(REGEXP_SPECIAL, '\\$&');
}

/** `c` as a member of a RegExp class. */
function escapeInClass(c: string): string {
  return c.replace(/[\\\]^[-]/g, '\\$&');
}

/** RegExp source for `pattern` (unanchored). */
export function patternSource(pattern: string): string {
  const chars = Array.from(pattern);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      out += escapeRegExp(chars[++i] ?? '\\');
    } else if (c === '*') {
      out += '[^]*';
    } else if (c === '?') {
      out += '[^]';
    } else if (c === '[') {
      const set = bracket(chars, i);
      if (set) {
        out += set.source;
        i = set.end;
      } else {
        out += '\\[';
      }
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

/** A bracket expression at chars[start] === '[': its RegExp class and where it ends, or null. */
function bracket(chars: readonly string[], start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  for (let first = true; i < chars.length; first = false) {
    const c = chars[i]!;
    if (c === ']' && !first) return { source: body === '' ? (negate ? '[^]' : '[]') : `[${negate ? '^' : ''}${body}]`, end: i };
    if (c === '[' && chars[i + 1] === ':') {
      const close = chars.indexOf(':', i + 2);
      const name = close > 0 && chars[close + 1] === ']' ? chars.slice(i + 2, close).join('') : null;
      if (name !== null && CLASSES[name] !== undefined) {
        body += CLASSES[name];
        i = close + 2;
        continue;
      }
    }
    let lo = c;
    if (c === '\\' && i + 1 < chars.length) lo = chars[++i]!;
    i++;
    if (chars[i] === '-' && i + 1 < chars.length && chars[i + 1] !== ']') {
      let hi = chars[i + 1]!;
      i += 2;
      if (hi === '\\' && i < chars.length) hi = chars[i++]!;
      if (lo.codePointAt(0)! <= hi.codePointAt(0)!) body += `${escapeInClass(lo)}-${escapeInClass(hi)}`;
    } else {
      body += escapeInClass(lo);
    }
  }
  return null;
}

/** An anchored RegExp for the whole of a string. */
export function patternRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${patternSource(pattern)})$`, 'u');
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

export function matchPattern(pattern: string, text: string): boolean {
  return patternRegExp(pattern).test(text);
}

/** True when the pattern has an unescaped * ? or [ (else it matches only itself). */
export function hasPatternChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** `s` with every pattern character escaped, so it matches only itself. */
export function escapePattern(s: string): string {
  return s.replace(/[\\*?[\]]/g, '\\$&');
}

/** ${value#pattern} (shortest) or ${value##pattern} (longest). */
export function removePrefix(value: string, pattern: string, longest: boolean): string {
  const re = patternRegExp(pattern);
  const chars = Array.from(value);
  if (longest) {
    for (let n = chars.length; n >= 0; n--) if (re.test(chars.slice(0, n).join(''))) return chars.slice(n).join('');
  } else {
    for (let n = 0; n <= chars.length; n++) if (re.test(chars.slice(0, n).join(''))) return chars.slice(n).join('');
  }
  return value;
}

/** ${value%pattern} (shortest) or ${value%%pattern} (longest). */
export function removeSuffix(value: string, pattern: string, longest: boolean): string {
  const re = patternRegExp(pattern);
  const chars = Array.from(value);
  if (longest) {
    for (let n = 0; n <= chars.length; n++) if (re.test(chars.slice(n).join(''))) return chars.slice(0, n).join('');
  } else {
    for (let n = chars.length; n >= 0; n--) if (re.test(chars.slice(n).join(''))) return chars.slice(0, n).join('');
  }
  return value;
}
