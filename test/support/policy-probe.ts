/**
 * A script program for the static-policy test: tries to create a channel and writes the kernel
 * status it got into data.out (Int32Array [status]).
 */

import type { ThreadRuntime } from '../../src/thread/thread-runtime.js';

export function main(rt: ThreadRuntime, _args: readonly string[], data: { out: SharedArrayBuffer }): number {
  new Int32Array(data.out)[0] = rt.kernel.call('channelCreate', {}).status;
  return 0;
}
