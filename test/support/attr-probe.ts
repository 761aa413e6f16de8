/**
 * attr_probe (programs/c/attr_probe.c) driven from a test: one command line in, one answer line
 * out, so a test can interleave processes on the same files and see exactly what each observes;
 * and the IPC calls a process has made, from the process table.
 */

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Keel, KeelProcess } from '../../src/platform/node/index.js';
import { prog, within } from './api-helpers.js';

/** attr_probe driven a line at a time: `ask` sends one command and resolves with its one answer line. */
export class Probe {
  private text = '';
  private waiting: ((line: string) => void) | null = null;
  private constructor(readonly process: KeelProcess, private readonly stdin: NonNullable<KeelProcess['stdin']>) {}

  static async start(keel: Keel, dirs: readonly string[]): Promise<Probe> {
    let probe: Probe | null = null;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        probe!.received(chunk.toString());
        done();
      },
    });
    const p = await keel.spawn(prog('attr_probe'), { args: ['attr_probe'], stdin: 'pipe', stdout: sink, dirs: [...dirs] });
    assert.ok(p.stdin, 'stdin is a pipe');
    probe = new Probe(p, p.stdin);
    return probe;
  }

  private received(text: string): void {
    this.text += text;
    const nl = this.text.indexOf('\n');
    if (nl >= 0 && this.waiting) {
      const line = this.text.slice(0, nl);
      this.text = this.text.slice(nl + 1);
      const w = this.waiting;
      this.waiting = null;
      w(line);
    }
  }

  async ask(command: string): Promise<string> {
    const answer = new Promise<string>((resolve) => {
      this.waiting = resolve;
    });
    await this.stdin.write(`${command}\n`);
    return within(answer, 20_000, `attr_probe's answer to ${JSON.stringify(command)}`);
  }

  async quit(): Promise<void> {
    await this.stdin.write('quit\n');
    const r = await within(this.process.result(), 20_000, 'attr_probe to exit');
    assert.equal(r.exitCode, 0);
  }
}

/** The IPC calls `p`'s thread has made so far (the process table's counter). */
export function callsOf(keel: Keel, p: KeelProcess): number {
  const row = keel.processes().find((r) => r.pid === p.pid);
  assert.ok(row, `process ${p.pid} is in the table`);
  return row.calls;
}

/** The pid of the worker that runs `service`, or null when it runs in the kernel thread. */
export function workerOf(keel: Keel, service: string): number | null {
  return keel.services().find((s) => s.services.includes(service))?.pid ?? null;
}

/** The calls the thread `pid` (a service worker) has served so far (the process table's counter). */
export function servedBy(keel: Keel, pid: number): number {
  const row = keel.processes().find((r) => r.pid === pid);
  assert.ok(row, `worker ${pid} is in the process table`);
  return row.served;
}
