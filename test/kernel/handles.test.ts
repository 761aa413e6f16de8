/**
 * Unit tests of handles and the derivation tree: generations, per-process tables, duplicate and
 * its rights/badge rules, revoke across processes, re-parenting on close, and the projection of
 * each table entry into the IPC arena.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { HandleWord, ObjectWord } from '../../src/ipc/arena.js';
import { handleGeneration, handleIndex } from '../../src/abi/handle.js';
import { ObjectType } from '../../src/abi/object-type.js';
import { ALL_RIGHTS, Right, type Rights } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';
import { makeKernel, mesh, must, publishedEntry, rootPid, transferOne } from './kernel-fixture.js';

const NOTIFY_RIGHTS = Right.SIGNAL | Right.WAIT | Right.DUPLICATE | Right.TRANSFER | Right.MANAGE;

test('a closed handle stays BAD_HANDLE after its entry is reused (generation)', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const first = must(kernel.notificationCreate(a));
  assert.equal(kernel.close(a, first), Status.OK);
  assert.equal(kernel.info(a, first).status, Status.BAD_HANDLE);

  const second = must(kernel.notificationCreate(a));
  assert.equal(handleIndex(second), handleIndex(first), 'the freed entry is reused');
  assert.notEqual(handleGeneration(second), handleGeneration(first));
  assert.equal(kernel.info(a, first).status, Status.BAD_HANDLE, 'old value must not name the new occupant');
  assert.equal(kernel.close(a, first), Status.BAD_HANDLE);
  assert.equal(kernel.notificationSignal(a, first, 1), Status.BAD_HANDLE);

  // Many reuses of one entry: every earlier value stays dead.
  const values = [first, second];
  assert.equal(kernel.close(a, second), Status.OK);
  for (let i = 0; i < 50; i++) {
    const h = must(kernel.notificationCreate(a));
    assert.equal(handleIndex(h), handleIndex(first));
    for (const old of values) assert.equal(kernel.info(a, old).status, Status.BAD_HANDLE);
    values.push(h);
    assert.equal(kernel.close(a, h), Status.OK);
  }
  assert.equal(new Set(values).size, values.length, 'every reuse gives a fresh value');
});

test('malformed and never-made handle values are BAD_HANDLE', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const live = must(kernel.notificationCreate(a));
  assert.equal(live, 1 << 12, 'first handle: index 0, generation 1');
  // Around it: generation 0, a later generation of the same entry, an entry never used.
  for (const v of [0, -1, 1.5, Number.NaN, 2 ** 31, 2 ** 40, 4095, (2 << 12) | 0, (1 << 12) | 1]) {
    assert.equal(kernel.info(a, v).status, Status.BAD_HANDLE, `value ${v}`);
  }
});

test('handle values of one process never reach its objects from another process', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const b = rootPid(kernel, 'b');
  const ha = must(kernel.notificationCreate(a));
  const objA = must(kernel.info(a, ha)).object;

  // B has nothing at that index yet.
  assert.equal(kernel.info(b, ha).status, Status.BAD_HANDLE);
  assert.equal(kernel.notificationSignal(b, ha, 1), Status.BAD_HANDLE);
  assert.equal(kernel.close(b, ha), Status.BAD_HANDLE);
  assert.equal(kernel.revoke(b, ha), Status.BAD_HANDLE);
  assert.equal(kernel.duplicate(b, ha, 0).status, Status.BAD_HANDLE);

  // B makes its own object in the same entry: the value may name it, never A's.
  const hb = must(kernel.notificationCreate(b));
  assert.equal(handleIndex(hb), handleIndex(ha));
  const seen = kernel.info(b, ha);
  if (seen.status === Status.OK) assert.equal(seen.value.object, must(kernel.info(b, hb)).object);
  else assert.equal(seen.status, Status.BAD_HANDLE);
  assert.notEqual(must(kernel.info(b, hb)).object, objA);

  // Whatever B does with A's value leaves A's notification untouched.
  kernel.notificationSignal(b, ha, 4);
  assert.equal(kernel.notificationPoll(a, ha, -1).status, Status.SHOULD_WAIT, "A's notification was signalled through B");
  kernel.close(b, ha);
  assert.equal(must(kernel.info(a, ha)).object, objA, "A's handle survived B's close");
});

test('duplicate: wider or unknown rights are INVALID_ARGS, no DUPLICATE right is ACCESS_DENIED', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  assert.equal(must(kernel.info(a, n)).rights, NOTIFY_RIGHTS);

  const weak = must(kernel.duplicate(a, n, Right.SIGNAL | Right.DUPLICATE));
  assert.equal(must(kernel.info(a, weak)).rights, Right.SIGNAL | Right.DUPLICATE);
  assert.equal(kernel.duplicate(a, weak, Right.SIGNAL | Right.DUPLICATE | Right.WAIT).status, Status.INVALID_ARGS);
  assert.equal(kernel.duplicate(a, n, Right.READ).status, Status.INVALID_ARGS, 'READ was never held');
  assert.equal(kernel.duplicate(a, n, 256).status, Status.INVALID_ARGS, 'unknown right bit');
  assert.equal(kernel.duplicate(a, n, -1).status, Status.INVALID_ARGS);
  assert.equal(kernel.duplicate(a, n, 1.5).status, Status.INVALID_ARGS);
  assert.equal(kernel.duplicate(a, n, ALL_RIGHTS).status, Status.INVALID_ARGS);

  const noDup = must(kernel.duplicate(a, n, Right.SIGNAL));
  assert.equal(kernel.duplicate(a, noDup, Right.SIGNAL).status, Status.ACCESS_DENIED);
  assert.equal(kernel.duplicate(a, noDup, Right.NONE).status, Status.ACCESS_DENIED);

  // Same rights and fewer rights are fine; an empty rights set is a valid (useless) handle.
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, n, NOTIFY_RIGHTS as Rights)))).rights, NOTIFY_RIGHTS);
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, n, Right.NONE)))).rights, 0);
});

test('duplicate: a badge is minted only on an unbadged source', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  assert.equal(must(kernel.info(a, n)).badge, 0);

  const badged = must(kernel.duplicate(a, n, NOTIFY_RIGHTS as Rights, 7));
  assert.equal(must(kernel.info(a, badged)).badge, 7);
  assert.equal(kernel.duplicate(a, badged, NOTIFY_RIGHTS as Rights, 8).status, Status.ACCESS_DENIED, 're-badge');
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, badged, Right.SIGNAL, 7)))).badge, 7, 'same badge');
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, badged, Right.SIGNAL, 0)))).badge, 7, '0 keeps the badge');
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, badged, Right.SIGNAL)))).badge, 7, 'default keeps the badge');

  // Badges as large as 2^53-1 survive exactly; negative, fractional and unsafe ones are refused.
  const big = Number.MAX_SAFE_INTEGER;
  assert.equal(must(kernel.info(a, must(kernel.duplicate(a, n, Right.SIGNAL, big)))).badge, big);
  for (const bad of [-1, 0.5, 2 ** 53, Number.NaN]) {
    assert.equal(kernel.duplicate(a, n, Right.SIGNAL, bad).status, Status.INVALID_ARGS, `badge ${bad}`);
  }
});

test('revoke removes children and grandchildren in every process and keeps the revoked handle', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 3);
  const [p0, p1, p2] = m.pids as [number, number, number];
  const root = must(kernel.notificationCreate(p0));
  const sibling = must(kernel.notificationCreate(p0)); // another object: untouched by the revoke
  const siblingChild = must(kernel.duplicate(p0, sibling, Right.SIGNAL | Right.TRANSFER));

  const child0 = must(kernel.duplicate(p0, root, Right.SIGNAL | Right.WAIT));
  const toMove = must(kernel.duplicate(p0, root, NOTIFY_RIGHTS as Rights, 3));
  const in1 = transferOne(fx, m, 0, 1, toMove);
  const grand1 = must(kernel.duplicate(p1, in1, Right.SIGNAL | Right.DUPLICATE | Right.TRANSFER));
  const grandIn2 = transferOne(fx, m, 1, 2, grand1);
  const great2 = must(kernel.duplicate(p2, grandIn2, Right.SIGNAL));
  const siblingIn2 = transferOne(fx, m, 0, 2, siblingChild);

  for (const [pid, h] of [[p0, child0], [p1, in1], [p2, grandIn2], [p2, great2]] as const) {
    assert.equal(kernel.info(pid, h).status, Status.OK);
  }
  assert.equal(kernel.revoke(p0, root), Status.OK);
  for (const [pid, h] of [[p0, child0], [p1, in1], [p2, grandIn2], [p2, great2]] as const) {
    assert.equal(kernel.info(pid, h).status, Status.BAD_HANDLE, `pid ${pid} handle ${h} survived revoke`);
  }
  assert.equal(must(kernel.info(p0, root)).rights, NOTIFY_RIGHTS, 'revoked handle itself stays');
  assert.equal(kernel.notificationSignal(p0, root, 1), Status.OK);
  assert.equal(kernel.info(p0, sibling).status, Status.OK);
  assert.equal(kernel.info(p2, siblingIn2).status, Status.OK);
  assert.equal(kernel.revoke(p0, root), Status.OK, 'revoking with no descendants is fine');
});

test('revoke of a middle node leaves its ancestors and siblings', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const root = must(kernel.notificationCreate(a));
  const left = must(kernel.duplicate(a, root, NOTIFY_RIGHTS as Rights));
  const right = must(kernel.duplicate(a, root, NOTIFY_RIGHTS as Rights));
  const leftKid = must(kernel.duplicate(a, left, Right.SIGNAL));
  const rightKid = must(kernel.duplicate(a, right, Right.SIGNAL));
  assert.equal(kernel.revoke(a, left), Status.OK);
  assert.equal(kernel.info(a, leftKid).status, Status.BAD_HANDLE);
  for (const h of [root, left, right, rightKid]) assert.equal(kernel.info(a, h).status, Status.OK);
});

test('closing a middle node re-parents its children, so revoking the root still reaches them', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const root = must(kernel.notificationCreate(p0));
  const middle = must(kernel.duplicate(p0, root, NOTIFY_RIGHTS as Rights));
  const kid = must(kernel.duplicate(p0, middle, Right.SIGNAL | Right.TRANSFER | Right.DUPLICATE));
  const kidKid = must(kernel.duplicate(p0, kid, Right.SIGNAL | Right.TRANSFER));
  const moved = transferOne(fx, m, 0, 1, kidKid);
  assert.equal(kernel.close(p0, middle), Status.OK);
  assert.equal(kernel.info(p0, kid).status, Status.OK, 'closing a node leaves its children');
  assert.equal(kernel.info(p1, moved).status, Status.OK);
  assert.equal(kernel.revoke(p0, root), Status.OK);
  assert.equal(kernel.info(p0, kid).status, Status.BAD_HANDLE);
  assert.equal(kernel.info(p1, moved).status, Status.BAD_HANDLE);
  assert.equal(kernel.info(p0, root).status, Status.OK);
});

test('the object lives until its last handle goes, whichever handle that is', () => {
  const { kernel } = makeKernel();
  const a = rootPid(kernel, 'a');
  const before = kernel.objectCounts().notification ?? 0;
  const root = must(kernel.notificationCreate(a));
  const kid = must(kernel.duplicate(a, root, Right.WAIT));
  assert.equal(kernel.close(a, root), Status.OK);
  assert.equal(kernel.objectCounts().notification, before + 1, 'kid keeps the object');
  assert.equal(kernel.info(a, kid).status, Status.OK);
  assert.equal(kernel.close(a, kid), Status.OK);
  assert.equal(kernel.objectCounts().notification ?? 0, before);
});

test('the arena projection of a handle entry matches the kernel after install and remove', () => {
  const { kernel, arena } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  const badged = must(kernel.duplicate(a, n, Right.SIGNAL | Right.WAIT, 2 ** 40 + 3));
  const mem = must(kernel.memoryCreate(a, 64));
  const [c0] = must(kernel.channelCreate(a));

  for (const h of [n, badged, mem, c0]) {
    const info = must(kernel.info(a, h));
    const e = publishedEntry(arena, a, handleIndex(h));
    assert.equal(e.tag, (handleGeneration(h) << 1) | 1, 'tag: generation and live bit');
    assert.equal(e.type, info.type);
    assert.equal(e.rights, info.rights);
    assert.equal(e.object, info.object);
    assert.equal(e.badge, info.badge);
  }
  assert.equal(publishedEntry(arena, a, handleIndex(badged)).badge, 2 ** 40 + 3, 'badge is a float64 at word 4');
  const w = arena.handleWord(a, handleIndex(badged));
  assert.equal(arena.f64[(w + HandleWord.BADGE) / 2], 2 ** 40 + 3);
  assert.equal(publishedEntry(arena, a, handleIndex(mem)).type, ObjectType.MEMORY);
  assert.equal(publishedEntry(arena, a, handleIndex(c0)).type, ObjectType.CHANNEL);

  // Remove: the live bit goes, the generation stays; a reinstall publishes the new generation.
  assert.equal(kernel.close(a, badged), Status.OK);
  const closed = publishedEntry(arena, a, handleIndex(badged));
  assert.equal(closed.tag & 1, 0, 'live bit cleared on close');
  assert.equal(closed.tag >> 1, handleGeneration(badged));
  const again = must(kernel.duplicate(a, n, Right.WAIT, 9));
  assert.equal(handleIndex(again), handleIndex(badged));
  const e = publishedEntry(arena, a, handleIndex(again));
  assert.equal(e.tag, (handleGeneration(again) << 1) | 1);
  assert.equal(e.rights, Right.WAIT);
  assert.equal(e.badge, 9);

  // Revoke clears the live bit of descendants in whichever table they sit.
  const kid = must(kernel.duplicate(a, n, Right.WAIT));
  assert.equal(kernel.revoke(a, n), Status.OK);
  assert.equal(publishedEntry(arena, a, handleIndex(kid)).tag & 1, 0);
  assert.equal(publishedEntry(arena, a, handleIndex(again)).tag & 1, 0);
  assert.equal(publishedEntry(arena, a, handleIndex(n)).tag & 1, 1);
});

test('the arena projection follows a handle moved to another process', () => {
  const fx = makeKernel();
  const { kernel, arena } = fx;
  const m = mesh(fx, 2);
  const [p0, p1] = m.pids as [number, number];
  const n = must(kernel.notificationCreate(p0));
  const badged = must(kernel.duplicate(p0, n, Right.SIGNAL | Right.TRANSFER, 11));
  const obj = must(kernel.info(p0, n)).object;
  const moved = transferOne(fx, m, 0, 1, badged);
  assert.equal(publishedEntry(arena, p0, handleIndex(badged)).tag & 1, 0, 'sender entry no longer live');
  const e = publishedEntry(arena, p1, handleIndex(moved));
  assert.equal(e.tag, (handleGeneration(moved) << 1) | 1);
  assert.equal(e.object, obj);
  assert.equal(e.rights, Right.SIGNAL | Right.TRANSFER);
  assert.equal(e.badge, 11);
  assert.equal(e.type, ObjectType.NOTIFICATION);
});

test("an object's arena record is cleared when its last handle goes", () => {
  const { kernel, arena } = makeKernel();
  const a = rootPid(kernel, 'a');
  const n = must(kernel.notificationCreate(a));
  const mem = must(kernel.memoryCreate(a, 8));
  const [c0, c1] = must(kernel.channelCreate(a));
  const typeOf = (h: number): number => Atomics.load(arena.i32, arena.objectWord(must(kernel.info(a, h)).object) + ObjectWord.TYPE);
  const records = [n, mem, c0, c1].map((h) => ({ h, word: arena.objectWord(must(kernel.info(a, h)).object) }));
  assert.deepEqual([n, mem, c0, c1].map(typeOf), [ObjectType.NOTIFICATION, ObjectType.MEMORY, ObjectType.CHANNEL, ObjectType.CHANNEL]);
  assert.equal(arena.i32[records[2]!.word + ObjectWord.PEER], must(kernel.info(a, c1)).object, 'endpoint record names its peer');
  const dup = must(kernel.duplicate(a, n, Right.WAIT));
  assert.equal(kernel.close(a, n), Status.OK);
  assert.equal(Atomics.load(arena.i32, records[0]!.word + ObjectWord.TYPE), ObjectType.NOTIFICATION, 'a duplicate keeps it');
  for (const h of [dup, mem, c0]) assert.equal(kernel.close(a, h), Status.OK);
  assert.equal(Atomics.load(arena.i32, records[0]!.word + ObjectWord.TYPE), ObjectType.NONE);
  assert.equal(Atomics.load(arena.i32, records[1]!.word + ObjectWord.TYPE), ObjectType.NONE);
  assert.equal(Atomics.load(arena.i32, records[2]!.word + ObjectWord.TYPE), ObjectType.NONE);
  assert.equal(arena.i32[records[3]!.word + ObjectWord.PEER], 0, 'the surviving endpoint no longer names a peer');
  assert.equal(Atomics.load(arena.i32, records[3]!.word + ObjectWord.TYPE), ObjectType.CHANNEL);
});

test('revoke needs the MANAGE right, as rights.ts documents', () => {
  const fx = makeKernel();
  const { kernel } = fx;
  const m = mesh(fx, 3);
  const [p0, p1, p2] = m.pids as [number, number, number];
  const n = must(kernel.notificationCreate(p0));
  const given = must(kernel.duplicate(p0, n, Right.SIGNAL | Right.TRANSFER | Right.DUPLICATE));
  const third = must(kernel.duplicate(p0, given, Right.SIGNAL | Right.TRANSFER)); // p0 derives it before giving `given` away
  const inP2 = transferOne(fx, m, 0, 2, third);
  const inP1 = transferOne(fx, m, 0, 1, given); // p1 gets a handle without MANAGE
  assert.equal(kernel.revoke(p1, inP1), Status.ACCESS_DENIED, 'a holder without MANAGE revoked what others derived');
  assert.equal(kernel.info(p2, inP2).status, Status.OK);
});
