/**
 * The records programs/c/fault_writer.c appends, recomputed here so the fault and crash checkers
 * can tell which acknowledged records a file still holds, byte for byte. Keep in step with the C.
 */

export const RECORD_BYTES = 64;
const PAYLOAD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';

function checksum(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h >>> 0;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** The 64 bytes of record `seq` of `lane`, as fault_writer writes them. */
export function recordText(lane: number, seq: number): string {
  let x = (Math.imul(lane, 2654435761) ^ Math.imul(seq, 40503)) >>> 0;
  let payload = '';
  for (let i = 0; i < 39; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    payload += PAYLOAD_CHARS[(x >>> 16) % 40];
  }
  const head = `R${hex(lane & 0xffff, 4)}:${hex(seq, 8)}:${payload}:`;
  return `${head}${hex(checksum(head), 8)}\n`;
}

/** The sequence numbers of the correct records of `lane` found anywhere in `data`. */
export function recordsIn(data: Uint8Array, lane: number): Set<number> {
  const text = new TextDecoder('latin1').decode(data);
  const found = new Set<number>();
  const prefix = `R${hex(lane & 0xffff, 4)}:`;
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
    const seq = parseInt(text.slice(at + 6, at + 14), 16);
    if (Number.isSafeInteger(seq) && text.slice(at, at + RECORD_BYTES) === recordText(lane, seq)) found.add(seq);
  }
  return found;
}

/** The acknowledged sequence numbers in fault_writer's stdout ("ack N" means every record up to N). */
export function acknowledged(stdout: string, first: number): number[] {
  let last = first - 1;
  for (const m of stdout.matchAll(/^ack (\d+)$/gm)) last = Math.max(last, Number(m[1]));
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
