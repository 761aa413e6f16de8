/**
 * The formatting of printf(1), shared by the `printf` program (GNU's behaviour) and the shell's
 * `printf` builtin (dash's: no \\x or \\u escapes, dash's wording of errors).
 *
 * FORMAT escapes: \\\\ \\a \\b \\f \\n \\r \\t \\v \\" \\NNN (octal byte), \\xHH (byte) and \\uHHHH
 * \\UHHHHHHHH (GNU only), and \\c (stop). Directives: %[flags -+ #0][width|*][.precision|*] with
 * d i o u x X (integers: C strtol base 0 — `0x1f`, `017` — or `'c` for a character's code), f F e
 * E g G (doubles), s, b (the argument's escapes interpreted, \\0NNN for octal), c and %%; length
 * modifiers (l, h, …) are accepted and ignored. The format is reused while arguments remain (as
 * long as it consumes any). A missing argument is 0 or empty. A malformed number is reported,
 * counted as what could be read, and makes the status 1. Octal and \\x escapes write raw bytes;
 * all other text is written as UTF-8 (widths count UTF-16 units where C counts bytes).
 */

export interface Dialect {
  /** GNU printf (else dash's builtin). */
  readonly gnu: boolean;
  /** Say what went wrong (the caller adds `printf: ` and its own prefix). */
  readonly report: (message: string) => void;
}

export interface PrintfResult {
  readonly output: Uint8Array;
  /** 0, 1 after a bad number, 2 (dash) / 1 (GNU) after an invalid directive. */
  readonly status: number;
}

const encoder = new TextEncoder();

/** Output collected as bytes (escapes may produce bytes that are not UTF-8). */
class Sink {
  private parts: Uint8Array[] = [];
  size = 0;
  text(s: string): void {
    if (s !== '') this.push(encoder.encode(s));
  }
  byte(b: number): void {
    this.push(Uint8Array.of(b & 0xff));
  }
  private push(p: Uint8Array): void {
    this.parts.push(p);
    this.size += p.length;
  }
  take(): Uint8Array {
    const all = new Uint8Array(this.size);
    let off = 0;
    for (const p of this.parts) {
      all.set(p, off);
      off += p.length;
    }
    this.parts = [];
    this.size = 0;
    return all;
  }
}

/** Stop writing (\c). */
class Stop extends Error {}

const SIMPLE: Readonly<Record<string, string>> = { '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', e: '\x1b' };

/** Interpret the escape at s[i] (a backslash); the index after it. `octal0`: %b's `\0NNN` form. */
function escape(s: string, i: number, out: Sink, octal0: boolean, gnu: boolean): number {
  const c = s[i + 1];
  if (c === undefined) {
    out.text('\\');
    return i + 1;
  }
  if (SIMPLE[c] !== undefined) {
    out.text(SIMPLE[c]);
    return i + 2;
  }
  if (c === 'c') throw new Stop();
  const octal = octal0 ? (c === '0' ? /^0([0-7]{0,3})/ : null) : /^([0-7]{1,3})/;
  const m = octal?.exec(s.slice(i + 1)) ?? (c === 'x' && gnu ? /^x([0-9a-fA-F]{1,2})/.exec(s.slice(i + 1)) : null);
  if (m) {
    out.byte(parseInt(m[1] || '0', c === 'x' ? 16 : 8));
    return i + 1 + m[0].length;
  }
  const u = !gnu ? null : c === 'u' ? /^u([0-9a-fA-F]{4})/.exec(s.slice(i + 1)) : c === 'U' ? /^U([0-9a-fA-F]{8})/.exec(s.slice(i + 1)) : null;
  if (u) {
    out.text(String.fromCodePoint(parseInt(u[1]!, 16)));
    return i + 1 + u[0].length;
  }
  out.text(`\\${c}`);
  return i + 2;
}

function escapes(s: string, out: Sink, octal0: boolean, gnu: boolean): void {
  let i = 0;
  while (i < s.length) {
    const bs = s.indexOf('\\', i);
    if (bs < 0) break;
    out.text(s.slice(i, bs));
    i = escape(s, bs, out, octal0, gnu);
  }
  out.text(s.slice(i));
}

/** One directive: flags, width, precision (null: not given) and conversion letter. */
export interface Spec { flags: string; width: number | null; precision: number | null; conv: string }

/** Pad `body` (with `sign`/`prefix` before it) to the width, as C printf does. */
export function pad(spec: Spec, sign: string, prefix: string, body: string, zeroOk: boolean): string {
  const len = sign.length + prefix.length + body.length;
  const w = spec.width ?? 0;
  if (len >= w) return sign + prefix + body;
  if (spec.flags.includes('-')) return sign + prefix + body + ' '.repeat(w - len);
  if (spec.flags.includes('0') && zeroOk) return sign + prefix + '0'.repeat(w - len) + body;
  return ' '.repeat(w - len) + sign + prefix + body;
}

const signOf = (neg: boolean, flags: string): string => (neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '');

export function formatInteger(spec: Spec, v: bigint): string {
  const signed = spec.conv === 'd' || spec.conv === 'i';
  if (!signed && v < 0n) v += 1n << 64n;
  const neg = v < 0n;
  const base = spec.conv === 'o' ? 8 : spec.conv === 'x' || spec.conv === 'X' ? 16 : 10;
  let digits = (neg ? -v : v).toString(base);
  if (spec.conv === 'X') digits = digits.toUpperCase();
  if (spec.precision !== null) digits = spec.precision === 0 && v === 0n ? '' : digits.padStart(spec.precision, '0');
  let prefix = '';
  if (spec.flags.includes('#') && v !== 0n) {
    if (base === 16) prefix = spec.conv === 'X' ? '0X' : '0x';
    else if (base === 8 && !digits.startsWith('0')) prefix = '0';
  }
  return pad(spec, signed ? signOf(neg, spec.flags) : '', prefix, digits, spec.precision === null);
}

/**
 * `long` (a fixed or exponent form with many more digits) cut to `keep` characters of mantissa
 * when it is an exact tie that C's round-half-even rounds down; otherwise null (JS rounded right:
 * toFixed and toExponential round ties away from zero).
 */
function halfEvenDown(long: string, keep: number): string | null {
  const mantissa = long.split('e')[0]!;
  const tail = mantissa.slice(keep).replace('.', '');
  const kept = mantissa.slice(0, keep).replace(/\.$/, '');
  return /^50*$/.test(tail) && Number(kept[kept.length - 1]) % 2 === 0 ? kept : null;
}

/** C's %.{p}f of a finite, non-negative `a`. */
function fixed(a: number, p: number): string {
  const short = a.toFixed(p);
  if (a >= 1e21) return short;
  const long = a.toFixed(Math.min(100, p + 30));
  return halfEvenDown(long, long.indexOf('.') + 1 + p) ?? short;
}

/** C's %.{p}e of a finite, non-negative `a` (exponent of at least two digits). */
function exponent(a: number, p: number): string {
  const long = a.toExponential(Math.min(100, p + 30));
  const down = halfEvenDown(long, p === 0 ? 1 : 2 + p);
  const s = down === null ? a.toExponential(p) : `${down}e${long.split('e')[1]!}`;
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function formatFloat(spec: Spec, v: number): string {
  const upper = spec.conv === spec.conv.toUpperCase();
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let body: string;
  if (!Number.isFinite(a)) body = Number.isNaN(a) ? 'nan' : 'inf';
  else {
    const p = spec.precision ?? 6;
    const kind = spec.conv.toLowerCase();
    if (kind === 'f') body = fixed(a, p);
    else if (kind === 'e') body = exponent(a, p);
    else {
      const P = p === 0 ? 1 : p;
      const x = a === 0 ? 0 : Number(exponent(a, P - 1).split('e')[1]);
      body = P > x && x >= -4 ? fixed(a, P - 1 - x) : exponent(a, P - 1);
      if (!spec.flags.includes('#')) body = body.replace(/(\.\d*?)0+(?=e|$)/, '$1').replace(/\.(?=e|$)/, '');
    }
    if (spec.flags.includes('#') && !body.includes('.')) body = body.replace(/(?=e|$)/, '.');
  }
  if (upper) body = body.toUpperCase();
  return pad(spec, signOf(neg, spec.flags), '', body, Number.isFinite(a));
}

/** Reads arguments as C strtol/strtod would, reporting bad ones. */
class Args {
  private i = 0;
  failed = false;
  constructor(private readonly list: readonly string[], private readonly dialect: Dialect) {}
  get used(): number {
    return this.i;
  }
  get left(): boolean {
    return this.i < this.list.length;
  }
  string(): string {
    return this.list[this.i++] ?? '';
  }
  private bad(arg: string, complete: boolean): void {
    this.dialect.report(this.dialect.gnu
      ? `'${arg}': ${complete ? 'expected a numeric value' : 'value not completely converted'}`
      : `${arg}: ${complete ? 'expected numeric value' : 'not completely converted'}`);
    this.failed = true;
  }
  integer(): bigint {
    const arg = this.list[this.i++];
    if (arg === undefined) return 0n;
    if (/^['"]./su.test(arg)) return BigInt(arg.codePointAt(1)!);
    const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(arg);
    if (!m) {
      this.bad(arg, true);
      return 0n;
    }
    const t = m[2]!;
    const mag = /^0[xX]/.test(t) ? BigInt(t) : t.length > 1 && t.startsWith('0') ? BigInt(`0o${t.slice(1)}`) : BigInt(t);
    if (m[0].length < arg.length) this.bad(arg, false);
    return m[1] === '-' ? -mag : mag;
  }
  float(): number {
    const arg = this.list[this.i++];
    if (arg === undefined) return 0;
    if (/^['"]./su.test(arg)) return arg.codePointAt(1)!;
    const m = /^\s*[+-]?(inf(inity)?|nan|0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/i.exec(arg);
    if (!m) {
      this.bad(arg, true);
      return 0;
    }
    if (m[0].length < arg.length) this.bad(arg, false);
    const t = m[0].trim().toLowerCase().replace(/^\+/, '');
    if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
    return /^-?0x/.test(t) ? (t.startsWith('-') ? -1 : 1) * parseInt(t.replace('-', ''), 16) : Number(t);
  }
}

const DIRECTIVE = /^%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(?:hh|h|ll|l|L|j|z|t|q)?(.?)/;

/** One pass over the format; throws Stop at \c. */
function render(format: string, args: Args, out: Sink, dialect: Dialect): boolean {
  for (let i = 0; i < format.length;) {
    const c = format[i]!;
    if (c === '\\') {
      i = escape(format, i, out, false, dialect.gnu);
      continue;
    }
    if (c !== '%') {
      const next = format.slice(i).search(/[\\%]/);
      const end = next < 0 ? format.length : i + next;
      out.text(format.slice(i, end));
      i = end;
      continue;
    }
    const m = DIRECTIVE.exec(format.slice(i))!;
    i += m[0].length;
    const conv = m[4]!;
    if (conv === '%') {
      out.text('%');
      continue;
    }
    const star = (t: string | undefined): number | null => (t === undefined ? null : t === '*' ? Number(args.integer()) : Number(t || '0'));
    let flags = m[1]!;
    let width = star(m[2]);
    if (width !== null && width < 0) {
      flags += '-';
      width = -width;
    }
    let precision = star(m[3]);
    if (precision !== null && precision < 0) precision = null;
    const spec: Spec = { flags, width, precision, conv };
    if ('diouxX'.includes(conv) && conv !== '') out.text(formatInteger(spec, args.integer()));
    else if ('fFeEgG'.includes(conv) && conv !== '') out.text(formatFloat(spec, args.float()));
    else if (conv === 's') {
      const s = args.string();
      out.text(pad(spec, '', '', precision === null ? s : s.slice(0, precision), false));
    } else if (conv === 'c') out.text(pad(spec, '', '', [...args.string()][0] ?? '', false));
    else if (conv === 'b') {
      const inner = new Sink();
      let stop = false;
      try {
        escapes(args.string(), inner, true, dialect.gnu);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        stop = true;
      }
      const bytes = inner.take();
      const w = (width ?? 0) - bytes.length;
      if (w > 0 && !flags.includes('-')) out.text(' '.repeat(w));
      for (const b of bytes) out.byte(b);
      if (w > 0 && flags.includes('-')) out.text(' '.repeat(w));
      if (stop) throw new Stop();
    } else {
      dialect.report(dialect.gnu ? `${m[0]}: invalid conversion specification` : `${m[0]}: invalid directive`);
      return false;
    }
  }
  return true;
}


/** Format `args` under `format`; the bytes and the status. */
export function printf(format: string, argList: readonly string[], dialect: Dialect): PrintfResult {
  const args = new Args(argList, dialect);
  const out = new Sink();
  let ok = true;
  try {
    for (;;) {
      const before = args.used;
      if (!render(format, args, out, dialect)) {
        ok = false;
        break;
      }
      if (!args.left) break;
      if (args.used === before) {
        if (dialect.gnu) dialect.report(`warning: ignoring excess arguments, starting with '${args.string()}'`);
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { output: out.take(), status: !ok ? (dialect.gnu ? 1 : 2) : args.failed ? 1 : 0 };
}

/** echo's escapes as dash's builtin interprets them (\\0NNN octal, \\c stops); the bytes and whether \\c was met. */
export function echoEscapes(s: string): { bytes: Uint8Array; stopped: boolean } {
  const out = new Sink();
  try {
    escapes(s, out, true, false);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { bytes: out.take(), stopped: true };
  }
  return { bytes: out.take(), stopped: false };
}
