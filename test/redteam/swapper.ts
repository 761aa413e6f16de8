/**
 * The host-side swap of the race attack, run as its own process by the red-team driver:
 *
 *   node swapper.js DIR TARGET MILLIS MAX_SWAPS
 *
 * Loops swapping directory DIR with a symlink holding TARGET (e.g. `..`) and back — rename DIR
 * away, symlink TARGET at DIR, unlink the symlink, rename the directory back — for at most MILLIS ms and
 * MAX_SWAPS rounds, or until SIGTERM. Prints "swapping" once it has started and "swaps N" at the
 * end, always leaving DIR the real directory it found. A program using DIR meanwhile sees it
 * change under its feet, as a host process racing the sandbox would make it.
 */

import { renameSync, symlinkSync, unlinkSync } from 'node:fs';

const [dir, target, millisArg, maxArg] = process.argv.slice(2);
if (!dir || !target || !millisArg || !maxArg) {
  process.stderr.write('usage: swapper DIR TARGET MILLIS MAX_SWAPS\n');
  process.exit(2);
}
const away = `${dir}.away`;
const deadline = performance.now() + Number(millisArg);
const maxSwaps = Number(maxArg);
let stop = false;
process.on('SIGTERM', () => { stop = true; });

let failures = 0;
/** One round: DIR is the symlink between the second and third step. A failed step is counted. */
function swapOnce(): void {
  try {
    renameSync(dir!, away);
  } catch {
    failures++;
    return;
  }
  try {
    symlinkSync(target!, dir!);
    unlinkSync(dir!);
  } catch {
    failures++;
  } finally {
    renameSync(away, dir!);
  }
}

process.stdout.write('swapping\n');
let swaps = 0;
// Yield to the event loop every so often so a SIGTERM is seen.
function batch(): void {
  for (let i = 0; i < 200 && !stop && swaps < maxSwaps && performance.now() < deadline; i++, swaps++) swapOnce();
  if (stop || swaps >= maxSwaps || performance.now() >= deadline) {
    process.stdout.write(`swaps ${swaps}, failed ${failures}\n`);
    return;
  }
  setImmediate(batch);
}
batch();
