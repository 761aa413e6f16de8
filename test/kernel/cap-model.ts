/**
 * A bookkeeping model of capabilities for the property tests.
 *
 * The model predicts no status: it follows what the kernel reports (a duplicate that returned OK
 * made a handle with the rights and badge that were asked for; a write that returned OK moved its
 * handles into the peer's queue; ...) and keeps what the kernel does not show: the historical
 * derivation tree (a record's `parent` is the handle it was duplicated from, never changed by a
 * close), every value each record ever had, and which records are in which message.
 *
 * `check` then compares the kernel against the model with invariants that do not depend on the
 * model being right about outcomes, only about what happened: the published tables hold exactly
 * the live records, no handle has rights outside any ancestor's, dead values resolve nowhere.
 */

import assert from 'node:assert/strict';
import { makeHandle } from '../../src/abi/handle.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { ObjectType, objectTypeName } from '../../src/abi/object-type.js';
import { Status, statusName } from '../../src/abi/status.js';
import { type Fixture, publishedEntry } from './kernel-fixture.js';

export interface Msg {
  caps: (Rec | null)[];
}

export type Where =
  | { readonly kind: 'table'; readonly pid: number; readonly h: number }
  | { readonly kind: 'transit'; readonly endpoint: number; readonly msg: Msg }
  | { readonly kind: 'dead' };

export interface Rec {
  readonly id: number;
  readonly object: number;
  readonly type: number;
  readonly rights: number;
  readonly badge: number;
  /** The handle this one was duplicated from (historical: a close of the parent does not change it). */
  readonly parent: Rec | null;
  where: Where;
  /** Every (pid, value) this record has had. */
  readonly history: { pid: number; h: number }[];
}

export interface Obj {
  readonly id: number;
  readonly type: number;
  /** Rights of the handle the object was created with. */
  readonly rootRights: number;
  peer: number | null;
  readonly queue: Msg[];
  live: number;
  alive: boolean;
}

export interface Proc {
  readonly pid: number;
  alive: boolean;
}

export class CapModel {
  readonly recs: Rec[] = [];
  readonly objects = new Map<number, Obj>();
  readonly procs: Proc[] = [];
  private nextId = 1;

  constructor(private readonly fx: Fixture) {}

  get kernel(): Kernel {
    return this.fx.kernel;
  }

  // ─── following the kernel ───────────────────────────────────────────────────

  addProc(pid: number): Proc {
    const p = { pid, alive: true };
    this.procs.push(p);
    return p;
  }

  /** Record a handle the kernel just made at (pid, h); `parent` null for a new object's first handle. */
  place(pid: number, h: number, parent: Rec | null): Rec {
    const r = this.kernel.info(pid, h);
    if (r.status !== Status.OK) assert.fail(`new handle ${h} in pid ${pid} does not resolve: ${statusName(r.status)}`);
    const info = r.value;
    let obj = this.objects.get(info.object);
    if (!obj) {
      assert.equal(parent, null, 'a derived handle names a known object');
      obj = { id: info.object, type: info.type, rootRights: info.rights, peer: null, queue: [], live: 0, alive: true };
      this.objects.set(info.object, obj);
    }
    assert.ok(obj.alive, `handle ${h} names object ${info.object}, which the model has as destroyed`);
    const rec: Rec = {
      id: this.nextId++, object: info.object, type: info.type, rights: info.rights, badge: info.badge,
      parent, where: { kind: 'table', pid, h }, history: [{ pid, h }],
    };
    obj.live++;
    this.recs.push(rec);
    return rec;
  }

  pair(a: Rec, b: Rec): void {
    this.objects.get(a.object)!.peer = b.object;
    this.objects.get(b.object)!.peer = a.object;
  }

  /** Adopt every live entry of `pid`'s published table as a root record (set-up only). */
  adoptTable(pid: number): Rec[] {
    const out: Rec[] = [];
    for (let i = 0; i < this.fx.arena.config.maxHandles; i++) {
      const e = publishedEntry(this.fx.arena, pid, i);
      if (e.tag & 1) out.push(this.place(pid, makeHandle(i, e.tag >>> 1), null));
    }
    return out;
  }

  liveIn(pid: number): Rec[] {
    return this.recs.filter((r) => r.where.kind === 'table' && r.where.pid === pid);
  }

  at(pid: number, h: number): Rec | undefined {
    return this.recs.find((r) => r.where.kind === 'table' && r.where.pid === pid && r.where.h === h);
  }

  /** A record left its table into a message queued on `endpoint`. */
  moveToTransit(rec: Rec, endpoint: number, msg: Msg): void {
    rec.where = { kind: 'transit', endpoint, msg };
  }

  /** A record landed in a table (read or spawn). */
  moveToTable(rec: Rec, pid: number, h: number): void {
    rec.where = { kind: 'table', pid, h };
    rec.history.push({ pid, h });
  }

  /** The record is gone (closed, revoked, dropped with its queue, its process exited). */
  drop(rec: Rec): void {
    if (rec.where.kind === 'dead') return;
    if (rec.where.kind === 'transit') {
      const caps = rec.where.msg.caps;
      const i = caps.indexOf(rec);
      if (i >= 0) caps[i] = null;
    }
    rec.where = { kind: 'dead' };
    const obj = this.objects.get(rec.object)!;
    obj.live--;
    if (obj.live === 0) this.destroyObject(obj);
  }

  private destroyObject(obj: Obj): void {
    obj.alive = false;
    if (obj.type !== ObjectType.CHANNEL) return;
    if (obj.peer !== null) this.objects.get(obj.peer)!.peer = null;
    obj.peer = null;
    for (const msg of obj.queue.splice(0)) for (const r of msg.caps) if (r) this.drop(r);
  }

  /**
   * The kernel's cycle rule: a queued message is garbage when no process can ever read it, i.e.
   * its endpoint is not reachable from any table through the queues of reachable endpoints.
   * Drop the messages of every unreachable endpoint (as the kernel does after each step).
   */
  collect(): void {
    const marked = new Set<number>();
    const stack: number[] = [];
    const mark = (id: number): void => {
      if (!marked.has(id)) {
        marked.add(id);
        stack.push(id);
      }
    };
    for (const r of this.recs) if (r.where.kind === 'table') mark(r.object);
    while (stack.length > 0) {
      const obj = this.objects.get(stack.pop()!)!;
      for (const msg of obj.queue) for (const r of msg.caps) if (r) mark(r.object);
    }
    const garbage: Rec[] = [];
    for (const obj of this.objects.values()) {
      if (!obj.alive || marked.has(obj.id) || obj.queue.length === 0) continue;
      for (const msg of obj.queue.splice(0)) for (const r of msg.caps) if (r) garbage.push(r);
    }
    for (const r of garbage) this.drop(r);
  }

  /** Every record derived from `rec` (transitively), dead or alive. */
  descendants(rec: Rec): Rec[] {
    return this.recs.filter((r) => {
      for (let a = r.parent; a; a = a.parent) if (a === rec) return true;
      return false;
    });
  }

  exitProc(p: Proc): void {
    p.alive = false;
    for (const r of this.liveIn(p.pid)) this.drop(r);
  }

  /** Handle values that once named something in `pid` and no longer do. */
  deadValues(pid: number): number[] {
    const live = new Set(this.liveIn(pid).map((r) => r.where.kind === 'table' ? r.where.h : 0));
    const out = new Set<number>();
    for (const r of this.recs) for (const h of r.history) if (h.pid === pid && !live.has(h.h)) out.add(h.h);
    return [...out];
  }

  // ─── invariants ─────────────────────────────────────────────────────────────

  /**
   * After every step:
   *   - the kernel has exactly the channels, notifications and memory objects the model has alive
 *     (an object whose last handle went, wherever it was, is destroyed; no other is);
 *   - each live process's published table holds exactly the model's live records, and
   *     kernel.info agrees with the record and the published entry (no handle appears from
   *     nowhere, none survives that should be gone);
   *   - (a) no widening: each live handle's rights ⊆ the rights of every recorded ancestor and of
   *     the object's first handle;
   *   - every value that once named something in a live process and is dead now is BAD_HANDLE
   *     there, even when its table entry holds a new handle.
   */
  check(): void {
    this.collect();
    const { kernel, arena } = this.fx;
    const counts = kernel.objectCounts();
    for (const type of [ObjectType.CHANNEL, ObjectType.NOTIFICATION, ObjectType.MEMORY]) {
      const alive = [...this.objects.values()].filter((o) => o.alive && o.type === type).length;
      assert.equal(counts[objectTypeName(type)] ?? 0, alive, `live ${objectTypeName(type)} objects: kernel and model disagree`);
    }
    for (const p of this.procs) {
      if (!p.alive) continue;
      const expected = new Map<number, Rec>();
      for (const r of this.liveIn(p.pid)) expected.set((r.where as { h: number }).h, r);
      const published = new Map<number, ReturnType<typeof publishedEntry>>();
      for (let i = 0; i < arena.config.maxHandles; i++) {
        const e = publishedEntry(arena, p.pid, i);
        if (e.tag & 1) published.set(makeHandle(i, e.tag >>> 1), e);
      }
      assert.deepEqual([...published.keys()].sort(), [...expected.keys()].sort(), `pid ${p.pid}: published table differs from the live handles`);
      for (const [h, rec] of expected) {
        const r = kernel.info(p.pid, h);
        if (r.status !== Status.OK) assert.fail(`pid ${p.pid} handle ${h} should be live: ${statusName(r.status)}`);
        const info = r.value;
        assert.deepEqual(info, { type: rec.type, rights: rec.rights, badge: rec.badge, object: rec.object }, `pid ${p.pid} handle ${h}`);
        const e = published.get(h)!;
        assert.deepEqual({ type: e.type, rights: e.rights, badge: e.badge, object: e.object }, info, `published entry of ${h}`);
        // (a) No widening, against every recorded ancestor and the object's creation rights.
        for (let a = rec.parent; a; a = a.parent) {
          assert.equal(info.rights & ~a.rights, 0, `handle ${h} has rights ${info.rights} beyond its ancestor's ${a.rights}`);
        }
        assert.equal(info.rights & ~this.objects.get(rec.object)!.rootRights, 0, `handle ${h} widened the object's rights`);
      }
      for (const h of this.deadValues(p.pid)) {
        assert.equal(kernel.info(p.pid, h).status, Status.BAD_HANDLE, `dead value ${h} still resolves in pid ${p.pid}`);
      }
    }
  }

  /**
   * (c) `value` asked of `pid` reached an object: it must be a handle the process holds per the
   * model, naming that object.
   */
  checkProbe(pid: number, value: number): void {
    const r = this.kernel.info(pid, value);
    if (r.status !== Status.OK) return;
    const rec = this.at(pid, value);
    assert.ok(rec, `value ${value} reached object ${r.value.object} in pid ${pid}, which holds no such handle`);
    const held = new Set(this.liveIn(pid).map((x) => x.object));
    assert.ok(held.has(r.value.object), `pid ${pid} reached object ${r.value.object} it does not hold`);
    assert.equal(r.value.object, rec.object);
  }

  /**
   * (b) After `revoked` (held at pid/h) was revoked: no value any descendant ever had resolves to
   * anything but a live non-descendant handle, in any process; the revoked handle still works.
   */
  checkRevoked(revoked: Rec, pid: number, h: number): void {
    const { kernel } = this;
    const info = kernel.info(pid, h);
    assert.equal(info.status, Status.OK, 'the revoked handle itself must stay');
    const desc = this.descendants(revoked);
    const descSet = new Set(desc);
    for (const d of desc) {
      assert.equal(d.where.kind, 'dead', 'model: descendant still live after revoke');
      for (const { h: value } of d.history) {
        for (const q of this.procs) {
          if (!q.alive) continue;
          const r = kernel.info(q.pid, value);
          if (r.status === Status.OK) {
            const holder = this.at(q.pid, value);
            assert.ok(holder && !descSet.has(holder), `revoked descendant value ${value} still resolves in pid ${q.pid}`);
            assert.equal(r.value.object, holder.object);
          } else {
            assert.equal(r.status, Status.BAD_HANDLE);
          }
        }
      }
    }
  }
}
