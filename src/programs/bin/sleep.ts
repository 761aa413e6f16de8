/**
 * sleep NUMBER[SUFFIX]...: pause for the sum of the given times. NUMBER may be a decimal
 * (`0.25`); SUFFIX is s (seconds, the default), m (minutes), h (hours) or d (days), as in GNU sleep.
 * A bad interval or no operand is a usage error (status 1).
 */

import type { Sys } from '../../sys/sys.js';

const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function main(sys: Sys): number {
  const operands = sys.args.slice(1);
  if (operands[0] === '--') operands.shift();
  if (operands.length === 0) {
    sys.write(2, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let total = 0;
  for (const arg of operands) {
    const m = /^\+?(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) {
      sys.write(2, `sleep: invalid time interval '${arg}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  sys.sleep(total);
  return 0;
}
