/**
 * The file formats the program loader runs (runtime/program-loader.ts), as its binfmt handlers
 * recognise them: a WebAssembly module (`\0asm`), or a `#!keel NAME` line naming one of Keel's
 * own TypeScript programs (programs/registry.ts). The shell asks the same question to decide
 * whether a file is a program or a script; the session's /bin is made of `#!keel` files.
 */

/** How a file naming one of Keel's programs begins (then the name, then a newline). */
export const PROGRAM_MAGIC = '#!keel ';

/** The first bytes of every WebAssembly module. */
export const WASM_MAGIC: readonly number[] = [0x00, 0x61, 0x73, 0x6d];

/** What `/bin/NAME` holds for each program: the line that makes the loader run it. */
export function programFile(name: string): string {
  return `${PROGRAM_MAGIC}${name}\n`;
}

/** True when `bytes` begins with the `#!keel ` line magic. */
export function startsWithProgramMagic(bytes: Uint8Array): boolean {
  if (bytes.length < PROGRAM_MAGIC.length) return false;
  for (let i = 0; i < PROGRAM_MAGIC.length; i++) if (bytes[i] !== PROGRAM_MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * True when a file beginning with `head` (at least its first 8 bytes) is something the loader
 * runs — a wasm module or a `#!keel` program; a shell runs anything else as a script.
 */
export function isProgramFile(head: Uint8Array): boolean {
  return (head.length >= WASM_MAGIC.length && WASM_MAGIC.every((b, i) => head[i] === b)) || startsWithProgramMagic(head);
}
