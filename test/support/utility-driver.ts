/**
 * Child-process driver for utility tests: boots the session system (root tmpfs with /bin and the
 * files given), runs ONE program by path with the given args, env and working directory, on the
 * host's stdio (so the parent test captures stdout/stderr), then prints nothing else and exits
 * with the program's exit code.
 *
 *   node utility-driver.js JSON
 *   JSON = { "path": "/bin/ls", "args": ["ls", "-l"], "cwd": "/tmp", "files": {"/tmp/a": "text"}, "dirs": ["/tmp/d"] }
 */

import { exitCodeOf } from '../../src/abi/exit-status.js';
import { System } from '../../src/system/system.js';
import { testSystem } from './manifest.js';
import { NodeHost } from '../../src/platform/node/node-host.js';
import { nodeThreadPlatform } from '../../src/platform/node/node-thread-platform.js';
import { PROGRAM_NAMES } from '../../src/programs/program-names.js';

interface Job { path: string; args: string[]; cwd?: string; env?: string[]; files?: Record<string, string>; dirs?: string[] }

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const base = testSystem({ session: { programs: PROGRAM_NAMES } });
const config = {
  ...base,
  services: base.services.map((s) => (s.kind !== 'tmpfs' || s.name !== 'tmpfs' ? s : {
    ...s, config: { ...s.config, dirs: [...(s.config.dirs ?? []), ...(job.dirs ?? [])], files: { ...s.config.files, ...(job.files ?? {}) } },
  })),
};
const system = await System.boot(new NodeHost(), nodeThreadPlatform(null, true), config);
let code = 1;
try {
  const env = job.env ?? ['PATH=/bin', 'HOME=/home', `PWD=${job.cwd ?? '/'}`];
  const { handle } = system.spawnWasm({ program: job.path, path: job.path, args: job.args, env, preopens: [{ guestPath: '/', vfsPath: '/' }] });
  const status = await system.wait(handle);
  if (status.kind === 'crashed' || status.kind === 'trapped') process.stderr.write(`driver: ${status.kind}: ${status.message}\n`);
  code = exitCodeOf(status);
} finally {
  await system.shutdown();
}
process.exit(code);
