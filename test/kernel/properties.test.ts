/**
 * Property-based tests of the capability invariants.
 *
 * fast-check generates sequences of operations over 4 processes joined pairwise by channels
 * (duplicate with random rights and badges, close, revoke, transfer by channel write/read,
 * create, spawn, exit, and probes with random or stale handle values). A CapModel follows what
 * the kernel reports, and after every step these must hold:
 *   (a) no widening: every live handle's rights ⊆ its recorded ancestors' and its object's;
 *   (b) after revoke(h), no value of a handle derived from h resolves anywhere; h still works;
 *   (c) a closed or foreign value reaches an object only if the process holds that very handle;
 *   (d) a failing operation leaves every table (and the object counts) as it was.
 * Plus the model's agreement with the published tables and the live object counts, and moves
 * only of handles that carry TRANSFER (see CapModel.check and `step`).
 *
 * A failure prints the shrunk operation list; paste it into `run([...])` to replay it.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeHandle } from '../../src/abi/handle.js';
import { ObjectType } from '../../src/abi/object-type.js';
import { ALL_RIGHTS, Right } from '../../src/abi/rights.js';
import { Status } from '../../src/abi/status.js';
import { CapModel, type Msg, type Rec } from './cap-model.js';
import { type Fixture, makeKernel, mesh, must, snapshotTables } from './kernel-fixture.js';

const MAX_PROCS = 7;

// ─── operations ───────────────────────────────────────────────────────────────

/**
 * How an operation names a handle: one the process holds (any; a recent one; a channel endpoint;
 * one with the TRANSFER right; one with live descendants; one between a live ancestor and live
 * descendants), a dead one, another process's, or any number. The narrower kinds make the
 * interesting interactions (revoking a tree spread over processes and messages, closing a middle
 * node) frequent enough to matter: without them a revoke almost never reaches another process.
 */
type Ref =
  | { readonly kind: 'live'; readonly n: number }
  | { readonly kind: 'endpoint'; readonly n: number }
  | { readonly kind: 'recent'; readonly n: number }
  | { readonly kind: 'movable'; readonly n: number }
  | { readonly kind: 'rooted'; readonly n: number }
  | { readonly kind: 'middle'; readonly n: number }
  | { readonly kind: 'dead'; readonly n: number }
  | { readonly kind: 'foreign'; readonly n: number }
  | { readonly kind: 'raw'; readonly v: number };

type Op =
  | { readonly op: 'dup'; readonly p: number; readonly ref: Ref; readonly narrow: boolean; readonly bits: number; readonly badge: number }
  | { readonly op: 'close'; readonly p: number; readonly ref: Ref }
  | { readonly op: 'revoke'; readonly p: number; readonly ref: Ref }
  | { readonly op: 'write'; readonly p: number; readonly ch: Ref; readonly refs: readonly Ref[] }
  | { readonly op: 'read'; readonly p: number; readonly ch: Ref }
  | { readonly op: 'create'; readonly p: number; readonly kind: 'notification' | 'memory' | 'channel' }
  | { readonly op: 'probe'; readonly p: number; readonly ref: Ref }
  | { readonly op: 'spawn'; readonly p: number; readonly refs: readonly Ref[] }
  | { readonly op: 'exit'; readonly p: number }
  /**
   * Macro: duplicate `depth` times, each from the last (keeping DUPLICATE on the way and TRANSFER if
   * the source has them), write the last one out, maybe read a message somewhere.
   */
  | { readonly op: 'delegate'; readonly p: number; readonly ref: Ref; readonly depth: number; readonly bits: number; readonly badge: number; readonly ch: Ref; readonly deliver: boolean };

const nth = (kind: 'live' | 'recent' | 'endpoint' | 'movable' | 'rooted' | 'middle' | 'dead' | 'foreign', max = 63): fc.Arbitrary<Ref> =>
  fc.nat(max).map((n): Ref => ({ kind, n }));

const refArb: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 10, arbitrary: nth('live') },
  { weight: 4, arbitrary: nth('recent', 2) },
  { weight: 3, arbitrary: nth('endpoint') },
  { weight: 4, arbitrary: nth('movable', 2) },
  { weight: 4, arbitrary: nth('rooted') },
  { weight: 2, arbitrary: nth('dead') },
  { weight: 2, arbitrary: nth('foreign') },
  { weight: 1, arbitrary: fc.tuple(fc.nat(24), fc.nat(6)).map(([i, g]): Ref => ({ kind: 'raw', v: makeHandle(i, g) })) },
  { weight: 1, arbitrary: fc.integer({ min: -2, max: 0x7fffffff }).map((v): Ref => ({ kind: 'raw', v })) },
);

/** Refs biased towards what each operation can use, with the whole range still reachable. */
const biased = (kind: Parameters<typeof nth>[0], weight: number, max = 63): fc.Arbitrary<Ref> =>
  fc.oneof({ weight, arbitrary: nth(kind, max) }, { weight: 2, arbitrary: refArb });
const channelRef = biased('endpoint', 8);
const movedRef = biased('movable', 6, 2);
const revokeRef = biased('rooted', 10);
const closeRef = biased('middle', 2);

/** Processes, biased towards p0 and p1 so that chains of operations on one tree are common. */
const proc = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.nat(MAX_PROCS - 1) });
const badgeArb = fc.constantFrom(0, 0, 1, 2, 2 ** 53 - 1);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('dup' as const), p: proc, ref: refArb, narrow: fc.boolean(), bits: fc.nat(ALL_RIGHTS), badge: badgeArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delegate' as const), p: proc, ref: refArb, depth: fc.integer({ min: 1, max: 3 }), bits: fc.nat(ALL_RIGHTS), badge: badgeArb, ch: channelRef, deliver: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('close' as const), p: proc, ref: closeRef }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('revoke' as const), p: proc, ref: revokeRef }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('write' as const), p: proc, ch: channelRef, refs: fc.array(movedRef, { maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), p: proc, ch: channelRef }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('create' as const), p: proc, kind: fc.constantFrom('notification' as const, 'memory' as const, 'channel' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('probe' as const), p: proc, ref: refArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('spawn' as const), p: proc, refs: fc.array(movedRef, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('exit' as const), p: proc }) },
);

// ─── running a sequence ───────────────────────────────────────────────────────

interface World {
  readonly fx: Fixture;
  readonly model: CapModel;
}

/** Four processes joined pairwise by channels, each with a notification and a memory object. */
function boot(): World {
  const fx = makeKernel();
  const m = mesh(fx, 4);
  for (const pid of m.pids) {
    must(fx.kernel.notificationCreate(pid));
    must(fx.kernel.memoryCreate(pid, 16));
  }
  const model = new CapModel(fx);
  for (const pid of m.pids) {
    model.addProc(pid);
    model.adoptTable(pid);
  }
  for (let i = 0; i < 4; i++) {
    for (let j = i + 1; j < 4; j++) {
      model.pair(model.at(m.pids[i]!, m.end(i, j))!, model.at(m.pids[j]!, m.end(j, i))!);
    }
  }
  model.check();
  return { fx, model };
}

/** The n-th of `recs` (cyclically), or a value naming nothing in particular when there are none. */
function pick(recs: Rec[], n: number): { value: number; rec?: Rec } {
  if (recs.length === 0) return { value: n + 1 };
  const rec = recs[n % recs.length]!;
  return { value: (rec.where as { h: number }).h, rec };
}

/** The value (and the model's record, if the process holds it) a Ref names in `pid`. */
function resolveRef(model: CapModel, pid: number, ref: Ref, filter: (r: Rec) => boolean = () => true): { value: number; rec?: Rec } {
  switch (ref.kind) {
    case 'live':
      return pick(model.liveIn(pid).filter(filter), ref.n);
    case 'recent':
      return pick(model.liveIn(pid).filter(filter).reverse(), ref.n);
    case 'endpoint':
      return pick(model.liveIn(pid).filter((r) => isChannel(r) && filter(r)), ref.n);
    case 'movable':
      return pick(model.liveIn(pid).filter((r) => (r.rights & Right.TRANSFER) !== 0 && filter(r)).reverse(), ref.n);
    case 'rooted': {
      // Handles with live descendants, those whose descendants reach outside this table first.
      const rooted = model.liveIn(pid).filter((r) => filter(r) && model.descendants(r).some((d) => d.where.kind !== 'dead'));
      const spread = rooted.filter((r) => model.descendants(r).some((d) => d.where.kind === 'transit' || (d.where.kind === 'table' && d.where.pid !== pid)));
      return pick(spread.length ? spread : rooted, ref.n);
    }
    case 'middle': {
      // Handles between a live ancestor and live descendants: closing one re-parents its children.
      const live = (r: Rec): boolean => r.where.kind !== 'dead';
      const middle = model.liveIn(pid).filter((r) => {
        let up = false;
        for (let a = r.parent; a && !up; a = a.parent) up = live(a);
        return up && filter(r) && model.descendants(r).some(live);
      });
      return pick(middle, ref.n);
    }
    case 'dead': {
      const all = model.procs.flatMap((p) => model.deadValues(p.pid));
      const value = all.length ? all[ref.n % all.length]! : ref.n;
      return { value, rec: model.at(pid, value) };
    }
    case 'foreign': {
      const others = model.procs.filter((p) => p.pid !== pid).flatMap((p) => model.liveIn(p.pid));
      if (others.length === 0) return { value: ref.n + 1 };
      const value = (others[ref.n % others.length]!.where as { h: number }).h;
      return { value, rec: model.at(pid, value) };
    }
    case 'raw':
      return { value: ref.v, rec: model.at(pid, ref.v) };
  }
}

const isChannel = (r: Rec): boolean => r.type === ObjectType.CHANNEL;

/** Run one operation against the kernel, update the model from its result, check (b), (c), (d). */
function step(w: World, op: Op): void {
  const { fx, model } = w;
  const { kernel } = fx;
  const p = model.procs[op.p % model.procs.length]!;
  let pid = p.pid;
  const before = snapshotTables(fx);
  const unchangedOnFailure = (status: number, what: string): void => {
    if (status !== Status.OK) assert.equal(snapshotTables(fx), before, `(d) failed ${what} (status ${status}) changed state`);
  };

  switch (op.op) {
    case 'dup': {
      const { value, rec } = resolveRef(model, pid, op.ref);
      const rights = op.narrow && rec ? op.bits & rec.rights : op.bits;
      const r = kernel.duplicate(pid, value, rights, op.badge);
      unchangedOnFailure(r.status, 'duplicate');
      if (r.status === Status.OK) {
        assert.ok(rec, `duplicate of value ${value} in pid ${pid} succeeded, but the process holds no such handle`);
        const made = model.place(pid, r.value, rec);
        assert.equal(made.rights, rights, 'duplicate gave other rights than asked');
        assert.equal(made.badge, op.badge || rec.badge, 'badge rule');
        assert.ok(rec.badge === 0 || op.badge === 0 || op.badge === rec.badge, 're-badged a badged handle');
      }
      break;
    }
    case 'close': {
      const { value, rec } = resolveRef(model, pid, op.ref);
      const status = kernel.close(pid, value);
      unchangedOnFailure(status, 'close');
      if (status === Status.OK) {
        assert.ok(rec, `close of value ${value} in pid ${pid} succeeded, but the process holds no such handle`);
        model.drop(rec);
      }
      break;
    }
    case 'revoke': {
      const { value, rec } = resolveRef(model, pid, op.ref);
      const status = kernel.revoke(pid, value);
      unchangedOnFailure(status, 'revoke');
      if (status === Status.OK) {
        assert.ok(rec, `revoke of value ${value} in pid ${pid} succeeded, but the process holds no such handle`);
        for (const d of model.descendants(rec)) model.drop(d);
        model.checkRevoked(rec, pid, value);
      }
      break;
    }
    case 'write': {
      const ch = resolveRef(model, pid, op.ch, isChannel);
      const moved = op.refs.map((ref) => resolveRef(model, pid, ref));
      const status = kernel.channelWrite(pid, ch.value, new Uint8Array([moved.length]), moved.map((x) => x.value));
      unchangedOnFailure(status, 'channel write');
      const endpoint = ch.rec ? model.objects.get(ch.rec.object)! : undefined;
      if (status === Status.PEER_CLOSED) assert.equal(endpoint?.peer, null, 'PEER_CLOSED but the model has the peer alive');
      if (status === Status.OK) {
        assert.ok(ch.rec && endpoint, `write through value ${ch.value} in pid ${pid} succeeded, but it holds no such handle`);
        assert.notEqual(endpoint.peer, null, 'write succeeded on a channel whose peer the model has closed');
        const recs = moved.map((x) => x.rec);
        assert.ok(recs.every((r) => r !== undefined), 'write moved a handle the process does not hold');
        assert.ok(recs.every((r) => (r.rights & Right.TRANSFER) !== 0), 'write moved a handle without TRANSFER');
        const msg: Msg = { caps: recs as Rec[] };
        model.objects.get(endpoint.peer!)!.queue.push(msg);
        for (const r of msg.caps) model.moveToTransit(r!, endpoint.peer!, msg);
      }
      break;
    }
    case 'read': {
      // A 'live' or 'endpoint' read goes where a message waits, if one does anywhere (else reads
      // would mostly find empty queues); other refs read through whatever value they name in `pid`.
      const waiting = model.procs.filter((q) => q.alive).flatMap((q) => model.liveIn(q.pid))
        .filter((r) => isChannel(r) && model.objects.get(r.object)!.queue.length > 0);
      if ((op.ch.kind === 'live' || op.ch.kind === 'endpoint') && waiting.length > 0) {
        const rec = waiting[op.ch.n % waiting.length]!;
        pid = (rec.where as { pid: number }).pid;
      }
      const ch = resolveRef(model, pid, op.ch, (r) => isChannel(r) && (waiting.length === 0 || waiting.includes(r)));
      const r = kernel.channelRead(pid, ch.value);
      unchangedOnFailure(r.status, 'channel read');
      const endpoint = ch.rec ? model.objects.get(ch.rec.object)! : undefined;
      if (r.status === Status.SHOULD_WAIT) assert.ok(endpoint && endpoint.queue.length === 0 && endpoint.peer !== null, 'SHOULD_WAIT disagrees with the model');
      if (r.status === Status.PEER_CLOSED) assert.ok(endpoint && endpoint.queue.length === 0 && endpoint.peer === null, 'PEER_CLOSED disagrees with the model');
      if (r.status === Status.OK) {
        assert.ok(endpoint, `read through value ${ch.value} in pid ${pid} succeeded, but it holds no such handle`);
        const msg = endpoint.queue.shift();
        assert.ok(msg, 'read a message the model never queued');
        assert.deepEqual([...r.value.bytes], [msg.caps.length]);
        assert.equal(r.value.handles.length, msg.caps.length);
        msg.caps.forEach((rec, i) => {
          const h = r.value.handles[i]!;
          if (rec === null) assert.equal(h, 0, 'a handle revoked in flight arrived');
          else {
            assert.notEqual(h, 0, 'a live handle in flight was lost');
            model.moveToTable(rec, pid, h);
          }
        });
      }
      break;
    }
    case 'create': {
      if (op.kind === 'channel') {
        const r = kernel.channelCreate(pid);
        unchangedOnFailure(r.status, 'channel create');
        if (r.status === Status.OK) model.pair(model.place(pid, r.value[0], null), model.place(pid, r.value[1], null));
      } else {
        const r = op.kind === 'memory' ? kernel.memoryCreate(pid, 8) : kernel.notificationCreate(pid);
        unchangedOnFailure(r.status, `${op.kind} create`);
        if (r.status === Status.OK) model.place(pid, r.value, null);
      }
      break;
    }
    case 'probe': {
      const { value } = resolveRef(model, pid, op.ref);
      model.checkProbe(pid, value);
      for (const q of model.procs) if (q.alive) model.checkProbe(q.pid, value);
      assert.equal(snapshotTables(fx), before, 'looking a handle up changed state');
      break;
    }
    case 'spawn': {
      if (model.procs.length >= MAX_PROCS) break;
      const moved = op.refs.map((ref) => resolveRef(model, pid, ref));
      const r = kernel.spawn(pid, { name: `c${model.procs.length}`, handles: moved.map((x) => x.value), boot: null });
      unchangedOnFailure(r.status, 'spawn');
      if (r.status === Status.OK) {
        assert.ok(moved.every((x) => x.rec), 'spawn moved a handle the parent does not hold');
        assert.ok(moved.every((x) => (x.rec!.rights & Right.TRANSFER) !== 0), 'spawn moved a handle without TRANSFER');
        model.addProc(r.value.pid);
        moved.forEach((x, i) => model.moveToTable(x.rec!, r.value.pid, r.value.childHandles[i]!));
        model.place(pid, r.value.handle, null);
      }
      break;
    }
    case 'delegate': {
      step(w, { op: 'dup', p: op.p, ref: op.ref, narrow: true, bits: op.bits | Right.TRANSFER | Right.DUPLICATE, badge: op.badge });
      for (let i = 1; i < op.depth; i++) {
        step(w, { op: 'dup', p: op.p, ref: { kind: 'recent', n: 0 }, narrow: true, bits: op.bits | Right.TRANSFER | (i + 1 < op.depth ? Right.DUPLICATE : 0), badge: 0 });
      }
      step(w, { op: 'write', p: op.p, ch: op.ch, refs: [{ kind: 'recent', n: 0 }] });
      if (op.deliver) step(w, { op: 'read', p: op.p, ch: { kind: 'endpoint', n: 0 } });
      return;
    }
    case 'exit': {
      const exited = kernel.exitProcess(pid, { kind: 'exited', code: 0 });
      if (!exited) assert.equal(snapshotTables(fx), before, '(d) a refused exit changed state');
      else {
        assert.ok(p.alive, 'a process exited twice');
        model.exitProc(p);
      }
      break;
    }
  }
  model.check();
}

function run(ops: readonly Op[]): World {
  const w = boot();
  for (const op of ops) step(w, op);
  return w;
}

// ─── properties ───────────────────────────────────────────────────────────────

test('capability invariants hold after every step of random operation sequences', () => {
  fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 40, size: 'max' }), (ops) => {
    run(ops);
  }), { numRuns: 400, includeErrorInReport: true });
});

test('long sequences of duplicate, transfer and revoke keep the invariants', () => {
  // Fewer kinds of operation, more steps: deep derivation trees spread over every process.
  const focused = fc.oneof(
    { weight: 5, arbitrary: opArb.filter((o) => o.op === 'dup' || o.op === 'delegate') },
    { weight: 4, arbitrary: opArb.filter((o) => o.op === 'write' || o.op === 'read') },
    { weight: 2, arbitrary: opArb.filter((o) => o.op === 'revoke' || o.op === 'close') },
  );
  fc.assert(fc.property(fc.array(focused, { minLength: 20, maxLength: 80, size: 'max' }), (ops) => {
    run(ops);
  }), { numRuns: 100, includeErrorInReport: true });
});

/** Known to leak: p0 makes a channel and writes one endpoint through the other (its own queue). */
const SELF_QUEUED: Op[] = [
  { op: 'create', p: 0, kind: 'channel' },
  { op: 'write', p: 0, ch: { kind: 'endpoint', n: 3 }, refs: [{ kind: 'endpoint', n: 4 }] },
];

test('a sequence that ends with every process gone leaves no object behind', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 30, size: 'max' }), (ops) => {
    const w = run(ops);
    for (const p of w.model.procs) if (p.alive) step(w, { op: 'exit', p: w.model.procs.indexOf(p) });
    // Left: the kernel process and the root process p0, which the kernel process holds a handle to.
    assert.deepEqual(w.fx.kernel.objectCounts(), { process: 2 }, 'objects outlived every process');
  }), { numRuns: 100, includeErrorInReport: true, examples: [[SELF_QUEUED]] });
});
