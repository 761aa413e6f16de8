/**
 * Running an awk program: the tree of parser.ts is compiled once into JavaScript closures, which
 * then run against the record, the fields and the variables kept here.
 *
 * Variables: each global name has one slot (a scalar or an array, decided by first use);
 * function parameters live in a frame per call — scalars by value, arrays by reference (an
 * untyped variable passed to a function that uses it as an array becomes that array). Fields
 * are split from $0 on first use; assigning a field or NF rebuilds $0 with OFS; assigning $0
 * splits again. `next`, `exit`, `return`, `break`, `continue` unwind as exceptions.
 */

import type { Sys } from '../../sys/sys.js';
import { toJsRegExp } from '../lib/posix-regex.js';
import { RecordReader, Streams } from './io.js';
import { AwkRuntimeError } from './errors.js';
import { Record } from './record.js';
import { Exit, NextFile, NextRecord, Return, compileStatement } from './statements.js';
import { arith, rint, splitRegex, substitute, unescape } from './strings.js';
import type { Expr, FunctionDef, LValue, Program, Stmt } from './parser.js';
import { StrNum, UNINIT, type Value, compare, input, numberToString, sprintf, toNumber, toStr, truthy } from './values.js';

export { AwkRuntimeError } from './errors.js';

export class AwkArray {
  readonly map = new Map<string, Value>();
}

/** A global variable. */
interface Slot { value: Value; array: AwkArray | null }

/** A frame entry: a scalar, an array, or an untyped variable of the caller that may become an array. */
type Local = Value | AwkArray | { readonly ref: Slot | LocalRef };
interface LocalRef { frame: Local[]; index: number }

export type Fn = () => Value;
export type Act = () => void;

const SPECIALS = new Set(['NF', 'NR', 'FNR', 'FS', 'OFS', 'ORS', 'RS', 'SUBSEP', 'CONVFMT', 'OFMT', 'RSTART', 'RLENGTH', 'FILENAME']);

export class Awk {
  private readonly globals = new Map<string, Slot>();
  private frame: Local[] = [];
  readonly rec: Record;
  readonly streams: Streams;
  private readonly regexCache = new Map<string, RegExp>();
  private readonly functions = new Map<string, { def: FunctionDef; body: Act | null }>();
  private seed = 0;
  private prevSeed = 0;
  private randState = 0;
  /** The main input: ARGV walked one operand at a time. */
  private argIndex = 1;
  private current: RecordReader | null = null;
  private currentFd = -1;
  private rangeActive: boolean[] = [];
  private readonly slotFS: Slot;
  readonly slotOFS: Slot;
  readonly slotORS: Slot;
  private readonly slotRS: Slot;
  private readonly slotSUBSEP: Slot;
  private readonly slotCONVFMT: Slot;
  private readonly slotOFMT: Slot;
  private readonly slotNR: Slot;
  private readonly slotFNR: Slot;
  private readonly slotFILENAME: Slot;
  private readonly slotRSTART: Slot;
  private readonly slotRLENGTH: Slot;
  private readonly argv: AwkArray;
  private readonly argc: Slot;

  constructor(private readonly sys: Sys, private readonly program: Program, operands: readonly string[]) {
    this.streams = new Streams(sys);
    this.rec = new Record({
      fs: () => this.str(this.slotFS.value),
      ofs: () => this.str(this.slotOFS.value),
      rs: () => this.str(this.slotRS.value),
      str: (v) => this.str(v),
      regex: (source) => this.regex(source),
    });
    const set = (name: string, v: Value): Slot => {
      const s = this.slot(name);
      s.value = v;
      return s;
    };
    this.slotFS = set('FS', ' ');
    this.slotOFS = set('OFS', ' ');
    this.slotORS = set('ORS', '\n');
    this.slotRS = set('RS', '\n');
    this.slotSUBSEP = set('SUBSEP', '\x1c');
    this.slotCONVFMT = set('CONVFMT', '%.6g');
    this.slotOFMT = set('OFMT', '%.6g');
    this.slotNR = set('NR', 0);
    this.slotFNR = set('FNR', 0);
    this.slotFILENAME = set('FILENAME', '');
    this.slotRSTART = set('RSTART', 0);
    this.slotRLENGTH = set('RLENGTH', -1);
    const env = this.arrayOf(this.slot('ENVIRON'));
    for (const [k, v] of sys.env) env.map.set(k, input(v));
    this.argv = this.arrayOf(this.slot('ARGV'));
    this.argv.map.set('0', 'awk');
    operands.forEach((a, i) => this.argv.map.set(String(i + 1), input(a)));
    this.argc = set('ARGC', operands.length + 1);
    for (const f of program.functions.values()) this.functions.set(f.name, { def: f, body: null });
    for (const f of this.functions.values()) f.body = this.compileFunction(f.def);
  }

  // ─── variables ────────────────────────────────────────────────────────────

  private slot(name: string): Slot {
    let s = this.globals.get(name);
    if (!s) {
      s = { value: UNINIT, array: null };
      this.globals.set(name, s);
    }
    return s;
  }

  private arrayOf(s: Slot): AwkArray {
    if (!s.array) s.array = new AwkArray();
    return s.array;
  }

  setVar(name: string, value: Value): void {
    if (name === 'NF') this.rec.setNF(toNumber(value));
    else this.slot(name).value = value;
  }

  get convfmt(): string {
    return toStr(this.slotCONVFMT.value, '%.6g');
  }

  str(v: Value): string {
    return typeof v === 'string' ? v : v instanceof StrNum ? v.s : numberToString(v, this.convfmt);
  }

  outStr(v: Value): string {
    return typeof v === 'string' ? v : v instanceof StrNum ? v.s : numberToString(v, toStr(this.slotOFMT.value, '%.6g'));
  }

  // ─── regular expressions ──────────────────────────────────────────────────

  regex(source: string): RegExp {
    let re = this.regexCache.get(source);
    if (!re) {
      try {
        re = new RegExp(toJsRegExp(source, false), 's');
      } catch (e) {
        throw new AwkRuntimeError(`regular expression compile failed (${e instanceof Error ? e.message : String(e)})\n${source}`);
      }
      if (this.regexCache.size > 500) this.regexCache.clear();
      this.regexCache.set(source, re);
    }
    return re;
  }

  private matcher(e: Expr): () => RegExp {
    if (e.k === 'regex') {
      const re = this.regex(e.re);
      return () => re;
    }
    const f = this.expr(e);
    return () => this.regex(this.str(f()));
  }

  // ─── input ────────────────────────────────────────────────────────────────

  /** The next record of the main input, updating NR, FNR, FILENAME; null at the end. */
  nextMainRecord(): string | null {
    for (;;) {
      if (!this.current) {
        const argc = Math.trunc(toNumber(this.argc.value));
        let opened = false;
        while (this.argIndex < argc) {
          const arg = this.argv.map.get(String(this.argIndex++));
          const a = arg === undefined ? '' : this.str(arg);
          if (a === '') continue;
          const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
          if (assign) {
            this.setVar(assign[1]!, input(unescape(assign[2]!)));
            continue;
          }
          this.openMain(a);
          opened = true;
          break;
        }
        if (!opened) {
          if (this.usedFiles) return null;
          this.usedFiles = true;
          this.current = new RecordReader(this.sys, 0);
          this.currentFd = 0;
          this.slotFNR.value = 0;
        }
      }
      const rec = this.current!.next(this.str(this.slotRS.value));
      if (rec !== null) {
        this.slotNR.value = toNumber(this.slotNR.value) + 1;
        this.slotFNR.value = toNumber(this.slotFNR.value) + 1;
        return rec;
      }
      this.closeMain();
    }
  }

  private usedFiles = false;

  private openMain(name: string): void {
    this.usedFiles = true;
    let fd = 0;
    if (name !== '-' && name !== '/dev/stdin') {
      try {
        fd = this.sys.open(name, { read: true });
      } catch {
        throw new AwkRuntimeError(`cannot open ${name} (No such file or directory)`, false);
      }
    }
    this.current = new RecordReader(this.sys, fd);
    this.currentFd = fd;
    this.slotFILENAME.value = name;
    this.slotFNR.value = 0;
  }

  private closeMain(): void {
    if (this.currentFd > 0) this.sys.close(this.currentFd);
    this.current = null;
    this.currentFd = -1;
  }

  // ─── running ──────────────────────────────────────────────────────────────

  /** Run BEGIN, the records, END; the exit status. */
  run(): number {
    const begin = this.program.begin.map((s) => this.stmt(s));
    const end = this.program.end.map((s) => this.stmt(s));
    const rules = this.program.rules.map((r, i) => this.rule(r, i));
    let code = 0;
    let exiting = false;
    try {
      for (const b of begin) b();
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      code = e.code;
      exiting = true;
    }
    if (!exiting && (rules.length > 0 || end.length > 0)) {
      try {
        for (let rec = this.nextMainRecord(); rec !== null; rec = this.nextMainRecord()) {
          this.rec.setRecord(rec);
          try {
            for (const r of rules) r();
          } catch (e) {
            if (e instanceof NextRecord) continue;
            if (e instanceof NextFile) {
              this.closeMain();
              continue;
            }
            throw e;
          }
        }
      } catch (e) {
        if (!(e instanceof Exit)) throw e;
        code = e.code;
      }
    }
    try {
      for (const b of end) b();
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      code = e.code;
    }
    this.streams.closeAll();
    return code;
  }

  private rule(r: Program['rules'][number], index: number): Act {
    const action = r.action ? this.stmt(r.action) : () => this.streams.writeStdout(this.rec.text + this.str(this.slotORS.value));
    if (r.pattern === null) return action;
    if (Array.isArray(r.pattern)) {
      const [a, b] = (r.pattern as readonly [Expr, Expr]).map((p) => this.cond(p)) as [() => boolean, () => boolean];
      this.rangeActive[index] = false;
      return () => {
        if (!this.rangeActive[index]) {
          if (!a()) return;
          this.rangeActive[index] = !b();
        } else if (b()) this.rangeActive[index] = false;
        action();
      };
    }
    const c = this.cond(r.pattern as Expr);
    return () => {
      if (c()) action();
    };
  }

  cond(e: Expr): () => boolean {
    if (e.k === 'regex') {
      const re = this.regex(e.re);
      return () => re.test(this.rec.text);
    }
    const f = this.expr(e);
    return () => truthy(f());
  }

  // ─── functions ────────────────────────────────────────────────────────────

  private compileFunction(def: FunctionDef): Act {
    const scope = new Map(def.params.map((p, i) => [p, i]));
    const saved = this.scope;
    this.scope = scope;
    try {
      return this.stmt(def.body);
    } finally {
      this.scope = saved;
    }
  }

  private scope: Map<string, number> | null = null;

  private call(name: string, args: readonly Expr[]): Fn {
    const argFns = args.map((a) => this.argument(a));
    return () => {
      const f = this.functions.get(name);
      if (!f) throw new AwkRuntimeError(`function ${name} never defined`);
      if (args.length > f.def.params.length) throw new AwkRuntimeError(`too many arguments in call to ${name}`);
      const frame: Local[] = f.def.params.map((_, i) => (i < argFns.length ? argFns[i]!() : UNINIT));
      const saved = this.frame;
      this.frame = frame;
      try {
        f.body!();
        return UNINIT;
      } catch (e) {
        if (e instanceof Return) return e.value;
        throw e;
      } finally {
        this.frame = saved;
      }
    };
  }

  /** A call argument: a variable goes by reference when it is (or may become) an array. */
  private argument(e: Expr): () => Local {
    if (e.k !== 'var') {
      const f = this.expr(e);
      return f;
    }
    const local = this.scope?.get(e.name);
    if (local !== undefined) {
      return () => {
        const v = this.frame[local];
        if (v instanceof AwkArray) return v;
        if (v !== undefined && typeof v === 'object' && 'ref' in v) return v;
        if (v === UNINIT || v === undefined) return { ref: { frame: this.frame, index: local } };
        return v as Value;
      };
    }
    const s = this.slot(e.name);
    return () => (s.array ? s.array : s.value === UNINIT ? { ref: s } : s.value);
  }

  // ─── lvalues ──────────────────────────────────────────────────────────────

  /** The array named `name` (a global, or a parameter in a function). */
  arrayRef(name: string): () => AwkArray {
    const local = this.scope?.get(name);
    if (local !== undefined) {
      return () => {
        const v = this.frame[local];
        if (v instanceof AwkArray) return v;
        if (v !== undefined && typeof v === 'object' && 'ref' in v) {
          const arr = this.materialize(v.ref);
          this.frame[local] = arr;
          return arr;
        }
        if (v === UNINIT || v === undefined) {
          const arr = new AwkArray();
          this.frame[local] = arr;
          return arr;
        }
        throw new AwkRuntimeError(`can't use scalar ${name} as array`);
      };
    }
    if (SPECIALS.has(name)) throw new AwkRuntimeError(`can't use ${name} as an array`);
    const s = this.slot(name);
    return () => this.arrayOf(s);
  }

  private materialize(ref: Slot | LocalRef): AwkArray {
    if ('frame' in ref) {
      const v = ref.frame[ref.index];
      if (v instanceof AwkArray) return v;
      if (v !== undefined && typeof v === 'object' && 'ref' in v) {
        const arr = this.materialize(v.ref);
        ref.frame[ref.index] = arr;
        return arr;
      }
      const arr = new AwkArray();
      ref.frame[ref.index] = arr;
      return arr;
    }
    return this.arrayOf(ref);
  }

  subscript(subs: readonly Expr[]): () => string {
    const fns = subs.map((s) => this.expr(s));
    if (fns.length === 1) {
      const f = fns[0]!;
      return () => this.str(f());
    }
    return () => fns.map((f) => this.str(f())).join(this.str(this.slotSUBSEP.value));
  }

  /** Getter and setter for an lvalue. */
  lvalue(t: LValue): [Fn, (v: Value) => void] {
    if (t.k === 'field') {
      const i = this.expr(t.e);
      return [() => this.rec.getField(Math.trunc(toNumber(i()))), (v) => this.rec.setField(Math.trunc(toNumber(i())), v)];
    }
    if (t.k === 'index') {
      const arr = this.arrayRef(t.name);
      const key = this.subscript(t.subs);
      return [() => {
        const a = arr();
        const k = key();
        let v = a.map.get(k);
        if (v === undefined) {
          v = UNINIT;
          a.map.set(k, v);
        }
        return v;
      }, (v) => {
        arr().map.set(key(), v);
      }];
    }
    const name = t.name;
    const local = this.scope?.get(name);
    if (local !== undefined) {
      return [() => {
        const v = this.frame[local];
        if (v instanceof AwkArray) throw new AwkRuntimeError(`can't use array ${name} in scalar context`);
        if (v !== undefined && typeof v === 'object' && 'ref' in v) return UNINIT;
        return v ?? UNINIT;
      }, (v) => {
        this.frame[local] = v;
      }];
    }
    if (name === 'NF') return [() => this.rec.getNF(), (v) => this.rec.setNF(toNumber(v))];
    const s = this.slot(name);
    return [() => {
      if (s.array) throw new AwkRuntimeError(`can't use array ${name} in scalar context`);
      return s.value;
    }, (v) => {
      s.value = v;
    }];
  }

  // ─── expressions ──────────────────────────────────────────────────────────

  expr(e: Expr): Fn {
    switch (e.k) {
      case 'num': {
        const v = e.v;
        return () => v;
      }
      case 'str': {
        const v = e.v;
        return () => v;
      }
      case 'regex': {
        const re = this.regex(e.re);
        return () => (re.test(this.rec.text) ? 1 : 0);
      }
      case 'var':
      case 'field':
      case 'index':
        return this.lvalue(e)[0];
      case 'group': {
        if (e.items.length !== 1) throw new AwkRuntimeError('syntax error: a list where one value is needed');
        return this.expr(e.items[0]!);
      }
      case 'assign': {
        const [get, set] = this.lvalue(e.target);
        const rhs = this.expr(e.e);
        if (e.op === '=') {
          return () => {
            const v = rhs();
            set(v);
            return v;
          };
        }
        const op = e.op.slice(0, -1);
        return () => {
          const r = toNumber(rhs());
          const v = arith(op, toNumber(get()), r);
          set(v);
          return v;
        };
      }
      case 'cond': {
        const c = this.cond(e.c), a = this.expr(e.a), b = this.expr(e.b);
        return () => (c() ? a() : b());
      }
      case 'or': {
        const a = this.cond(e.a), b = this.cond(e.b);
        return () => (a() || b() ? 1 : 0);
      }
      case 'and': {
        const a = this.cond(e.a), b = this.cond(e.b);
        return () => (a() && b() ? 1 : 0);
      }
      case 'in': {
        const arr = this.arrayRef(e.name);
        const key = this.subscript(e.subs);
        return () => (arr().map.has(key()) ? 1 : 0);
      }
      case 'match': {
        const a = this.expr(e.a), re = this.matcher(e.re);
        const neg = e.neg;
        return () => (re().test(this.str(a())) !== neg ? 1 : 0);
      }
      case 'binop': {
        const a = this.expr(e.a), b = this.expr(e.b);
        const op = e.op;
        if (op === '<' || op === '<=' || op === '>' || op === '>=' || op === '==' || op === '!=') {
          return () => {
            const c = compare(a(), b(), this.convfmt);
            return (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '==' ? c === 0 : c !== 0) ? 1 : 0;
          };
        }
        return () => arith(op, toNumber(a()), toNumber(b()));
      }
      case 'concat': {
        const a = this.expr(e.a), b = this.expr(e.b);
        return () => this.str(a()) + this.str(b());
      }
      case 'unary': {
        const f = this.expr(e.e);
        if (e.op === '!') return () => (truthy(f()) ? 0 : 1);
        if (e.op === '-') return () => -toNumber(f());
        return () => toNumber(f());
      }
      case 'incdec': {
        const [get, set] = this.lvalue(e.target);
        const delta = e.op === '++' ? 1 : -1;
        const prefix = e.prefix;
        return () => {
          const old = toNumber(get());
          set(old + delta);
          return prefix ? old + delta : old;
        };
      }
      case 'call':
        return this.call(e.name, e.args);
      case 'builtin':
        return this.builtin(e.name, e.args);
      case 'getline':
        return this.getline(e);
    }
  }

  private getline(e: Extract<Expr, { k: 'getline' }>): Fn {
    const set = e.target ? this.lvalue(e.target)[1] : null;
    const file = e.file ? this.expr(e.file) : null;
    const cmd = e.cmd ? this.expr(e.cmd) : null;
    return () => {
      let rec: string | null | undefined;
      const rs = this.str(this.slotRS.value);
      if (file || cmd) {
        rec = this.streams.read(this.str((file ?? cmd)!()), cmd !== null, rs);
        if (rec === undefined) return -1;
        if (rec === null) return 0;
        if (cmd) this.slotNR.value = toNumber(this.slotNR.value) + 1;
      } else {
        rec = this.nextMainRecord();
        if (rec === null) return 0;
      }
      if (set) set(input(rec));
      else this.rec.setRecord(rec);
      return 1;
    };
  }

  private builtin(name: string, args: readonly Expr[]): Fn {
    // Compiled but only called where the argument is a value (not an array or a regex).
    const fns = args.map((a) => this.expr(a));
    const arg = (i: number): Value => (fns[i] ?? (() => UNINIT))();
    const n = (i: number): number => toNumber(arg(i));
    const s = (i: number): string => this.str(arg(i));
    switch (name) {
      case 'length': {
        if (args.length === 0) return () => Array.from(this.rec.text).length;
        const a = args[0]!;
        if (a.k === 'var') {
          const local = this.scope?.get(a.name);
          const get = this.lvalue(a)[0];
          return () => {
            const v = local !== undefined ? this.frame[local] : this.globals.get(a.name)?.array;
            if (v instanceof AwkArray) return v.map.size;
            return Array.from(this.str(get())).length;
          };
        }
        return () => Array.from(s(0)).length;
      }
      case 'substr':
        return () => {
          const chars = Array.from(s(0));
          const start = rint(n(1));
          let end = args.length > 2 ? start + rint(n(2)) : Infinity;
          const from = Math.max(1, start);
          end = Math.min(end, chars.length + 1);
          return end <= from ? '' : chars.slice(from - 1, end - 1).join('');
        };
      case 'index':
        return () => {
          const hay = s(0), needle = s(1);
          const at = hay.indexOf(needle);
          return at < 0 ? 0 : Array.from(hay.slice(0, at)).length + 1;
        };
      case 'split': {
        const arr = args[1]?.k === 'var' ? this.arrayRef(args[1].name) : null;
        if (!arr) throw new AwkRuntimeError('split: second argument must be an array');
        const sep = args[2];
        const sepRe = sep?.k === 'regex' ? this.regex(sep.re) : null;
        const sepFn = sep && sep.k !== 'regex' ? this.expr(sep) : null;
        return () => {
          const text = s(0);
          const a = arr();
          a.map.clear();
          let parts: string[];
          if (sepRe) parts = text === '' ? [] : splitRegex(text, sepRe);
          else parts = this.rec.splitText(text, sepFn ? this.str(sepFn()) : this.str(this.slotFS.value));
          parts.forEach((p, i) => a.map.set(String(i + 1), input(p)));
          return parts.length;
        };
      }
      case 'sub':
      case 'gsub': {
        const re = this.matcher(args[0]!);
        const repl = this.expr(args[1]!);
        const [get, set] = args[2] ? this.lvalue(args[2] as LValue) : [() => input(this.rec.text), (v: Value) => this.rec.setRecord(this.str(v))];
        const global = name === 'gsub';
        return () => {
          const target = this.str(get());
          const r = this.str(repl());
          const { text, count } = substitute(target, re(), r, global);
          if (count > 0) set(text);
          return count;
        };
      }
      case 'match': {
        const re = this.matcher(args[1]!);
        return () => {
          const text = s(0);
          const m = re().exec(text);
          if (!m) {
            this.slotRSTART.value = 0;
            this.slotRLENGTH.value = -1;
            return 0;
          }
          const start = Array.from(text.slice(0, m.index)).length + 1;
          this.slotRSTART.value = start;
          this.slotRLENGTH.value = Array.from(m[0]).length;
          return start;
        };
      }
      case 'sprintf':
        return () => (fns.length === 0 ? '' : sprintf(s(0), fns.slice(1).map((f) => f()), this.convfmt));
      case 'sin': return () => Math.sin(n(0));
      case 'cos': return () => Math.cos(n(0));
      case 'atan2': return () => Math.atan2(n(0), n(1));
      case 'exp': return () => Math.exp(n(0));
      case 'log': return () => Math.log(n(0));
      case 'sqrt': return () => Math.sqrt(n(0));
      case 'int': return () => Math.trunc(n(0));
      case 'rand':
        return () => {
          // A 31-bit linear congruential generator: the same sequence for the same seed.
          this.randState = (Math.imul(this.randState, 1103515245) + 12345) & 0x7fffffff;
          return this.randState / 0x80000000;
        };
      case 'srand':
        return () => {
          this.prevSeed = this.seed;
          this.seed = args.length > 0 ? Math.trunc(n(0)) : Math.floor(this.sys.time() / 1000);
          this.randState = this.seed & 0x7fffffff;
          return this.prevSeed;
        };
      case 'tolower': return () => s(0).toLowerCase();
      case 'toupper': return () => s(0).toUpperCase();
      case 'system': return () => this.streams.system(s(0));
      case 'close': return () => this.streams.close(s(0));
      case 'fflush':
        return () => {
          this.streams.flushAll();
          return 0;
        };
      default:
        throw new AwkRuntimeError(`function ${name} never defined`);
    }
  }

  private stmt(st: Stmt): Act {
    return compileStatement(this, st);
  }

}
