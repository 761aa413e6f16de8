/**
 * Every program's module, by file name (`bin/NAME.js`): the one computed import of the programs.
 * A thread reaches this file only through the registry's loadProgram, by a dynamic import, so in a
 * bundled Keel the programs are a bundle of their own (programs.cjs, scripts/bundle.mjs), read by
 * a thread only once it runs one of them — a wasm program's worker never reads them.
 *
 * The programs bundle takes the process runtime's own `sys` modules (SysError, RegistryError:
 * classes that errors are matched by) from the runtime that loads it (shared-with-programs.ts),
 * never a copy of its own.
 */

export function programModule(file: string): Promise<{ main?: unknown }> {
  return import(`./bin/${file}.js`) as Promise<{ main?: unknown }>;
}
