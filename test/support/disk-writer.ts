/**
 * The child process of the diskfs crash test (test/fuzz/crashes.ts): boot Keel with a diskfs at
 * /data on IMAGE and run fault_writer appending records to /data/records.log, its "ack N" lines
 * on this process's stdout. The parent SIGKILLs this process at a random moment.
 *
 *   node disk-writer.js IMAGE LANE FIRST COUNT
 */

import { fileURLToPath } from 'node:url';
import { bootKeel } from '../../src/platform/node/index.js';

const [image, lane, first, count] = process.argv.slice(2);
if (!image || !lane || !first || !count) throw new Error('usage: disk-writer IMAGE LANE FIRST COUNT');
const writer = fileURLToPath(new URL('../../../programs/c/build/fault_writer.wasm', import.meta.url));
const keel = await bootKeel({ disks: { '/data': image } });
process.stdout.write('booted\n');
try {
  const p = await keel.spawn(writer, { args: ['fault_writer', '/data/records.log', lane, first, count], stdout: 'inherit', stderr: 'inherit', stdin: 'ignore' });
  const r = await p.result();
  process.exitCode = r.exitCode;
} finally {
  await keel.shutdown();
}
