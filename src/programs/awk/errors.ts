/** The error an awk program stops with at run time (bin/awk.ts prints it; status 2). */

export class AwkRuntimeError extends Error {
  /** `awk: run time error: …` (else just `awk: …`, as mawk says `cannot open`). */
  constructor(message: string, readonly runTime = true) {
    super(message);
  }
}
