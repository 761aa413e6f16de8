/**
 * A script program for the process-tree tests: through the proc protocol it stops a child that
 * raised SIGTSTP and continues it, asks for lower limits for children, leaves an orphan behind
 * and signals it (probe, kill, by process group), signals every descendant at once (-1), and
 * probes a process that is not its own. Programs come from /bin (programs/c/build). What it saw
 * goes as JSON into data.out (a SharedArrayBuffer: 4-byte length, then UTF-8).
 */

import { ProtocolClient } from '../../src/ipc/protocol-client.js';
import { procProtocol } from '../../src/abi/protocols/proc.js';
import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

interface Row { pid: number; parent: number; pgid: number; name: string; state: string }

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer }): number {
  const proc = new ProtocolClient(procProtocol, rt.caller, rt.handles[2]!);
  const seen: Record<string, unknown> = {};
  const preopens = JSON.stringify([{ guestPath: '/bin', vfsPath: '/bin' }]);
  const spawn = (args: string[], opts: { pgid?: number; memoryBytes?: number } = {}): number => {
    const r = proc.call('spawn', { program: 0, path: `/bin/${args[0]}.wasm`, args: JSON.stringify(args), env: '[]', preopens, inherit: '', pgid: opts.pgid ?? 0, memoryBytes: opts.memoryBytes ?? 0, openFiles: 0, origin: '', nonce: 0 });
    return r.status === 0 ? r.reply!.pid : -r.status;
  };
  const wait = (pid: number, untraced = 0) => {
    const r = proc.call('wait', { pid, untraced });
    return r.status === 0 ? r.reply! : { errno: r.status };
  };
  const kill = (pid: number, signal: number): number => proc.call('kill', { pid, signal }).status;
  const list = (): Row[] => JSON.parse(proc.call('list', {}).reply!.table) as Row[];
  /** Whether `pid` leaves proc's table within a bounded number of looks (its exit event arrives asynchronously). */
  const gone = (pid: number): boolean => {
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline) if (!list().some((r) => r.pid === pid && r.state === 'running')) return true;
    return false;
  };

  // A child that stops itself (proc_raise(SIGTSTP)), continued with SIGCONT.
  const stopper = spawn(['raise', 'stop']);
  seen['stopWait'] = wait(stopper, 1);
  seen['stoppedState'] = list().find((r) => r.pid === stopper)?.state;
  seen['probeStopped'] = kill(stopper, 0);
  seen['cont'] = kill(stopper, 18);
  seen['stopperEnd'] = wait(stopper);

  // Limits a child asks for: less than the parent's is granted; more is held to the parent's (16 MiB).
  seen['grab8under4'] = wait(spawn(['hog', 'grab', '8'], { memoryBytes: 4 << 20 }));
  seen['grab8under32'] = wait(spawn(['hog', 'grab', '8'], { memoryBytes: 32 << 20 }));
  seen['grab24under64'] = wait(spawn(['hog', 'grab', '24'], { memoryBytes: 64 << 20 }));

  // An orphan: its parent (spawner) ends at once; it is re-parented to 1 and stays ours to signal.
  const parent = spawn(['spawner', 'orphan', '-', '/bin/hog.wasm', 'hog', 'spin']);
  seen['parentEnd'] = wait(parent);
  const orphan = list().find((r) => r.name.endsWith('hog.wasm') && r.state === 'running');
  seen['orphan'] = orphan ? { parent: orphan.parent } : null;
  if (orphan) {
    seen['probeOrphan'] = kill(orphan.pid, 0);
    seen['waitOrphan'] = wait(orphan.pid);
    seen['killOrphan'] = kill(orphan.pid, 9);
    seen['orphanGone'] = gone(orphan.pid);
  }

  // The same through the process group: the orphan kept its group, led by its ended parent.
  const leader = spawn(['spawner', 'orphan', '-', '/bin/hog.wasm', 'hog', 'spin'], { pgid: -1 });
  seen['leaderEnd'] = wait(leader);
  const member = list().find((r) => r.name.endsWith('hog.wasm') && r.state === 'running');
  seen['memberGroup'] = member ? member.pgid === leader : null;
  seen['killGroup'] = kill(-leader, 9);
  seen['memberGone'] = member ? gone(member.pid) : null;
  seen['killEmptyGroup'] = kill(-leader, 9);

  // -1: every descendant.
  const a = spawn(['hog', 'spin']);
  const b = spawn(['hog', 'spin']);
  seen['killAll'] = kill(-1, 9);
  seen['allEnds'] = [wait(a), wait(b)];

  // Not ours: pid 1 exists (EPERM); a pid that names nothing (ESRCH); a bad signal (EINVAL).
  seen['killInit'] = kill(1, 0);
  seen['killNobody'] = kill(100000, 0);
  seen['badSignal'] = kill(1, 65);

  const bytes = new TextEncoder().encode(JSON.stringify(seen));
  new DataView(data.out).setUint32(0, bytes.length, true);
  new Uint8Array(data.out, 4, bytes.length).set(bytes);
  return 0;
}
