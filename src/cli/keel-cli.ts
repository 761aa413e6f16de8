/**
 * The `keel` command line: subcommands parsed with commander, each a thin layer over the library
 * API (src/api/keel.ts). Host effects come in through CliHost, so this file stays portable. Each
 * command's module is loaded when it runs: `keel run` loads nothing of `keel check`.
 */

import { Command, CommanderError } from 'commander';
import type { CliHost } from './cli-host.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Parse `argv` (without node and script) and run; resolves with the exit code. */
export async function keelMain(host: CliHost, argv: readonly string[], version: string): Promise<number> {
  let result: Promise<number> = Promise.resolve(0);
  const program = new Command('keel')
    .description('Keel: a microkernel operating system in TypeScript that runs unmodified WASI programs')
    .version(version)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => host.stderr(s.trimEnd()) });

  program.command('run')
    .description('run a WASI preview1 program (.wasm) with the host\'s stdio')
    .option('--manifest <FILE>', 'the system manifest to boot (default: $KEEL_MANIFEST, else Keel\'s default)')
    .option('--memory <SIZE>', 'the memory budget of all programs together, e.g. 512M or 2G (default: the manifest\'s, else half the host\'s memory)')
    .option('--dir <HOST_DIR[::GUEST_DIR]>', 'give the program a host directory (repeatable)', collect, [])
    .option('--env <NAME=VALUE>', 'set an environment variable for the program (repeatable)', collect, [])
    .option('--tcplisten <HOST:PORT>', 'listen on a TCP address; the program gets it as a socket fd (repeatable)', collect, [])
    .argument('<program>', 'the .wasm file to run')
    .argument('[args...]', 'arguments for the program')
    .passThroughOptions()
    .action((prog: string, args: string[], opts: { manifest?: string; memory?: string; dir: string[]; env: string[]; tcplisten: string[] }) => {
      result = import('./run-command.js').then(({ runCommand }) => runCommand(host, { dirs: opts.dir, env: opts.env, listen: opts.tcplisten, ...(opts.manifest ? { manifest: opts.manifest } : {}), ...(opts.memory !== undefined ? { memory: opts.memory } : {}), program: prog, args }));
    });

  program.command('boot', { isDefault: true })
    .description('boot Keel and start the shell (interactive, or -c COMMAND_LINE, or a SCRIPT)')
    .option('--manifest <FILE>', 'the system manifest to boot (default: $KEEL_MANIFEST, else Keel\'s default)')
    .option('--memory <SIZE>', 'the memory budget of all programs together, e.g. 512M or 2G (default: the manifest\'s, else half the host\'s memory)')
    .option('--dir <HOST_DIR[::GUEST_DIR]>', 'mount a host directory (at /host unless GUEST_DIR is given; repeatable)', collect, [])
    .option('--home <IMAGE|none>', 'the disk image /home lives on (default: $KEEL_HOME_IMAGE, else ~/.keel/home.img; made if missing); none: /home in memory')
    .option('--usr <IMAGE|none>', 'the disk image /usr (installed packages) lives on (default: $KEEL_USR_IMAGE, else ~/.keel/usr.img; made if missing); none: /usr in memory')
    .option('--registry <URL|none>', 'the package registry pkg installs from (default: npm\'s registry as npm is configured); none: no registry')
    .option('-c <command_line>', 'run one command line, like sh -c, and exit with its status')
    .argument('[script...]', 'a shell script (a path inside Keel) and its arguments')
    .passThroughOptions()
    .action((script: string[], opts: { manifest?: string; memory?: string; dir: string[]; home?: string; usr?: string; registry?: string; c?: string }) => {
      result = import('./boot-command.js').then(({ bootCommand }) => bootCommand(host, {
        dirs: opts.dir, ...(opts.manifest ? { manifest: opts.manifest } : {}), ...(opts.memory !== undefined ? { memory: opts.memory } : {}),
        ...(opts.home !== undefined ? { home: opts.home } : {}), ...(opts.usr !== undefined ? { usr: opts.usr } : {}), ...(opts.registry !== undefined ? { registry: opts.registry } : {}),
        ...(opts.c !== undefined ? { command: opts.c } : {}), script,
      }));
    });

  program.command('fsck')
    .description('check a diskfs disk image (as it would mount: committed journal transactions included); exit 1 if it is damaged')
    .argument('<image>', 'the disk image')
    .action((image: string) => {
      result = import('./fsck-command.js').then(({ fsckCommand }) => fsckCommand(host, image));
    });

  program.command('check')
    .description('validate a system manifest and prove its policy assertions on the capability graph')
    .option('--dir <HOST_DIR[::GUEST_DIR]>', 'include a host directory as keel boot --dir would (repeatable)', collect, [])
    .option('-q, --quiet', 'print only the assertions')
    .argument('<manifest>', 'the manifest file (YAML or JSON)')
    .action((manifest: string, opts: { dir: string[]; quiet?: boolean }) => {
      result = import('./check-command.js').then(({ checkCommand }) => checkCommand(host, { manifest, dirs: opts.dir, quiet: opts.quiet === true }, (line) => host.stdout(line)));
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return result;
}
