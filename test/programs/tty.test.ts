/**
 * `keel boot` on a real terminal (a pty): the prompt, typing with echo and editing, a pipeline,
 * ^C interrupting a running `sleep` (and only it: the shell lives on, $? is 130), ^Z stopping a
 * job that `jobs` then lists and `fg` continues, history with the up arrow, and ^D ending the
 * session.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { PtySession } from '../support/pty.js';

const keelBin = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));

test('an interactive session on a terminal: pipeline, ^C, ^Z and fg, history, ^D', async () => {
  const pty = new PtySession([process.execPath, keelBin, 'boot']);
  try {
    await pty.expect('keel:/home$ ');
    pty.type('echo hi | wc -c\r');
    assert.match(await pty.expect('keel:/home$ '), /echo hi \| wc -c\r?\n3\r?\n/);

    // Editing: type, erase two characters, fix the word.
    pty.type('echo helXX\x7f\x7flo\r');
    assert.match(await pty.expect('keel:/home$ '), /\r?\nhello\r?\n/);

    // ^C reaches the foreground job. A ^C sent before the shell has handed the terminal to the
    // job reaches nobody, so it is repeated (bounded) until the prompt is back.
    const started = Date.now();
    pty.type('sleep 30\r');
    await pty.expect('sleep 30');
    let back = false;
    for (let i = 0; i < 20 && !back; i++) {
      pty.type('\x03');
      back = await pty.sees('keel:/home$ ', 500);
    }
    assert.ok(back, 'the prompt came back after ^C');
    assert.ok(Date.now() - started < 20_000, 'sleep was interrupted, not waited out');
    pty.type('echo "status $?"\r');
    await pty.expect('status 130');
    await pty.expect('keel:/home$ ');

    // History: up arrow recalls the previous line.
    pty.type('echo recalled\r');
    await pty.expect('keel:/home$ ');
    pty.type('\x1b[A\r');
    assert.match(await pty.expect('keel:/home$ '), /echo recalled(\x1b\[K)?\r?\nrecalled\r?\n/);

    // ^Z stops the foreground job (repeated, bounded, as ^C above); jobs lists it; fg continues it.
    pty.type('sleep 30\r');
    await pty.expect('sleep 30');
    let stopped = false;
    for (let i = 0; i < 20 && !stopped; i++) {
      pty.type('\x1a');
      stopped = await pty.sees('Stopped', 500);
    }
    assert.ok(stopped, 'the job was reported stopped');
    await pty.expect('keel:/home$ ');
    pty.type('jobs\r');
    assert.match(await pty.expect('keel:/home$ '), /\[1\]\+\s+Stopped\s+sleep 30/);
    pty.type('fg\r');
    await pty.expect('sleep 30');
    back = false;
    for (let i = 0; i < 20 && !back; i++) {
      pty.type('\x03');
      back = await pty.sees('keel:/home$ ', 500);
    }
    assert.ok(back, 'the continued job was interrupted');
    pty.type('echo "after fg $?"\r');
    await pty.expect('after fg 130');
    await pty.expect('keel:/home$ ');

    // ^D on an empty line ends the shell and Keel with the last status.
    pty.type('\x04');
    await pty.expect('exit');
    assert.equal(await pty.exited, 0);
  } finally {
    pty.kill();
  }
});
