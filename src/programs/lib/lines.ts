/**
 * Streaming the lines of an fd for the text utilities: decoded as UTF-8 across chunk boundaries,
 * without their newlines; a final line without a newline is included.
 */

import type { Sys } from '../../sys/sys.js';
import { decodeText } from '../../abi/text-codec.js';

export function* lines(sys: Sys, fd: number): Generator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for (;;) {
    const chunk = sys.read(fd);
    if (chunk.length === 0) break;
    const parts = (rest + decodeText(decoder, chunk, { stream: true })).split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}
