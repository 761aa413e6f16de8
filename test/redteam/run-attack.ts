/**
 * Running one red-team attack and judging it (the attacks themselves are in attacks.ts).
 *
 *   runEscape(attack, via, budget)    fresh host tree → snapshot of the outside → the hostile
 *                                     program, through the library API, `keel run` or the
 *                                     `keel/wasi` drop-in (with a host process racing it, or a
 *                                     host action when it says READY) → the verdict
 *   runResource(attack)               the program holds a resource; another program must still
 *                                     run meanwhile and afterwards
 *
 * An escape verdict passes only if all hold: nothing outside the preopened directories changed
 * (host-tree.ts's snapshot), the secret's bytes appear neither in the program's output nor in any
 * file inside, the program reported no "ESCAPED", and it ran to its end ("DONE") — an attack that
 * did not run proves nothing. Every wait is bounded; every worker, child process and host tree
 * made here is ended or removed before the verdict is returned.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootKeel, type Keel, type KeelProcess } from '../../src/platform/node/index.js';
import { compareSnapshots, type HostTree, makeTree, redteamProgram, secretIn, secretInside, snapshotOutside, within as isWithin } from './host-tree.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keelBin = join(root, 'bin/keel.js');
const wasiRunner = join(root, 'dist/test/redteam/keel-wasi-run.js');
const swapperJs = join(root, 'dist/test/redteam/swapper.js');
const helloWasm = join(root, 'programs/c/build/hello.wasm');

/** How the program is run: the library API, the `keel run` command, or the node:wasi drop-in. */
export type Via = 'api' | 'cli' | 'wasi';

/** How long the campaign may make racing attacks last. */
export interface Budget {
  readonly raceMs: number;
  readonly raceRounds: number;
}

export interface Preopen {
  /** The name the program sees. */
  readonly guest: string;
  /** The host directory, relative to the tree's root. */
  readonly host: string;
}

export interface EscapeAttack {
  readonly name: string;
  /** What it tries and what would count as an escape (for the report and docs/redteam.md). */
  readonly tries: string;
  /** A program of programs/c/redteam/. */
  readonly program: string;
  /** In order: the program gets them as fds 3, 4, … */
  readonly preopens: readonly Preopen[];
  args(tree: HostTree, budget: Budget): string[];
  readonly via: readonly Via[];
  /** The ways also run in the short suite inside `npm test` ([]: the full campaign only). */
  readonly short: readonly Via[];
  /** Host setup before the snapshot is taken. */
  setup?(tree: HostTree): void;
  /** What the host does when the program prints READY (then it is sent a line on stdin). */
  onReady?(tree: HostTree): void;
  /** A line the program must print for the attack to have been made at all (else it proves nothing). */
  readonly mustPrint?: RegExp;
  /** A host process swapping directory `dir` (relative to the tree) with a symlink holding `target` meanwhile. */
  readonly race?: { readonly dir: string; readonly target: string };
}

export interface Verdict {
  readonly attack: string;
  readonly via: Via;
  readonly passed: boolean;
  /** Why it did not pass: one line per finding. */
  readonly evidence: readonly string[];
  /** The program's own count ("attempts N, escapes M") or other summary line. */
  readonly summary: string;
  readonly ms: number;
}

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  /** How it ended, for the report. */
  readonly ending: string;
}

/** The longest any one program may run: an escape attack, a resource attack. */
const PROGRAM_MS = 120_000;
const RESOURCE_MS = 60_000;
const READY_MS = 60_000;

/**
 * Resolves once `cond()` holds, checking on each turn of the event loop; rejects after `ms`.
 * Callers fold "the other side has gone" into `cond`, so no check outlives what it waits for.
 */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A child process's output, with `onReady` run (and GO sent) when it prints READY. */
async function runChild(cmd: string[], onReady?: () => void): Promise<Ran> {
  const child: ChildProcess = spawn(process.execPath, ['--no-warnings', ...cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  let answered = false;
  child.stdout!.setEncoding('latin1').on('data', (s: string) => {
    stdout += s;
    if (!answered && onReady && stdout.includes('READY\n')) {
      answered = true;
      try {
        onReady();
      } catch (e) {
        stderr += `driver: the host action failed: ${e instanceof Error ? e.message : String(e)}\n`;
      }
      child.stdin!.end('GO\n');
    }
  });
  child.stderr!.setEncoding('latin1').on('data', (s: string) => { stderr += s; });
  if (!onReady) child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), PROGRAM_MS);
  const ending = await new Promise<string>((resolve) => child.once('close', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)));
  clearTimeout(timer);
  return { stdout, stderr, ending };
}

/** The program through the library API, the preopens served by one hostfs each. */
async function runApi(tree: HostTree, attack: EscapeAttack, args: string[]): Promise<Ran> {
  const dirs = Object.fromEntries(attack.preopens.map((p, i) => [`/mnt/${i}`, tree.at(p.host)]));
  const keel = await bootKeel({ dirs });
  try {
    let stdout = '', stderr = '';
    const decoder = new TextDecoder('latin1');
    const p = await keel.spawn(redteamProgram(attack.program), {
      args: [attack.program, ...args], dirs: Object.fromEntries(attack.preopens.map((o, i) => [o.guest, `/mnt/${i}`])),
      stdin: attack.onReady ? 'pipe' : 'ignore',
      stdout: { write: (c: Uint8Array) => { stdout += decoder.decode(c); } },
      stderr: { write: (c: Uint8Array) => { stderr += decoder.decode(c); } },
      limits: { timeMs: PROGRAM_MS },
    });
    let exited = false;
    void p.exited.then(() => { exited = true; });
    if (attack.onReady) {
      await until(() => exited || stdout.includes('READY\n'), READY_MS, 'READY');
      if (stdout.includes('READY\n')) {
        attack.onReady(tree);
        await p.stdin!.write('GO\n');
      }
      await p.stdin!.end();
    }
    const r = await p.result();
    return { stdout, stderr, ending: JSON.stringify(r.status) };
  } finally {
    await keel.shutdown();
  }
}

function dirFlags(tree: HostTree, attack: EscapeAttack): string[] {
  return attack.preopens.flatMap((p) => ['--dir', `${tree.at(p.host)}::${p.guest}`]);
}

/** Start the host-side swapper; resolves once it is swapping. */
async function startSwapper(tree: HostTree, race: { dir: string; target: string }, budget: Budget): Promise<{ stop(): Promise<string> }> {
  const child = spawn(process.execPath, [swapperJs, tree.at(race.dir), race.target, String(budget.raceMs + 30_000), String(budget.raceRounds * 50)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  let gone = false;
  const closed = new Promise<void>((resolve) => child.once('close', () => { gone = true; resolve(); }));
  await until(() => gone || out.includes('swapping\n'), 30_000, 'the swapper');
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
      return out.trim().split('\n').pop() ?? '';
    },
  };
}

const lastLines = (text: string, n: number): string => text.trimEnd().split('\n').slice(-n).join(' | ');

/** Run `attack` through `via` against a fresh host tree, and judge it. */
export async function runEscape(attack: EscapeAttack, via: Via, budget: Budget): Promise<Verdict> {
  const t0 = performance.now();
  const tree = makeTree();
  try {
    attack.setup?.(tree);
    const inside = attack.preopens.map((p) => tree.at(p.host));
    const outermost = inside.filter((d) => !inside.some((o) => o !== d && isWithin(o, d)));
    const before = snapshotOutside(tree, inside);
    const args = attack.args(tree, budget);
    const swapper = attack.race ? await startSwapper(tree, attack.race, budget) : null;
    let ran: Ran;
    let swaps = '';
    try {
      const onReady = attack.onReady ? () => attack.onReady!(tree) : undefined;
      const program = redteamProgram(attack.program);
      ran = via === 'api' ? await runApi(tree, attack, args)
        : via === 'cli' ? await runChild([keelBin, 'run', ...dirFlags(tree, attack), program, ...args], onReady)
          : await runChild([wasiRunner, ...dirFlags(tree, attack), program, ...args], onReady);
    } finally {
      if (swapper) swaps = await swapper.stop();
    }
    const evidence: string[] = [];
    const diff = compareSnapshots(before, snapshotOutside(tree, inside));
    evidence.push(...diff.slice(0, 12), ...(diff.length > 12 ? [`outside: … and ${diff.length - 12} more changes`] : []));
    const output = `${ran.stdout}\n${ran.stderr}`;
    if (secretIn(output, tree)) {
      const lines = output.split('\n').filter((l) => secretIn(l, tree));
      evidence.push(`output: the secret appears in ${lines.length} line(s), e.g. ${lines[0]!.slice(0, 160)}`);
    }
    evidence.push(...secretInside(tree, outermost).slice(0, 12));
    const escaped = ran.stdout.split('\n').filter((l) => l.includes('ESCAPED'));
    evidence.push(...escaped.slice(0, 12).map((l) => `report: ${l.slice(0, 200)}`), ...(escaped.length > 12 ? [`report: … and ${escaped.length - 12} more ESCAPED lines`] : []));
    if (!/^DONE$/m.test(ran.stdout)) evidence.push(`the attack did not run to its end (${ran.ending}): ${lastLines(ran.stderr || ran.stdout, 3).slice(0, 300)}`);
    if (swapper && !/^swaps [1-9]/.test(swaps)) evidence.push(`the host-side swapper did not swap (${swaps || 'no report'})`);
    if (attack.mustPrint && !attack.mustPrint.test(ran.stdout)) evidence.push(`the attack was not made: no line matching ${String(attack.mustPrint)}`);
    const summary = [...ran.stdout.matchAll(/^(attempts \d+, escapes \d+|rounds .*|guest swaps \d+)$/gm)].map((m) => m[0]).concat(swaps ? [`host ${swaps}`] : []).join('; ');
    return { attack: attack.name, via, passed: evidence.length === 0, evidence, summary, ms: Math.round(performance.now() - t0) };
  } finally {
    tree.remove();
  }
}

/**
 * An attack on a resource: the system must still serve another program meanwhile and afterwards.
 * How far the attack got, and whether its time limit ended it, is reported, not judged.
 */
export interface ResourceAttack {
  readonly name: string;
  readonly tries: string;
  /** Arguments to exhaust.wasm; the preopen (fd 3) is `dir`: 'host' (the sandbox of a host tree) or 'tmpfs' (a directory in Keel's /tmp). */
  args(): string[];
  readonly dir: 'host' | 'tmpfs';
  /** The program holds the resource until told to let go (it prints READY). */
  readonly holds: boolean;
  setup?(sandbox: string): void;
}

/** Does hello.wasm still run, within 30 s? The problem if not. */
async function probe(keel: Keel, when: string): Promise<string | null> {
  try {
    const p = keel.run(helloWasm, { limits: { timeMs: 30_000 } });
    const r = await Promise.race([p, new Promise<null>((resolve) => { const t = setTimeout(() => resolve(null), 35_000); void p.finally(() => clearTimeout(t)); })]);
    if (r === null) return `${when}: hello.wasm did not finish within 35 s`;
    return r.stdout === 'hello, world\n' ? null : `${when}: hello.wasm ended ${JSON.stringify(r.status)} with ${JSON.stringify(r.stdout.slice(0, 80))}`;
  } catch (e) {
    return `${when}: hello.wasm could not start: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function runResource(attack: ResourceAttack): Promise<Verdict> {
  const t0 = performance.now();
  const tree = makeTree();
  const sandbox = tree.at('sandbox');
  try {
    attack.setup?.(sandbox);
    copyFileSync(redteamProgram('exhaust'), join(sandbox, 'exhaust.wasm'));
    const keel = await bootKeel({ dirs: { '/mnt/sandbox': sandbox } });
    const evidence: string[] = [];
    let stdout = '';
    let ending = '';
    try {
      if (attack.dir === 'tmpfs') await keel.mkdir('/tmp/box');
      let p: KeelProcess | null = null;
      try {
        p = await keel.spawn(redteamProgram('exhaust'), {
          args: ['exhaust', ...attack.args()], dirs: { '/box': attack.dir === 'host' ? '/mnt/sandbox' : '/tmp/box' },
          stdin: attack.holds ? 'pipe' : 'ignore', stdout: { write: (c: Uint8Array) => { stdout += new TextDecoder().decode(c); } },
          stderr: 'ignore', limits: { timeMs: RESOURCE_MS },
        });
      } catch (e) {
        evidence.push(`the attack could not start: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (p) {
        let exited = false;
        void p.exited.then(() => { exited = true; });
        // Meanwhile: once it holds its resource (READY), or at once for an attack that holds nothing.
        if (attack.holds) await until(() => exited || stdout.includes('READY\n'), READY_MS, 'READY').catch(() => undefined);
        const meanwhile = await probe(keel, 'while the attack runs');
        if (meanwhile) evidence.push(meanwhile);
        if (attack.holds) {
          await p.stdin!.write('GO\n').catch(() => false);
          await p.stdin!.end().catch(() => undefined);
        }
        const ended = await Promise.race([p.exited, new Promise<null>((resolve) => { const t = setTimeout(() => resolve(null), RESOURCE_MS + 10_000); void p.exited.finally(() => clearTimeout(t)); })]);
        if (ended === null) evidence.push('the attack did not end, even past its time limit');
        else ending = ended.kind === 'exited' ? `exit ${ended.code}` : ended.kind === 'killed' && ended.limit === 'time' ? `killed at its ${RESOURCE_MS / 1000} s limit` : JSON.stringify(ended);
      }
      const after = await probe(keel, 'afterwards');
      if (after) evidence.push(after);
    } finally {
      await keel.shutdown();
    }
    const summary = [...stdout.split('\n').filter((l) => l && l !== 'READY' && l !== 'DONE'), ending].filter(Boolean).join('; ');
    return { attack: attack.name, via: 'api', passed: evidence.length === 0, evidence, summary, ms: Math.round(performance.now() - t0) };
  } finally {
    tree.remove();
  }
}
