/**
 * POSIX-style option parsing for the utilities: `-l -a`, `-la`, `-n 5`, `-n5`, `--` ends options,
 * a lone `-` is an operand (standard input). Long options (`--lines=5`, `--all`) map to the same
 * letters through `long`. Unknown options are errors with the message a utility prints.
 *
 *   const o = parseOptions(sys.args.slice(1), { flags: 'laR', values: 'n', long: { all: 'a' } });
 *   if (typeof o === 'string') → usage error; o.flags.has('l'); o.values.get('n'); o.operands
 */

export interface ParsedOptions {
  readonly flags: ReadonlySet<string>;
  /** Last value given for each value option. */
  readonly values: ReadonlyMap<string, string>;
  /** Every value given for each value option, in order (sort -k … -k …). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly operands: readonly string[];
}

export interface OptionSpec {
  /** Letters of options without a value. */
  readonly flags?: string;
  /** Letters of options that take a value. */
  readonly values?: string;
  /** Long names → letters. */
  readonly long?: Readonly<Record<string, string>>;
  /** Stop at the first operand (options after it are operands: `xargs`, `env`). */
  readonly stopAtOperand?: boolean;
}

/** Parse `args` (without argv[0]); an error message for an unknown option or a missing value. */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions | string {
  const flagLetters = spec.flags ?? '';
  const valueLetters = spec.values ?? '';
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const setValue = (letter: string, v: string): void => {
    values.set(letter, v);
    lists.set(letter, [...(lists.get(letter) ?? []), v]);
  };
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const letter = spec.long?.[name];
      if (letter === undefined) return `unrecognized option '--${name}'`;
      if (valueLetters.includes(letter)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) return `option '--${name}' requires an argument`;
        setValue(letter, v);
      } else flags.add(letter);
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (valueLetters.includes(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) return `option requires an argument -- '${c}'`;
          setValue(c, v);
          break;
        }
        if (!flagLetters.includes(c)) return `invalid option -- '${c}'`;
        flags.add(c);
      }
      continue;
    }
    operands.push(a);
    if (spec.stopAtOperand) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return { flags, values, lists, operands };
}
