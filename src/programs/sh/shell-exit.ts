/** Thrown by the `exit` builtin to unwind the interpreter to the top level with a status. */
export class ShellExit {
  constructor(readonly code: number) {}
}
