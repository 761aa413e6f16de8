/**
 * A script program for the proc service tests: exercises spawn, wait (one child, any child, not
 * a child), exit codes, traps and missing programs through the proc protocol, and writes what it
 * saw as JSON into data.out (a SharedArrayBuffer: 4-byte length, then UTF-8).
 */

import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { procProtocol } from '../../src/abi/protocols/proc.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer }): number {
  const proc = new ProtocolClient(procProtocol, rt.caller, rt.handles[2]!);
  const seen: Record<string, unknown> = {};
  const spawn = (path: string, args: string[]): { pid: number } | { errno: number } => {
    const r = proc.call('spawn', { program: 0, path, args: JSON.stringify(args), env: '[]', preopens: '[]', inherit: '', pgid: 0, memoryBytes: 0, openFiles: 0, origin: '', nonce: 0 });
    return r.status === 0 ? { pid: r.reply!.pid } : { errno: r.status };
  };
  const wait = (pid: number) => {
    const r = proc.call('wait', { pid, untraced: 0 });
    return r.status === 0 ? r.reply! : { errno: r.status };
  };
  seen['self'] = proc.call('self', {}).reply;
  seen['pid'] = rt.pid;
  const a = spawn('/bin/exit_code.wasm', ['exit_code', '7']);
  seen['spawnA'] = a;
  if ('pid' in a) seen['waitA'] = wait(a.pid);
  const b = spawn('/bin/hello.wasm', ['hello']);
  const c = spawn('/bin/exit_code.wasm', ['exit_code', '3']);
  seen['spawnBC'] = [b, c];
  seen['waitAny'] = [wait(0), wait(0)];
  seen['waitNone'] = wait(0);
  seen['waitStranger'] = wait(rt.pid + 1000);
  seen['missing'] = spawn('/bin/no-such-program.wasm', []);
  seen['relative'] = spawn('bin/hello.wasm', []);
  seen['badJson'] = proc.call('spawn', { program: 0, path: '/bin/hello.wasm', args: '{not json', env: '[]', preopens: '[]', inherit: '', pgid: 0, memoryBytes: 0, openFiles: 0, origin: '', nonce: 0 }).status;
  const t = spawn('/bin/trap.wasm', ['trap']);
  if ('pid' in t) seen['waitTrap'] = wait(t.pid);
  const j = spawn('/bin/junk.wasm', ['junk']);
  if ('pid' in j) seen['waitJunk'] = wait(j.pid);
  const bytes = new TextEncoder().encode(JSON.stringify(seen));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}
