/**
 * The kernel worker's answers to the page's program requests: install a program the user picked
 * or dropped (checked, written to /home/bin, synced), run one once for its output (the browser
 * tests), or time its runs (bench/web.ts). Each answers with one message, and never throws.
 */

import type { Keel } from '../../api/keel.js';
import type { KernelToPage, PageToKernel } from './page-messages.js';

type Post = (m: KernelToPage) => void;

/** Where programs are installed (on /home, so they survive a reload); on the shell's PATH after /bin. */
export const PROGRAM_DIR = '/home/bin';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A program name from a file name: its base name without `.wasm`, in characters a shell word keeps. */
function programName(file: string): string | null {
  const name = file.replace(/^.*[\\/]/, '').replace(/\.wasm$/i, '');
  return /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(name) ? name : null;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Install a program the user picked or dropped as PROGRAM_DIR/NAME, or say why not. */
export async function addProgram(keel: Keel | null, m: Extract<PageToKernel, { kind: 'add-program' }>, post: Post): Promise<void> {
  const refuse = (why: string): void => post({ kind: 'program-refused', name: m.name, message: why });
  const name = programName(m.name);
  if (!name) return refuse('a program name is letters, digits, ".", "_", "+" and "-", up to 64 characters');
  if (!WASM_MAGIC.every((b, i) => m.bytes[i] === b)) return refuse('not a WebAssembly module (it does not start with \\0asm)');
  try {
    await WebAssembly.compile(m.bytes);
  } catch (e) {
    return refuse(`not a valid WebAssembly module: ${message(e)}`);
  }
  if (!keel) return refuse('Keel has not booted');
  const path = `${PROGRAM_DIR}/${name}`;
  try {
    await keel.writeFile(path, m.bytes);
    await keel.sync();
  } catch (e) {
    return refuse(message(e));
  }
  post({ kind: 'program-added', path });
}

/** Run a program `rounds` times for a benchmark (PageToKernel `bench`); fails on any status but exit 0. */
export async function bench(keel: Keel | null, m: Extract<PageToKernel, { kind: 'bench' }>, post: Post): Promise<void> {
  try {
    if (!keel) throw new Error('Keel has not booted');
    const module = await WebAssembly.compile(m.bytes);
    const ms: number[] = [];
    for (let i = 0; i < m.rounds; i++) {
      const t0 = performance.now();
      const r = await keel.run(module, { args: [...m.args], dirs: { '/sandbox': m.dir } });
      ms.push(performance.now() - t0);
      if (r.status.kind !== 'exited' || r.status.code !== 0) throw new Error(`${m.args[0]}: ${JSON.stringify(r.status)} ${r.stderr}`);
    }
    post({ kind: 'bench-done', id: m.id, ms });
  } catch (e) {
    post({ kind: 'bench-failed', id: m.id, message: message(e) });
  }
}

/** Run a program once (PageToKernel `run`): its status and output, or why it could not run. */
export async function runOnce(keel: Keel | null, m: Extract<PageToKernel, { kind: 'run' }>, post: Post): Promise<void> {
  try {
    if (!keel) throw new Error('Keel has not booted');
    await keel.mkdir(m.dir);
    const r = await keel.run(m.bytes, { args: [...m.args], dirs: { '/sandbox': m.dir } });
    post({ kind: 'ran', id: m.id, result: { status: r.status, stdout: r.stdout, stderr: r.stderr } });
  } catch (e) {
    post({ kind: 'ran', id: m.id, result: { error: message(e) } });
  }
}
