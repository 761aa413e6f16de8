/**
 * Word expansion for the Keel shell: parameters, field splitting and pathname globbing.
 *
 * Interface: `expandWord` / `expandWords` turn parsed words into argument fields;
 * `expandSingle` gives one string (for assignments and redirect targets: no splitting, no
 * globbing); `hasGlob` says whether a word has unquoted glob characters; `globMatch` matches one
 * file name against a pattern. The caller supplies parameter values and, optionally, the
 * directory lookup through `ExpandContext`. Pure code: no host APIs.
 *
 * Rules (POSIX, with one simplification):
 * - Only the result of an unquoted parameter is split, on runs of space, tab and newline; the
 *   pieces join with the text next to them (a="1 2": x$a -> "x1" "2"). Literal text never splits.
 * - A field exists if anything quoted contributed to it (even "" or "$empty") or it has text, so
 *   an unquoted parameter that is empty and is the whole word yields no field, "$a" always one.
 * - Globbing is triggered only by an unquoted * ? or [ written literally in the word (a text
 *   part). Characters that came from quoting or from parameter values are matched literally
 *   (POSIX would also glob unquoted parameter values; Keel does not). The pattern handed to
 *   `ctx.glob` escapes those literal characters with a backslash; when it returns no names, the
 *   field stays as written (unescaped).
 * - An unset parameter expands like an empty one.
 */

import type { Word } from './parse.js';

export interface ExpandContext {
  /** The value of a parameter (a variable name, or ? $ ! # 0-9), undefined if unset. */
  param(name: string): string | undefined;
  /** Names matching a pattern with path components (e.g. `src/*.ts`), or null/[] for none. */
  glob?(pattern: string): string[] | null;
}

/** A piece of a field; `literal` pieces cannot act as glob syntax. */
interface Chunk { readonly text: string; readonly literal: boolean }
interface Field { chunks: Chunk[]; present: boolean }

const IFS_RUN = /[ \t\n]+/;
const GLOB_CHAR = /[*?[]/;
const GLOB_SPECIAL = /[\\*?[\]]/g;

export function expandWord(word: Word, ctx: ExpandContext): string[] {
  const fields: Field[] = [];
  let current: Field = { chunks: [], present: false };
  for (const part of word.parts) {
    if (part.kind === 'text') {
      current.chunks.push({ text: part.text, literal: part.quoted });
      current.present = true;
      continue;
    }
    const value = ctx.param(part.name) ?? '';
    if (part.quoted) {
      current.chunks.push({ text: value, literal: true });
      current.present = true;
      continue;
    }
    // Unquoted parameter: each whitespace run ends the current field and starts a new one.
    value.split(IFS_RUN).forEach((piece, i) => {
      if (i > 0) {
        if (current.present) fields.push(current);
        current = { chunks: [], present: false };
      }
      if (piece !== '') {
        current.chunks.push({ text: piece, literal: true });
        current.present = true;
      }
    });
  }
  if (current.present) fields.push(current);
  return fields.flatMap((field) => globField(field, ctx));
}

export function expandWords(words: readonly Word[], ctx: ExpandContext): string[] {
  return words.flatMap((word) => expandWord(word, ctx));
}

export function expandSingle(word: Word, ctx: ExpandContext): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : ctx.param(p.name) ?? '')).join('');
}

export function hasGlob(word: Word): boolean {
  return word.parts.some((p) => p.kind === 'text' && !p.quoted && GLOB_CHAR.test(p.text));
}

function globField(field: Field, ctx: ExpandContext): string[] {
  const text = field.chunks.map((c) => c.text).join('');
  const wantsGlob = field.chunks.some((c) => !c.literal && GLOB_CHAR.test(c.text));
  if (!wantsGlob || !ctx.glob) return [text];
  const pattern = field.chunks
    .map((c) => (c.literal ? c.text.replace(GLOB_SPECIAL, '\\$&') : c.text))
    .join('');
  const names = ctx.glob(pattern);
  return names && names.length > 0 ? [...names] : [text];
}

// ---------------------------------------------------------------------------------------------
// Pattern matching for one name: * ? [set] [a-z] [!set] (also [^set]), \x for a literal x.

type Matcher =
  | { readonly kind: 'char'; readonly ch: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'set'; readonly negate: boolean; readonly ranges: readonly (readonly [number, number])[] };

/**
 * True when `name` matches `pattern` as a whole. A leading '.' in the name is matched only by a
 * literal '.' (written `.` or `\.`), never by * ? or a set. An unclosed `[` is a literal `[`.
 */
export function globMatch(pattern: string, name: string): boolean {
  const matchers = compile(pattern);
  const chars = Array.from(name);
  if (chars[0] === '.') {
    const first = matchers[0];
    if (first?.kind !== 'char' || first.ch !== '.') return false;
  }
  // Two pointers; on a mismatch, retry from the last * with it swallowing one more character.
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < chars.length) {
    const m = matchers[p];
    if (m?.kind === 'star') {
      starP = p++;
      starN = n;
    } else if (m !== undefined && matchesOne(m, chars[n] ?? '')) {
      p++;
      n++;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (matchers[p]?.kind === 'star') p++;
  return p === matchers.length;
}

function matchesOne(m: Exclude<Matcher, { kind: 'star' }>, ch: string): boolean {
  switch (m.kind) {
    case 'char': return m.ch === ch;
    case 'any': return true;
    case 'set': {
      const code = ch.codePointAt(0) ?? -1;
      return m.ranges.some(([lo, hi]) => code >= lo && code <= hi) !== m.negate;
    }
  }
}

function compile(pattern: string): Matcher[] {
  const chars = Array.from(pattern);
  const out: Matcher[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '\\' && i + 1 < chars.length) {
      out.push({ kind: 'char', ch: chars[++i] ?? '' });
    } else if (c === '*') {
      if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'any' });
    } else if (c === '[') {
      const set = compileSet(chars, i);
      if (set) {
        out.push(set.matcher);
        i = set.end;
      } else {
        out.push({ kind: 'char', ch: '[' });
      }
    } else {
      out.push({ kind: 'char', ch: c });
    }
  }
  return out;
}

/** Reads a bracket expression starting at chars[start] === '['; undefined if it never closes. */
function compileSet(chars: readonly string[], start: number): { matcher: Matcher; end: number } | undefined {
  let i = start + 1;
  const negate = chars[i] === '!' || chars[i] === '^';
  if (negate) i++;
  const ranges: [number, number][] = [];
  // Reads one (possibly backslash-escaped) member character and moves past it.
  const member = (): number => {
    if (chars[i] === '\\' && i + 1 < chars.length) i++;
    return (chars[i++] ?? '').codePointAt(0) ?? -1;
  };
  for (let first = true; i < chars.length; first = false) {
    if (chars[i] === ']' && !first) return { matcher: { kind: 'set', negate, ranges }, end: i };
    const lo = member();
    if (chars[i] === '-' && i + 1 < chars.length && chars[i + 1] !== ']') {
      i++;
      ranges.push([lo, member()]);
    } else {
      ranges.push([lo, lo]);
    }
  }
  return undefined;
}
