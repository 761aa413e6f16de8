/**
 * The diskfs SIGKILL loop shared by `npm run crashes` (test/fuzz/crashes.ts) and its quick form
 * in the test suite: run test/support/disk-writer.js (Keel with a diskfs at /data, fault_writer
 * appending and fsyncing records) in a child process, SIGKILL it at a random moment — after a
 * random number of acknowledged records, or a random time after the first — then, as the next
 * boot would: fsck the image untouched, mount it (replaying the journal) and read the file. The
 * file must hold records 0..M in order, whole, nothing else, with every acknowledged one there.
 * The next round appends from M+1 on the same image.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RECORD_BYTES, recordText } from './records.js';
import { checkImage, readImageFile } from './disk-image.js';

const writer = fileURLToPath(new URL('./disk-writer.js', import.meta.url));
const LANE = 7;
const ROUND_DEADLINE_MS = 60_000;

export interface CrashTally {
  kills: number;
  acked: number;
  recordsOnDisk: number;
  lost: number;
  /** Bytes in the file that are not the next whole record (torn or foreign data). */
  garbage: number;
  fsckErrors: string[];
  /** Committed transactions the killed system left in the journal, replayed at the next mount. */
  replayed: number;
  /** Rounds in which the writer acknowledged nothing before its deadline. */
  stuck: number;
}

/** One child run, killed when `kill` says so; the highest acknowledged record (or first-1). */
function runOnce(image: string, first: number, killAfterAcks: number, killAfterMs: number): Promise<{ lastAck: number; stuck: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, image, String(LANE), String(first), '100000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = first - 1, acks = 0, buffer = '', stderr = '', killed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const deadline = setTimeout(kill, ROUND_DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^ack (\d+)$/.exec(line);
        if (!m) continue;
        lastAck = Math.max(lastAck, Number(m[1]));
        acks++;
        if (acks === 1 && killAfterMs >= 0) timer = setTimeout(kill, killAfterMs);
        if (killAfterMs < 0 && acks >= killAfterAcks) kill();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(timer);
      if (!killed) reject(new Error(`the writer ended by itself (code ${code}, signal ${signal}): ${stderr}`));
      else resolve({ lastAck, stuck: acks === 0 });
    });
  });
}

/** Check the file after a crash; returns how many whole records it holds. */
function verify(image: string, lastAck: number, tally: CrashTally): number {
  const report = checkImage(image);
  tally.fsckErrors.push(...report.errors);
  tally.replayed += report.pendingTransactions;
  const data = readImageFile(image, '/records.log') ?? new Uint8Array(0);
  const text = new TextDecoder('latin1').decode(data);
  let whole = 0;
  while ((whole + 1) * RECORD_BYTES <= text.length && text.slice(whole * RECORD_BYTES, (whole + 1) * RECORD_BYTES) === recordText(LANE, whole)) whole++;
  tally.garbage += data.length - whole * RECORD_BYTES;
  if (lastAck >= whole) tally.lost += lastAck - whole + 1;
  tally.recordsOnDisk = whole;
  return whole;
}

export async function crashLoop(image: string, kills: number, rng: () => number, onRound?: (round: number, t: CrashTally) => void): Promise<CrashTally> {
  const tally: CrashTally = { kills: 0, acked: 0, recordsOnDisk: 0, lost: 0, garbage: 0, fsckErrors: [], replayed: 0, stuck: 0 };
  let first = 0;
  for (let round = 0; round < kills; round++) {
    // Half the rounds die after 1-60 acknowledged records, half 0-300 ms after the first one.
    const byAcks = rng() < 0.5;
    const r = await runOnce(image, first, byAcks ? 1 + Math.floor(rng() * 60) : 0, byAcks ? -1 : Math.floor(rng() * 300));
    tally.kills++;
    if (r.stuck) tally.stuck++;
    tally.acked += Math.max(0, r.lastAck - first + 1);
    first = verify(image, r.lastAck, tally);
    onRound?.(round, tally);
  }
  return tally;
}
