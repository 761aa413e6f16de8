/**
 * The one error type the system and the library throw: a code a program can switch on (BOOT,
 * SPAWN, NO_MEMORY, NOT_FOUND, BAD_OPTION, …) and a message a person can read.
 */

export class KeelError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
