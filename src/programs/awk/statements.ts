/**
 * Compiling awk statements (parser.ts's Stmt) into closures, for interp.ts: blocks, print and
 * printf with their redirections, if, the loops (break and continue unwind as exceptions), next,
 * nextfile, exit, return and delete.
 */

import type { Awk, Act } from './interp.js';
import type { Stmt } from './parser.js';
import { UNINIT, type Value, input, sprintf, toNumber } from './values.js';

export class NextRecord {}
export class NextFile {}
export class Exit {
  constructor(readonly code: number) {}
}
export class Return {
  constructor(readonly value: Value) {}
}
export class Break {}
export class Continue {}

/** Run `body` as a loop body: false when it broke out. */
function loopBody(body: Act): boolean {
  try {
    body();
  } catch (e) {
    if (e instanceof Break) return false;
    if (!(e instanceof Continue)) throw e;
  }
  return true;
}

export function compileStatement(awk: Awk, st: Stmt): Act {
  const stmt = (s: Stmt): Act => compileStatement(awk, s);
  switch (st.k) {
    case 'block': {
      const body = st.body.map((s) => stmt(s));
      return () => {
        for (const b of body) b();
      };
    }
    case 'expr': {
      const f = awk.expr(st.e);
      return () => {
        f();
      };
    }
    case 'print':
    case 'printf': {
      const args = st.args.map((a) => awk.expr(a));
      const dest = st.redirect ? awk.expr(st.redirect.e) : null;
      const mode = st.redirect?.op ?? '>';
      const text: () => string = st.k === 'print'
        ? () => (args.length === 0 ? awk.rec.text : args.map((a) => awk.outStr(a())).join(awk.str(awk.slotOFS.value))) + awk.str(awk.slotORS.value)
        : () => sprintf(awk.str(args[0]!()), args.slice(1).map((a) => a()), awk.convfmt);
      return () => {
        const t = text();
        if (dest) awk.streams.write(awk.str(dest()), mode, t);
        else awk.streams.writeStdout(t);
      };
    }
    case 'if': {
      const c = awk.cond(st.c), a = stmt(st.a), b = st.b ? stmt(st.b) : null;
      return () => {
        if (c()) a();
        else if (b) b();
      };
    }
    case 'while': {
      const c = awk.cond(st.c), body = stmt(st.body);
      return () => {
        while (c()) {
          if (!loopBody(body)) break;
        }
      };
    }
    case 'do': {
      const c = awk.cond(st.c), body = stmt(st.body);
      return () => {
        do {
          if (!loopBody(body)) break;
        } while (c());
      };
    }
    case 'for': {
      const init = st.init ? stmt(st.init) : null;
      const c = st.c ? awk.cond(st.c) : () => true;
      const step = st.step ? stmt(st.step) : null;
      const body = stmt(st.body);
      return () => {
        for (init?.(); c(); step?.()) {
          if (!loopBody(body)) break;
        }
      };
    }
    case 'forin': {
      const arr = awk.arrayRef(st.arr);
      const set = awk.lvalue(st.v)[1];
      const body = stmt(st.body);
      return () => {
        for (const key of [...arr().map.keys()]) {
          set(input(key));
          if (!loopBody(body)) break;
        }
      };
    }
    case 'next':
      return () => {
        throw new NextRecord();
      };
    case 'nextfile':
      return () => {
        throw new NextFile();
      };
    case 'break':
      return () => {
        throw new Break();
      };
    case 'continue':
      return () => {
        throw new Continue();
      };
    case 'exit': {
      const f = st.e ? awk.expr(st.e) : null;
      return () => {
        throw new Exit(f ? Math.trunc(toNumber(f())) & 255 : 0);
      };
    }
    case 'return': {
      const f = st.e ? awk.expr(st.e) : null;
      return () => {
        throw new Return(f ? f() : UNINIT);
      };
    }
    case 'delete': {
      const arr = awk.arrayRef(st.name);
      const key = st.subs ? awk.subscript(st.subs) : null;
      return () => {
        if (key) arr().map.delete(key());
        else arr().map.clear();
      };
    }
  }
}
