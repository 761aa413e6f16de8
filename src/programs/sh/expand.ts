/**
 * Word expansion (XCU 2.6): tilde, parameters (with the ${…} operators), command substitution
 * and arithmetic, then field splitting on IFS, pathname expansion and quote removal.
 *
 * Interface (the shell supplies what expansion reads and does through ExpandHost):
 * - `expandWords(words, host)`: argument fields — split and globbed (commands, `for` lists).
 * - `expandString(word, host, assignment?)`: one string, neither split nor globbed (assignment
 *   values — which also get `~` after `:` —, redirection targets, here-documents, `case` words).
 * - `expandPattern(word, host)`: a pattern for pattern.ts, quoted characters escaped (`case`).
 *
 * How quoting decides (pieces carry one of three kinds):
 * - literal text written unquoted: globbed, never split;
 * - quoted text and whatever expands inside "…": neither;
 * - what an unquoted expansion produces: split on IFS, then globbed (as POSIX says; dash too).
 * A field exists when quoted text contributed to it (even "" or "$empty") or it has text, so an
 * unquoted empty expansion alone yields no field. "$@" yields one field per positional parameter
 * (none when there are none, even in quotes); "$*" joins them with IFS's first character.
 * IFS splitting follows XCU 2.6.5: IFS white space runs are one delimiter and vanish at the
 * ends; each other IFS character delimits a field, so `a::b` with IFS=: gives a, (empty), b.
 */

import type { List, ParamPart, Word, WordPart } from './ast.js';
import { escapePattern, hasPatternChars, removePrefix, removeSuffix } from './pattern.js';
import { ShellError } from './shell-exit.js';

export interface ExpandHost {
  /** A parameter's value (a variable, a positional number, a special: ? $ ! # - 0), undefined if unset. */
  param(name: string): string | undefined;
  /** $1, $2, …. */
  positional(): readonly string[];
  /** ${NAME=word} and ${NAME:=word}. */
  assign(name: string, value: string): void;
  /** `set -u`. */
  readonly nounset: boolean;
  /** `set -f`. */
  readonly noglob: boolean;
  /** Run a command substitution: its output without trailing newlines. */
  substitute(body: List): string;
  /** Evaluate arithmetic text to its value as a string (throws ShellError). */
  arith(text: string): string;
  /** Pathnames matching a pattern, sorted; empty when none. */
  glob(pattern: string): string[];
}

const enum Q { Lit, Quoted, Split }
interface Piece { readonly text: string; readonly q: Q }
/** null: a field break (between the parameters of "$@"). */
type Item = Piece | null;

const DEFAULT_IFS = ' \t\n';
const SPECIAL_NAMES = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

export function expandWords(words: readonly Word[], host: ExpandHost): string[] {
  const out: string[] = [];
  for (const w of words) for (const f of fields(itemsOf(w, host, false), host)) out.push(f);
  return out;
}

export function expandString(word: Word, host: ExpandHost, assignment = false): string {
  return joinItems(itemsOf(word, host, assignment));
}

export function expandPattern(word: Word, host: ExpandHost): string {
  return patternOf(itemsOf(word, host, false));
}

function joinItems(items: readonly Item[]): string {
  let s = '';
  for (const it of items) s += it === null ? ' ' : it.text;
  return s;
}

function patternOf(items: readonly Item[]): string {
  let s = '';
  for (const it of items) {
    if (it === null) s += ' ';
    else s += it.q === Q.Quoted ? escapePattern(it.text) : it.text;
  }
  return s;
}

/** The pieces of a whole word, with tilde expansion at its start (and after `:` in assignments). */
function itemsOf(word: Word, host: ExpandHost, assignment: boolean): Item[] {
  const parts = word.parts;
  const first = parts[0];
  if (first?.kind !== 'lit' || (!first.text.startsWith('~') && !(assignment && first.text.includes(':~')))) {
    return expandParts(parts, host, false);
  }
  const items: Item[] = [];
  parts.forEach((part, i) => {
    if (part.kind === 'lit' && (i === 0 || assignment)) items.push(...tilde(part.text, i === 0, i === 0 && parts.length > 1, assignment, host));
    else items.push(...expandParts([part], host, false));
  });
  return items;
}

/** `~` or `~/…` → $HOME (also after each `:` in an assignment). Other users: no database, left as written. */
function tilde(text: string, atStart: boolean, more: boolean, assignment: boolean, host: ExpandHost): Item[] {
  const home = host.param('HOME');
  const segments = assignment ? text.split(':') : [text];
  const items: Item[] = [];
  segments.forEach((seg, i) => {
    if (i > 0) items.push({ text: ':', q: Q.Lit });
    const canExpand = (i > 0 || atStart) && seg.startsWith('~') && home !== undefined;
    const slash = seg.indexOf('/');
    const prefix = slash < 0 ? seg.slice(1) : seg.slice(1, slash);
    const endsHere = slash >= 0 || i < segments.length - 1 || !more;
    if (canExpand && prefix === '' && endsHere) {
      items.push({ text: home, q: Q.Quoted });
      if (slash >= 0) items.push({ text: seg.slice(slash), q: Q.Lit });
    } else if (seg !== '') {
      items.push({ text: seg, q: Q.Lit });
    }
  });
  return items;
}

function expandParts(parts: readonly WordPart[], host: ExpandHost, inDq: boolean): Item[] {
  const items: Item[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case 'lit':
        items.push({ text: part.text, q: inDq ? Q.Quoted : Q.Lit });
        break;
      case 'quoted':
        items.push({ text: part.text, q: Q.Quoted });
        break;
      case 'dq': {
        const inner = expandParts(part.parts, host, true);
        if (inner.length === 0 && !hasAtParam(part.parts)) items.push({ text: '', q: Q.Quoted });
        items.push(...inner);
        break;
      }
      case 'param':
        items.push(...expandParam(part, host, inDq));
        break;
      case 'cmdsub':
        items.push({ text: host.substitute(part.body), q: inDq ? Q.Quoted : Q.Split });
        break;
      case 'arith': {
        const text = joinItems(expandParts(part.expr.parts, host, true));
        items.push({ text: host.arith(text), q: inDq ? Q.Quoted : Q.Split });
        break;
      }
    }
  }
  return items;
}

function hasAtParam(parts: readonly WordPart[]): boolean {
  return parts.some((p) => p.kind === 'param' && p.name === '@' && p.op === null);
}

function ifsOf(host: ExpandHost): string {
  return host.param('IFS') ?? DEFAULT_IFS;
}

function expandParam(part: ParamPart, host: ExpandHost, inDq: boolean): Item[] {
  const q = inDq ? Q.Quoted : Q.Split;
  const { name, op } = part;
  if ((name === '@' || name === '*') && op === null) {
    const params = host.positional();
    if (inDq && name === '*') return [{ text: params.join(ifsOf(host).slice(0, 1)), q }];
    const items: Item[] = [];
    params.forEach((p, i) => {
      if (i > 0) items.push(null);
      items.push({ text: p, q });
    });
    return items;
  }
  const value = name === '@' || name === '*' ? positionalValue(host) : host.param(name);
  const unset = value === undefined;
  const nullOrUnset = unset || (part.colon && value === '');
  const checkSet = (): string => {
    if (unset && host.nounset && !SPECIAL_NAMES.has(name)) throw new ShellError(`${name}: parameter not set`);
    return value ?? '';
  };
  switch (op) {
    case null:
      return [{ text: checkSet(), q }];
    case 'len':
      return [{ text: String(name === '@' || name === '*' ? host.positional().length : Array.from(checkSet()).length), q }];
    case '-':
      return nullOrUnset ? argItems(part.arg, host, inDq) : [{ text: value ?? '', q }];
    case '+':
      return nullOrUnset ? [] : argItems(part.arg, host, inDq);
    case '=': {
      if (!nullOrUnset) return [{ text: value ?? '', q }];
      if (SPECIAL_NAMES.has(name) || /^[0-9]/.test(name)) throw new ShellError(`${name}: bad variable name`);
      const v = part.arg ? joinItems(expandParts(part.arg.parts, host, inDq)) : '';
      host.assign(name, v);
      return [{ text: v, q }];
    }
    case '?': {
      if (!nullOrUnset) return [{ text: value ?? '', q }];
      const msg = part.arg && part.arg.parts.length > 0 ? joinItems(expandParts(part.arg.parts, host, inDq))
        : part.colon ? 'parameter not set or null' : 'parameter not set';
      throw new ShellError(`${name}: ${msg}`);
    }
    default: {
      const v = checkSet();
      const pattern = part.arg ? patternOf(expandParts(part.arg.parts, host, false)) : '';
      const result = op === '#' || op === '##' ? removePrefix(v, pattern, op === '##') : removeSuffix(v, pattern, op === '%%');
      return [{ text: result, q }];
    }
  }
}

function positionalValue(host: ExpandHost): string | undefined {
  const params = host.positional();
  return params.length === 0 ? undefined : params.join(' ');
}

/** The word of ${x-word} or ${x+word}: unquoted, its literal text is split like an expansion's. */
function argItems(arg: Word | null, host: ExpandHost, inDq: boolean): Item[] {
  if (!arg) return [];
  const items = expandParts(arg.parts, host, inDq);
  return inDq ? items : items.map((it) => (it !== null && it.q === Q.Lit ? { text: it.text, q: Q.Split } : it));
}

// ─── field splitting and pathname expansion ────────────────────────────────

interface Field { pieces: Piece[]; present: boolean }

function fields(items: readonly Item[], host: ExpandHost): string[] {
  const ifs = ifsOf(host);
  const out: Field[] = [];
  let cur: Field = { pieces: [], present: false };
  let afterWhite = false;
  const end = (): void => {
    out.push(cur);
    cur = { pieces: [], present: false };
  };
  for (const it of items) {
    if (it === null) {
      if (cur.present) end();
      afterWhite = false;
      continue;
    }
    if (it.q !== Q.Split || ifs === '') {
      cur.pieces.push(it);
      if (it.q === Q.Quoted || it.text !== '') cur.present = true;
      afterWhite = false;
      continue;
    }
    const t = it.text;
    let start = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (!ifs.includes(c)) continue;
      if (i > start) {
        cur.pieces.push({ text: t.slice(start, i), q: Q.Split });
        cur.present = true;
        afterWhite = false;
      }
      start = i + 1;
      const white = c === ' ' || c === '\t' || c === '\n';
      if (white) {
        if (cur.present) {
          end();
          afterWhite = true;
        }
      } else if (afterWhite) {
        afterWhite = false;
      } else {
        end();
      }
    }
    if (start < t.length) {
      cur.pieces.push({ text: t.slice(start), q: Q.Split });
      cur.present = true;
      afterWhite = false;
    }
  }
  if (cur.present) out.push(cur);
  const result: string[] = [];
  for (const f of out) globField(f, host, result);
  return result;
}

function globField(f: Field, host: ExpandHost, out: string[]): void {
  let text = '';
  for (const p of f.pieces) text += p.text;
  if (host.noglob || !f.pieces.some((p) => p.q !== Q.Quoted && /[*?[]/.test(p.text))) {
    out.push(text);
    return;
  }
  let pattern = '';
  for (const p of f.pieces) pattern += p.q === Q.Quoted ? escapePattern(p.text) : p.q === Q.Split ? p.text.replaceAll('\\', '\\\\') : p.text;
  if (!hasPatternChars(pattern)) {
    out.push(text);
    return;
  }
  const names = host.glob(pattern);
  if (names.length === 0) out.push(text);
  else out.push(...names);
}
