/**
 * touch [-acm] [-d DATE | -t STAMP | -r FILE] FILE...: set each FILE's access and modification
 * times (to now, or to DATE — as date -d reads it, UTC —, to [[CC]YY]MMDDhhmm[.ss], or to FILE's),
 * creating it (empty) if it does not exist — unless -c, which skips missing files silently.
 * -a or -m changes only that time. Status 1 on any failure.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';
import { parseOptions } from '../lib/options.js';
import { parseDate } from './date.js';

/** -t's [[CC]YY]MMDDhhmm[.ss], in UTC; null if malformed. */
function stamp(text: string, now: number): number | null {
  const m = /^(\d{2}|\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(text);
  if (!m) return null;
  let year = m[1] === undefined ? new Date(now).getUTCFullYear() : Number(m[1]);
  if (m[1]?.length === 2) year += year < 69 ? 2000 : 1900;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

export function main(sys: Sys): number {
  const o = parseOptions(sys.args.slice(1), { flags: 'camf', values: 'dtr', long: { 'no-create': 'c', date: 'd', reference: 'r' } });
  if (typeof o === 'string' || o.operands.length === 0) {
    sys.write(2, `touch: ${typeof o === 'string' ? o : 'missing file operand'}\nTry 'touch --help' for more information.\n`);
    return 1;
  }
  let when: number | null = null;
  const d = o.values.get('d'), t = o.values.get('t'), r = o.values.get('r');
  if (d !== undefined) {
    when = parseDate(d, sys.time());
    if (when === null) {
      sys.write(2, `touch: invalid date format '${d}'\n`);
      return 1;
    }
  } else if (t !== undefined) {
    when = stamp(t, sys.time());
    if (when === null) {
      sys.write(2, `touch: invalid date format '${t}'\n`);
      return 1;
    }
  } else if (r !== undefined) {
    try {
      when = sys.stat(r).mtimeMs;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `touch: failed to get attributes of '${r}': ${errorText(e.errno)}\n`);
      return 1;
    }
  }
  const onlyA = o.flags.has('a') && !o.flags.has('m');
  const onlyM = o.flags.has('m') && !o.flags.has('a');
  let status = 0;
  for (const file of o.operands) {
    try {
      if (!sys.exists(file)) {
        if (o.flags.has('c')) continue;
        sys.close(sys.open(file, { write: true, create: true }));
        if (when === null) continue;
      }
      const st = onlyA || onlyM ? sys.stat(file) : null;
      sys.utimes(file, onlyM ? st!.atimeMs : when, onlyA ? st!.mtimeMs : when);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      sys.write(2, `touch: cannot touch '${file}': ${errorText(e.errno)}\n`);
      status = 1;
    }
  }
  return status;
}
