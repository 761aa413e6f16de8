/**
 * Node entry of the `keel` command (bin/keel.js imports this). Supplies the host side — files,
 * stderr, workers — and exits with the status keelMain returns. An unexpected error prints one
 * line, never a stack trace (set KEEL_DEBUG=1 to see it).
 */

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { keelMain } from '../../cli/keel-cli.js';
import type { CliHost } from '../../cli/run-command.js';
import { NodeHost } from './node-host.js';
import { fileURLToPath } from 'node:url';
import { nodeThreadPlatform } from './node-thread-platform.js';

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return e instanceof Error ? e.message : String(e);
};

const host: CliHost = {
  readFile(path) {
    try {
      const b = readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      return { error: reason(e) };
    }
  },
  directory(path) {
    try {
      const abs = realpathSync(path);
      return statSync(abs).isDirectory() ? abs : { error: 'not a directory' };
    } catch (e) {
      return { error: reason(e) };
    }
  },
  stderr(line) {
    process.stderr.write(line + '\n');
  },
  makeSystemHost: () => new NodeHost(),
  stdout(line) {
    process.stdout.write(line + '\n');
  },
  manifestPath: process.env['KEEL_MANIFEST'] || fileURLToPath(new URL('../../../../manifests/default.yaml', import.meta.url)),
  term: process.env['TERM'] ?? 'dumb',
  platform: nodeThreadPlatform(null, true),
};

const version = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

keelMain(host, process.argv.slice(2), version).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`keel: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['KEEL_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    process.exit(70);
  },
);
