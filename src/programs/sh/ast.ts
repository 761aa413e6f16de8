/**
 * The syntax tree of Keel's shell language (POSIX.1-2017 XCU chapter 2), as the parser builds it
 * and the evaluator walks it. Plain data only (no classes, no cycles): a subshell's tree travels
 * to the child shell as JSON (subshell.ts).
 *
 * Words keep their quoting: a Word is a list of parts, and what each part is decides how it
 * expands — unquoted literal text may be a pattern (globbing, `case`) but is never split; quoted
 * text is neither; what a parameter, command substitution or arithmetic expansion produces is
 * split and globbed only outside double quotes (`dq`).
 *
 * Every command carries the line it starts on (LINENO, and the line in error messages).
 */

export type WordPart =
  /** Unquoted literal text (may contain glob characters, which stay active). */
  | { readonly kind: 'lit'; readonly text: string }
  /** Quoted literal text: from '…', a backslash escape, or plain text inside "…". */
  | { readonly kind: 'quoted'; readonly text: string }
  /** "…": what is inside expands without field splitting or globbing. */
  | { readonly kind: 'dq'; readonly parts: readonly WordPart[] }
  | ParamPart
  | { readonly kind: 'cmdsub'; readonly body: List; readonly backquote: boolean }
  /** $(( … )): the expression's text expands first, then is evaluated. */
  | { readonly kind: 'arith'; readonly expr: Word };

/** The operators of ${NAME OP WORD}; 'len' is ${#NAME}. */
export type ParamOp = '-' | '=' | '?' | '+' | '%' | '%%' | '#' | '##' | 'len';

export interface ParamPart {
  readonly kind: 'param';
  /** A variable name, a positional number, or one of @ * # ? - $ ! 0. */
  readonly name: string;
  readonly op: ParamOp | null;
  /** `:-` `:=` `:?` `:+`: the word is used when the parameter is unset *or empty*. */
  readonly colon: boolean;
  readonly arg: Word | null;
}

export interface Word { readonly parts: readonly WordPart[] }

export interface Assignment { readonly name: string; readonly value: Word }

export type RedirectOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-';

export interface Redirect {
  /** The fd redirected (the default for the operator when no IO number was written). */
  readonly fd: number;
  readonly op: RedirectOp;
  /** The file, the fd to duplicate, or a here-document's delimiter as written. */
  readonly target: Word;
  /** A here-document's body (set when the line ending the command has been read). */
  heredoc?: HereDoc;
}

export interface HereDoc {
  /** The body; with a quoted delimiter it is one quoted part and nothing in it expands. */
  readonly body: Word;
}

export interface SimpleCommand {
  readonly kind: 'simple';
  readonly line: number;
  readonly assigns: readonly Assignment[];
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

interface CompoundBase { readonly line: number; readonly redirects: readonly Redirect[] }

export interface Group extends CompoundBase { readonly kind: 'group'; readonly body: List }
export interface Subshell extends CompoundBase { readonly kind: 'subshell'; readonly body: List }
export interface IfCommand extends CompoundBase {
  readonly kind: 'if';
  readonly clauses: readonly { readonly cond: List; readonly body: List }[];
  readonly otherwise: List | null;
}
export interface LoopCommand extends CompoundBase {
  readonly kind: 'while' | 'until';
  readonly cond: List;
  readonly body: List;
}
export interface ForCommand extends CompoundBase {
  readonly kind: 'for';
  readonly name: string;
  /** null: `for NAME do …` iterates over "$@". */
  readonly words: readonly Word[] | null;
  readonly body: List;
}
export interface CaseItem { readonly patterns: readonly Word[]; readonly body: List | null }
export interface CaseCommand extends CompoundBase {
  readonly kind: 'case';
  readonly word: Word;
  readonly items: readonly CaseItem[];
}
export interface FunctionDefinition {
  readonly kind: 'function';
  readonly line: number;
  readonly name: string;
  readonly body: CompoundCommand;
}

export type CompoundCommand = Group | Subshell | IfCommand | LoopCommand | ForCommand | CaseCommand;
export type Command = SimpleCommand | CompoundCommand | FunctionDefinition;

export interface Pipeline {
  readonly negated: boolean;
  readonly commands: readonly Command[];
}

export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}

export interface ListItem { readonly andOr: AndOr; readonly background: boolean }
export interface List { readonly items: readonly ListItem[] }
