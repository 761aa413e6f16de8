/**
 * A script program whose thread fails outside its process's control: an error thrown from a timer,
 * which nothing catches, while main never returns (test/platform/pooled-host.test.ts: the host
 * must end the thread, and the process with it, giving that error).
 */

export const UNCAUGHT_MESSAGE = 'an error nothing caught';

export function main(): Promise<number> {
  setTimeout(() => {
    throw new Error(UNCAUGHT_MESSAGE);
  }, 0);
  return new Promise<number>(() => {});
}
