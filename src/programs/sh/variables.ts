/**
 * The shell's variables: each name has a value (or none: declared but unset, as after
 * `export X`), and the export and readonly attributes. Exported variables make the environment
 * of every command the shell starts.
 *
 * Invariants: a readonly variable's value never changes and it is never unset (ShellError
 * `NAME: is read only`); `set` with `allexport` marks what it sets exported. Function locals
 * (`local`, as dash has it) save the outer variable on a scope stack and put it back when the
 * function returns.
 */

import { ShellError } from './shell-exit.js';

export interface Variable {
  value: string | undefined;
  exported: boolean;
  readonly: boolean;
}

export type VariableRow = readonly [name: string, value: string | null, exported: boolean, readonly: boolean];

export class Variables {
  private readonly map = new Map<string, Variable>();
  private readonly scopes: Map<string, Variable | undefined>[] = [];
  /** `set -a`: every assignment exports. */
  allexport = false;

  get(name: string): string | undefined {
    return this.map.get(name)?.value;
  }

  has(name: string): boolean {
    return this.map.get(name)?.value !== undefined;
  }

  attributes(name: string): Variable | undefined {
    return this.map.get(name);
  }

  set(name: string, value: string, exported = false): void {
    const v = this.map.get(name);
    if (v?.readonly) throw new ShellError(`${name}: is read only`);
    if (v) {
      v.value = value;
      if (exported || this.allexport) v.exported = true;
    } else {
      this.map.set(name, { value, exported: exported || this.allexport, readonly: false });
    }
  }

  unset(name: string): void {
    const v = this.map.get(name);
    if (v?.readonly) throw new ShellError(`${name}: is read only`);
    this.map.delete(name);
  }

  export(name: string, value?: string): void {
    if (value !== undefined) this.set(name, value, true);
    const v = this.map.get(name);
    if (v) v.exported = true;
    else this.map.set(name, { value: undefined, exported: true, readonly: false });
  }

  makeReadonly(name: string, value?: string): void {
    if (value !== undefined) this.set(name, value);
    const v = this.map.get(name);
    if (v) v.readonly = true;
    else this.map.set(name, { value: undefined, exported: false, readonly: true });
  }

  /** Every variable, sorted by name. */
  entries(): [string, Variable][] {
    return [...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** NAME=value for each exported variable that has a value. */
  environment(): string[] {
    const env: string[] = [];
    for (const [name, v] of this.map) if (v.exported && v.value !== undefined) env.push(`${name}=${v.value}`);
    return env;
  }

  // ─── function scopes ──────────────────────────────────────────────────────

  pushScope(): void {
    this.scopes.push(new Map());
  }

  popScope(): void {
    const scope = this.scopes.pop();
    if (!scope) return;
    for (const [name, saved] of scope) {
      if (saved) this.map.set(name, saved);
      else this.map.delete(name);
    }
  }

  /** `local NAME`: the variable is the function's until it returns. False outside a function. */
  makeLocal(name: string): boolean {
    const scope = this.scopes.at(-1);
    if (!scope) return false;
    if (!scope.has(name)) {
      const v = this.map.get(name);
      scope.set(name, v ? { ...v } : undefined);
    }
    return true;
  }

  // ─── copies (subshells) ───────────────────────────────────────────────────

  rows(): VariableRow[] {
    return [...this.map].map(([name, v]) => [name, v.value ?? null, v.exported, v.readonly]);
  }

  /** Replace every variable with `rows` (a subshell taking its parent's). */
  load(rows: readonly VariableRow[]): void {
    this.map.clear();
    for (const [name, value, exported, readonly] of rows) this.map.set(name, { value: value ?? undefined, exported, readonly });
  }

  /** A copy to restore later (an in-process command substitution). */
  snapshot(): Map<string, Variable> {
    return new Map([...this.map].map(([k, v]) => [k, { ...v }]));
  }

  restore(saved: Map<string, Variable>): void {
    this.map.clear();
    for (const [k, v] of saved) this.map.set(k, v);
  }
}
