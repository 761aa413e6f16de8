/**
 * date [-u] [-d STRING | -r FILE] [-I[TIMESPEC] | -R | +FORMAT]: print a date, as GNU date. Keel
 * keeps time in UTC and has no time zone database: every date is shown in UTC (as with -u or
 * TZ=UTC). STRING: @SECONDS, now, today, yesterday, tomorrow, YYYY-MM-DD[ HH:MM[:SS]] (or with
 * T and a Z), each optionally followed by relative items (`+2 days`, `3 hours ago`, `next week`).
 * FORMAT: the strftime conversions %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M %n
 * %N %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %:z %Z %%, with the flags - _ 0 ^.
 * Setting the clock is not allowed (status 1).
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { errorText } from '../../sys/sys-errors.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const UNITS: Readonly<Record<string, number>> = {
  second: 1000, sec: 1000, minute: 60_000, min: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, fortnight: 1_209_600_000,
};

function pad(n: number, width: number, fill = '0'): string {
  return String(n).padStart(width, fill);
}

function isoWeek(d: Date): { week: number; year: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7), year: t.getUTCFullYear() };
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** strftime in UTC; `ms` keeps the sub-second part for %N. */
export function formatDate(format: string, ms: number): string {
  const d = new Date(Math.floor(ms));
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    let j = i + 1;
    let flag = '';
    while ('-_0^#'.includes(format[j]!) && j < format.length) flag += format[j++];
    let colon = false;
    if (format[j] === ':' && format[j + 1] === 'z') {
      colon = true;
      j++;
    }
    const conv = format[j]!;
    i = j;
    const num = (n: number, width: number, space = false): string => {
      if (flag.includes('-')) return String(n);
      if (flag.includes('_') || (space && !flag.includes('0'))) return pad(n, width, ' ');
      return pad(n, width);
    };
    const hour12 = d.getUTCHours() % 12 || 12;
    let s: string;
    switch (conv) {
      case 'a': s = DAYS[d.getUTCDay()]!.slice(0, 3); break;
      case 'A': s = DAYS[d.getUTCDay()]!; break;
      case 'b': case 'h': s = MONTHS[d.getUTCMonth()]!.slice(0, 3); break;
      case 'B': s = MONTHS[d.getUTCMonth()]!; break;
      case 'c': s = formatDate('%a %b %e %H:%M:%S %Y', ms); break;
      case 'C': s = num(Math.floor(d.getUTCFullYear() / 100), 2); break;
      case 'd': s = num(d.getUTCDate(), 2); break;
      case 'D': s = formatDate('%m/%d/%y', ms); break;
      case 'e': s = num(d.getUTCDate(), 2, true); break;
      case 'F': s = formatDate('%Y-%m-%d', ms); break;
      case 'g': s = num(isoWeek(d).year % 100, 2); break;
      case 'G': s = String(isoWeek(d).year); break;
      case 'H': s = num(d.getUTCHours(), 2); break;
      case 'I': s = num(hour12, 2); break;
      case 'j': s = num(dayOfYear(d), 3); break;
      case 'k': s = num(d.getUTCHours(), 2, true); break;
      case 'l': s = num(hour12, 2, true); break;
      case 'm': s = num(d.getUTCMonth() + 1, 2); break;
      case 'M': s = num(d.getUTCMinutes(), 2); break;
      case 'n': s = '\n'; break;
      case 'N': s = pad(Math.round((((ms % 1000) + 1000) % 1000) * 1e6), 9); break;
      case 'p': s = d.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'P': s = d.getUTCHours() < 12 ? 'am' : 'pm'; break;
      case 'r': s = formatDate('%I:%M:%S %p', ms); break;
      case 'R': s = formatDate('%H:%M', ms); break;
      case 's': s = String(Math.floor(ms / 1000)); break;
      case 'S': s = num(d.getUTCSeconds(), 2); break;
      case 't': s = '\t'; break;
      case 'T': s = formatDate('%H:%M:%S', ms); break;
      case 'u': s = String(d.getUTCDay() || 7); break;
      case 'U': s = num(Math.floor((dayOfYear(d) + 6 - d.getUTCDay()) / 7), 2); break;
      case 'V': s = num(isoWeek(d).week, 2); break;
      case 'w': s = String(d.getUTCDay()); break;
      case 'W': s = num(Math.floor((dayOfYear(d) + 6 - ((d.getUTCDay() + 6) % 7)) / 7), 2); break;
      case 'x': s = formatDate('%m/%d/%y', ms); break;
      case 'X': s = formatDate('%H:%M:%S', ms); break;
      case 'y': s = num(d.getUTCFullYear() % 100, 2); break;
      case 'Y': s = String(d.getUTCFullYear()); break;
      case 'z': s = colon ? '+00:00' : '+0000'; break;
      case 'Z': s = 'UTC'; break;
      case '%': s = '%'; break;
      default: s = `%${flag}${conv}`;
    }
    out += flag.includes('^') ? s.toUpperCase() : s;
  }
  return out;
}

/** Milliseconds for a -d STRING, or null. */
export function parseDate(text: string, now: number): number | null {
  let s = text.trim().toLowerCase();
  let base: number;
  const epoch = /^@(-?\d+(\.\d+)?)$/.exec(s);
  if (epoch) return Number(epoch[1]) * 1000;
  const day = Math.floor(now / 86_400_000) * 86_400_000;
  const abs = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(z|utc|[+-]\d{2}:?\d{2})?/.exec(s);
  if (abs) {
    base = Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0), Number(abs[6] ?? 0)) + Math.round(Number(abs[7] ?? 0) * 1000);
    const tz = abs[8];
    if (tz && tz !== 'z' && tz !== 'utc') {
      const m = /([+-])(\d{2}):?(\d{2})/.exec(tz)!;
      base -= (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
    }
    s = s.slice(abs[0].length);
  } else if (s.startsWith('now')) {
    base = now;
    s = s.slice(3);
  } else if (s.startsWith('today')) {
    base = day;
    s = s.slice(5);
  } else if (s.startsWith('yesterday')) {
    base = day - 86_400_000;
    s = s.slice(9);
  } else if (s.startsWith('tomorrow')) {
    base = day + 86_400_000;
    s = s.slice(8);
  } else {
    base = now;
  }
  const rel = /\s*([+-]?\s*\d+|next|last|a)?\s*(second|sec|minute|min|hour|day|week|fortnight|month|year)s?(\s+ago)?/y;
  s = s.trim();
  let pos = 0;
  while (pos < s.length) {
    rel.lastIndex = pos;
    const m = rel.exec(s);
    if (!m || m[0].trim() === '') return null;
    pos = rel.lastIndex;
    let n = m[1] === undefined || m[1] === 'next' || m[1] === 'a' ? 1 : m[1] === 'last' ? -1 : Number(m[1].replace(/\s/g, ''));
    if (m[3]) n = -n;
    const unit = m[2]!;
    if (unit === 'month' || unit === 'year') {
      const d = new Date(base);
      if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + n);
      else d.setUTCFullYear(d.getUTCFullYear() + n);
      base = d.getTime();
    } else base += n * UNITS[unit]!;
    while (pos < s.length && s[pos] === ' ') pos++;
  }
  return base;
}

export function main(sys: Sys): number {
  let when: number | null = null;
  let format = '%a %b %e %H:%M:%S %Z %Y';
  const args = sys.args.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-u' || a === '--utc' || a === '--universal') continue;
    if (a === '-d' || a.startsWith('--date=') || (a.startsWith('-d') && a.length > 2)) {
      const v = a.startsWith('--date=') ? a.slice(7) : a.length > 2 ? a.slice(2) : args[++i] ?? '';
      when = parseDate(v, sys.time());
      if (when === null) {
        sys.write(2, `date: invalid date '${v}'\n`);
        return 1;
      }
    } else if (a === '-r' || a.startsWith('--reference=')) {
      const file = a === '-r' ? args[++i] ?? '' : a.slice(12);
      try {
        when = sys.stat(file).mtimeMs;
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        sys.write(2, `date: ${file}: ${errorText(e.errno)}\n`);
        return 1;
      }
    } else if (a === '-R' || a === '--rfc-email') format = '%a, %d %b %Y %H:%M:%S %z';
    else if (a.startsWith('-I') || a.startsWith('--iso-8601')) {
      const spec = a.startsWith('-I') ? a.slice(2) : a.includes('=') ? a.slice(a.indexOf('=') + 1) : '';
      format = { '': '%Y-%m-%d', date: '%Y-%m-%d', hours: '%Y-%m-%dT%H%:z', minutes: '%Y-%m-%dT%H:%M%:z', seconds: '%Y-%m-%dT%H:%M:%S%:z', ns: '%Y-%m-%dT%H:%M:%S,%N%:z' }[spec] ?? '%Y-%m-%d';
    } else if (a.startsWith('+')) format = a.slice(1);
    else {
      sys.write(2, 'date: cannot set date: Operation not permitted\n');
      return 1;
    }
  }
  sys.write(1, `${formatDate(format, when ?? sys.time())}\n`);
  return 0;
}
