/**
 * What pkg knows how to install: one recipe per npm package, saying which files of its tarball
 * are programs (unmodified WASI preview1 modules), which commands run them, and which archives of
 * resources are unpacked where. A package without a recipe is refused (pkg cannot tell a WASI
 * program from a JavaScript file, nor which name runs what): the recipe is the review.
 *
 * Paths in a tarball start with `package/` (npm's layout). Every destination is under /usr, the
 * disk pkg owns (docs/pkg.md):
 *   - programs: kept as /usr/lib/pkg/NAME/FILE (NAME the package's name, `@scope/name`);
 *   - commands: /usr/bin/COMMAND, a symbolic link to the program (a multicall program such as
 *     LLVM's tells its tools apart by argv[0], which is the command's name), or a `#!keel` file
 *     naming one of Keel's own programs (a driver, such as cc for clang);
 *   - libexec: /usr/libexec/NAME, the same links, for programs run by other programs (cc looks
 *     for clang there), not by users;
 *   - resources: a tar archive in the package, unpacked below a directory (clang's headers and
 *     libraries below /usr, where it looks for them: `-resource-dir /usr -isysroot /usr`).
 */

export type CommandRecipe = { readonly program: string } | { readonly keel: string };

export interface Recipe {
  /** One line on what the package gives. */
  readonly about: string;
  /** Program files: the name it is kept as → its path in the tarball. */
  readonly programs: Readonly<Record<string, string>>;
  /** Commands in /usr/bin. */
  readonly commands: Readonly<Record<string, CommandRecipe>>;
  /** Programs in /usr/libexec: name → a program's name. */
  readonly libexec?: Readonly<Record<string, string>>;
  /** Tar archives in the tarball, each unpacked below `at` (a directory under /usr). */
  readonly resources?: readonly { readonly tar: string; readonly at: string }[];
}

const llvmTool = { program: 'llvm.wasm' } as const;

export const RECIPES: Readonly<Record<string, Recipe>> = {
  '@yowasp/clang': {
    about: 'clang, clang++ and wasm-ld (LLVM, one WASI program) with the WASI headers and libraries; cc and c++ use it',
    programs: { 'llvm.wasm': 'package/gen/llvm.core.wasm' },
    commands: {
      clang: { keel: 'clang' }, 'clang++': { keel: 'clang++' },
      'wasm-ld': llvmTool, ar: llvmTool, nm: llvmTool, objdump: llvmTool, ranlib: llvmTool, strip: llvmTool, size: llvmTool,
    },
    libexec: { clang: 'llvm.wasm', 'wasm-ld': 'llvm.wasm' },
    resources: [{ tar: 'package/gen/llvm-resources.tar', at: '/usr' }],
  },
};

/** The recipe for package `name`, if pkg has one. */
export function recipeFor(name: string): Recipe | undefined {
  return Object.hasOwn(RECIPES, name) ? RECIPES[name] : undefined;
}
