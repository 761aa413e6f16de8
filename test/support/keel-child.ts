/**
 * Run Keel in a child Node process and collect what it printed: `runUtility` runs one program
 * directly (utility-driver.ts), `keelBoot` runs `keel boot -c COMMAND_LINE`. Both give stdout,
 * stderr and the exit code, with a time limit (a hung child is killed and the test fails).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each `keel boot` gets a /home image of its own (never the user's ~/.keel), removed when the
 * test process ends; /usr is in memory unless a test gives it an image (KEEL_USR_IMAGE).
 */
let homes: string | null = null;
let homeCount = 0;
export function freshHomeImage(prefix = 'home'): string {
  if (!homes) {
    const dir = mkdtempSync(join(tmpdir(), 'keel-homes-'));
    homes = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(homes, `${prefix}-${++homeCount}.img`);
}

export interface ChildResult { stdout: string; stderr: string; code: number | null }

const driver = fileURLToPath(new URL('./utility-driver.js', import.meta.url));
const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

export function runChild(args: readonly string[], options: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args as string[], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KEEL_HOME_IMAGE: freshHomeImage(), KEEL_USR_IMAGE: 'none', ...(options.env ?? {}) } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out: ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

export interface UtilityJob {
  readonly path: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: readonly string[];
  /** Files to create in the root tmpfs before the program runs (absolute path → text). */
  readonly files?: Readonly<Record<string, string>>;
  /** Directories to create. */
  readonly dirs?: readonly string[];
}

/** Run one program (e.g. /bin/ls) in a fresh Keel; stdin is given text. */
export function runUtility(job: UtilityJob, stdin = ''): Promise<ChildResult> {
  return runChild([driver, JSON.stringify(job)], { stdin });
}

/** `keel boot [--dir …] [ARGS…] -c COMMAND_LINE`. */
export function keelBoot(commandLine: string, options: { stdin?: string; dirs?: readonly string[]; env?: Record<string, string>; args?: readonly string[]; timeoutMs?: number } = {}): Promise<ChildResult> {
  const dirs = (options.dirs ?? []).flatMap((d) => ['--dir', d]);
  return runChild([keelBin, 'boot', ...dirs, ...(options.args ?? []), '-c', commandLine], options);
}
