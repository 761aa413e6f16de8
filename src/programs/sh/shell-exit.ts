/**
 * How the evaluator unwinds: each is thrown and caught where the shell language says the
 * control goes (never through a program's main).
 * - ShellExit: `exit`, a fatal error in a non-interactive shell, `set -e`; caught at the top,
 *   where the EXIT trap runs.
 * - ShellError: an error the shell reports as `NAME: LINE: message` (an expansion error such as
 *   ${x?}, `set -u`, a special builtin's usage error); a non-interactive shell then exits with
 *   `status`, an interactive one goes on with the next command.
 * - LoopControl: `break N` / `continue N`, caught by the enclosing loops.
 * - FunctionReturn: `return N`, caught by the function call (or `.`).
 */

export class ShellExit {
  constructor(readonly code: number) {}
}

export class ShellError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
  }
}

export class LoopControl {
  constructor(readonly levels: number, readonly isContinue: boolean) {}
}

export class FunctionReturn {
  constructor(readonly status: number) {}
}
