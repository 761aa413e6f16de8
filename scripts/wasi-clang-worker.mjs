// One worker of the wasi-clang pool (scripts/wasi-clang.mjs): holds the compiled LLVM module and
// runs one instance of it at a time, under node:wasi, for each job it is sent: { id, argv, preopens }
// → { id, status, output } (output: what the tool wrote to stdout and stderr, in order), or
// { id, error } if the instance trapped. Each instance gets fresh memory; nothing carries over from
// one job to the next but the compiled code.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// node:wasi warns that it is experimental once per thread; the warning says nothing to a build.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (!String(warning).includes('WASI')) emitWarning(warning, ...rest);
};
const { WASI } = await import('node:wasi');

// The module, and a file of this worker's own (in a directory the pool removes) that each job's
// stdout and stderr go to.
const { module, capturePath } = workerData;
// The running instance's WASI object, held here until its job ends so that no garbage collection
// can destroy it while its program runs (before --no-turbo-fast-api-calls, see wasi-clang.mjs,
// the process aborted in a WASI destructor called from a collection inside a WASI call).
let running = null;

parentPort.on('message', ({ id, argv, preopens }) => {
  const fd = openSync(capturePath, 'w+');
  try {
    const wasi = new WASI({ version: 'preview1', args: argv, env: {}, preopens, returnOnExit: true, stdin: 0, stdout: fd, stderr: fd });
    running = wasi;
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    const status = wasi.start(instance);
    running = null;
    closeSync(fd);
    parentPort.postMessage({ id, status, output: readFileSync(capturePath, 'utf8') });
  } catch (err) {
    running = null;
    try { closeSync(fd); } catch { /* already closed */ }
    const output = readFileSync(capturePath, 'utf8');
    parentPort.postMessage({ id, error: `${argv[0]} failed: ${err instanceof Error ? err.message : String(err)}\n${output}` });
  }
});
