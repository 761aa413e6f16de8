/**
 * The terminal line discipline on its own: keystrokes in, echo and reader data out. Editing
 * (backspace, cursor moves, ^U, ^W, delete), history with up/down, ^C, ^D and raw mode.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { LineDiscipline } from '../../src/services/console/line-discipline.js';

function rig() {
  const lines: (string | null)[] = [];
  let echo = '';
  let interrupts = 0, suspends = 0;
  const ld = new LineDiscipline({
    echo: (t) => { echo += t; },
    deliver: (d) => { lines.push(d === null ? null : new TextDecoder().decode(d)); },
    interrupt: () => { interrupts++; },
    suspend: () => { suspends++; },
  });
  const type = (s: string): void => ld.input(new TextEncoder().encode(s));
  return { ld, lines, type, echo: () => echo, counts: () => ({ interrupts, suspends }) };
}

const UP = '\x1b[A', DOWN = '\x1b[B', LEFT = '\x1b[D', RIGHT = '\x1b[C';

test('a line is delivered with its newline only at Enter, and echoed', () => {
  const r = rig();
  r.type('echo hi');
  assert.deepEqual(r.lines, []);
  r.type('\r');
  assert.deepEqual(r.lines, ['echo hi\n']);
  assert.ok(r.echo().startsWith('echo hi'));
});

test('backspace, cursor moves, delete, ^U and ^W edit the line', () => {
  const r = rig();
  r.type('helo\x7f\x7flo\r');                 // helo → he → helo
  r.type(`ac${LEFT}b\r`);                      // insert in the middle
  r.type(`abc${LEFT}${LEFT}\x1b[3~\r`);         // delete under the cursor
  r.type('junk\x15ok\r');                      // ^U kills the line
  r.type('one two\x17three\r');                // ^W kills a word
  r.type(`xy\x01z\x05!\r`);                    // ^A home, ^E end
  r.type(`a${LEFT}${LEFT}${RIGHT}${RIGHT}b\r`); // moves clamp at both ends
  assert.deepEqual(r.lines, ['helo\n', 'abc\n', 'ac\n', 'ok\n', 'one three\n', 'zxy!\n', 'ab\n']);
});

test('up and down walk the history; the line being typed comes back', () => {
  const r = rig();
  r.type('first\r');
  r.type('second\r');
  r.type(`draft${UP}${UP}\r`);
  r.type(`${UP}${UP}${UP}${DOWN}\r`);
  r.type(`typing${UP}${DOWN}\r`);
  assert.deepEqual(r.lines, ['first\n', 'second\n', 'first\n', 'second\n', 'typing\n']);
  assert.deepEqual(r.ld.entries(), ['first', 'second', 'first', 'second', 'typing'].filter((x, i, a) => a[i - 1] !== x));
});

test('^C discards the line and interrupts; ^Z asks to suspend', () => {
  const r = rig();
  r.type('half a command\x03');
  r.type('next\r');
  r.type('x\x1a');
  assert.deepEqual(r.lines, ['next\n']);
  assert.deepEqual(r.counts(), { interrupts: 1, suspends: 1 });
  assert.ok(r.echo().includes('^C\n'));
});

test('^D: end of input on an empty line, else the line without a newline', () => {
  const r = rig();
  r.type('\x04');
  r.type('partial\x04');
  assert.deepEqual(r.lines, [null, 'partial']);
});

test('raw mode passes bytes through untouched and echoes nothing', () => {
  const r = rig();
  r.ld.raw = true;
  r.type('a\x03\x7f\r');
  assert.deepEqual(r.lines, ['a\x03\x7f\r']);
  assert.equal(r.echo(), '');
  assert.deepEqual(r.counts(), { interrupts: 0, suspends: 0 });
});

test('multi-byte characters split across chunks are one character', () => {
  const r = rig();
  const bytes = new TextEncoder().encode('é€\r');
  for (const b of bytes) r.ld.input(new Uint8Array([b]));
  r.type('ab€\x7f\r');
  assert.deepEqual(r.lines, ['é€\n', 'ab\n']);
});
