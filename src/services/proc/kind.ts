/** proc's factory: the masters it mints programs' sessions from, its limits, and the exit and stop events it hears. */

import type { ServiceKind } from '../contract/kind.js';
import type { ProcInstanceConfig } from './declaration.js';
import { DEFAULT_PROC_LIMITS, Proc, procService } from './proc.js';

export const procKind: ServiceKind<ProcInstanceConfig> = {
  create(ctx) {
    const need = (name: string): number => {
      const h = ctx.uses[name];
      if (h === undefined) throw new Error(`proc: needs ${name}`);
      return h;
    };
    const c = ctx.config;
    const tty = c.tty !== undefined ? ctx.callers[c.tty] : undefined;
    const procMint = ctx.uses['proc:mint'];
    const grants: Record<string, Record<string, number>> = {};
    for (const [program, services] of Object.entries(c.grants ?? {})) grants[program] = Object.fromEntries(services.map((s) => [s, need(`${s}:mint`)]));
    const proc = new Proc(ctx.caller, {
      vfs: need('vfs:mint'), console: need('console:mint'), ...(procMint !== undefined ? { proc: procMint } : {}), ownVfs: need('vfs'), ...(tty !== undefined ? { ttyBadge: tty } : {}), ...(c.grants ? { grants } : {}),
    }, { maxChildren: c.maxChildren ?? DEFAULT_PROC_LIMITS.maxChildren, maxProcesses: c.maxProcesses ?? DEFAULT_PROC_LIMITS.maxProcesses }, ctx.incarnation);
    return { service: procService(proc), processExited: (pid, status) => proc.processExited(pid, status), processStopped: (pid, stopped, signal) => proc.processStopped(pid, stopped, signal) };
  },
};
