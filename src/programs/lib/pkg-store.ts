/**
 * What pkg has installed under /usr, and putting a package in place or taking it out so that no
 * failure or crash leaves half of one. /usr is a diskfs (keel boot's usr.img): its journal
 * commits operations in order, so after a crash the file system is as of some point in the
 * sequence below, and each point is recoverable.
 *
 * Layout (under /usr/lib/pkg):
 *   installed/ID.json   one record per package (ID: its name, `/` as `+`): name, version,
 *                       integrity, commands, and every file and directory it put under /usr;
 *                       `state` is `installed`, or `installing`/`removing` while pkg works
 *   staging/ID/         a package being written, mirroring /usr
 *   lock                the pid of the pkg at work (one at a time; a dead holder's is taken over)
 *
 * Install: (1) refuse if any file it would place exists already (a conflict; nothing written);
 * (2) write everything into staging/ID; (3) write the record, state `installing`, listing what
 * will appear; (4) move into /usr, with one rename per topmost new entry (a new directory moves
 * whole); (5) rewrite the record `installed`, drop the staging tree, sync(2). A failure in (2)
 * removes the staging tree; in (4), undoes the moves. A crash anywhere is finished by the next
 * pkg run (`recover`): a record not `installed` is undone (its listed files and directories
 * removed), and staging trees are removed. Remove marks the record `removing` first, so it is
 * finished the same way.
 */

import { type Sys, SysError } from '../../sys/sys.js';
import { type Item, USR } from './pkg-plan.js';
import { PkgError } from './pkg-fetch.js';

export interface Installed {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  readonly state: 'installing' | 'installed' | 'removing';
  readonly commands: readonly string[];
  /** Files and symbolic links it put in place (absolute paths). */
  readonly files: readonly string[];
  /** Directories it made (absolute), parents first. */
  readonly dirs: readonly string[];
}

const HOME = `${USR}/lib/pkg`;
const DB = `${HOME}/installed`;
const STAGING = `${HOME}/staging`;
const LOCK = `${HOME}/lock`;

export const idOf = (name: string): string => name.replace('/', '+');

function missing(e: unknown): boolean {
  return e instanceof SysError && e.code === 'ENOENT';
}

export class PkgStore {
  constructor(private readonly sys: Sys) {}

  private mkdirs(path: string): void {
    let at = '';
    for (const p of path.split('/').filter((x) => x !== '')) {
      at += `/${p}`;
      try {
        this.sys.mkdir(at);
      } catch (e) {
        if (!(e instanceof SysError && e.code === 'EEXIST')) throw e;
      }
    }
  }

  /** Remove `path` and everything below it (nothing if it is not there). */
  private removeTree(path: string): void {
    let st;
    try {
      st = this.sys.lstat(path);
    } catch (e) {
      if (missing(e)) return;
      throw e;
    }
    if (st.type === 'dir') {
      for (const e of this.sys.readdir(path)) this.removeTree(`${path}/${e.name}`);
      this.sys.rmdir(path);
    } else this.sys.unlink(path);
  }

  /**
   * Become the one pkg at work: take the lock, unless a live process holds it. Then finish what
   * an earlier pkg left (recover). Returns the release function.
   */
  lock(): () => void {
    this.mkdirs(HOME);
    const me = String(this.sys.getpid());
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = this.sys.open(LOCK, { write: true, create: true, exclusive: true });
        this.sys.write(fd, me);
        this.sys.close(fd);
        this.recover();
        return () => {
          try {
            this.sys.unlink(LOCK);
          } catch {
            // gone already
          }
        };
      } catch (e) {
        if (!(e instanceof SysError && e.code === 'EEXIST')) throw e;
        const holder = Number(this.sys.readText(LOCK).trim());
        if (Number.isInteger(holder) && holder > 0 && this.sys.processes().some((p) => p.pid === holder && (p.state === 'running' || p.state === 'stopped'))) {
          throw new PkgError(`another pkg (pid ${holder}) is at work; try again when it has finished`);
        }
        this.sys.unlink(LOCK);
      }
    }
    throw new PkgError('cannot take pkg\'s lock');
  }

  private records(): Installed[] {
    let names: string[];
    try {
      names = this.sys.readdir(DB).map((e) => e.name).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
    return names.map((n) => JSON.parse(this.sys.readText(`${DB}/${n}`)) as Installed);
  }

  /** The packages installed, by name. */
  list(): Installed[] {
    return this.records().filter((r) => r.state === 'installed').sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  get(name: string): Installed | null {
    return this.list().find((r) => r.name === name) ?? null;
  }

  /** Write `record` whole or not at all (a new file renamed over the old). */
  private writeRecord(record: Installed): void {
    this.mkdirs(DB);
    const path = `${DB}/${idOf(record.name)}.json`;
    this.sys.writeFile(`${path}.new`, `${JSON.stringify(record, null, 1)}\n`);
    this.sys.rename(`${path}.new`, path);
  }

  /** Take out what `record` lists (files, then the directories it made, deepest first, if empty), then the record. */
  private undo(record: Installed): void {
    for (const f of record.files) {
      try {
        this.sys.unlink(f);
      } catch (e) {
        if (!missing(e)) throw e;
      }
    }
    for (const d of [...record.dirs].reverse()) {
      try {
        this.sys.rmdir(d);
      } catch (e) {
        if (!(e instanceof SysError && (e.code === 'ENOENT' || e.code === 'ENOTEMPTY'))) throw e;
      }
    }
    this.removeTree(`${STAGING}/${idOf(record.name)}`);
    this.sys.unlink(`${DB}/${idOf(record.name)}.json`);
  }

  /** Finish what an interrupted pkg left: undo unfinished installs and removes, drop staging trees. */
  recover(): string[] {
    const undone: string[] = [];
    for (const r of this.records()) {
      if (r.state === 'installed') continue;
      this.undo(r);
      undone.push(`${r.name}@${r.version}`);
    }
    this.removeTree(STAGING);
    for (const e of this.sys.exists(DB) ? this.sys.readdir(DB) : []) if (e.name.endsWith('.new')) this.sys.unlink(`${DB}/${e.name}`);
    if (undone.length > 0) this.sys.syncAll();
    return undone;
  }

  /** Which of `items` are new under /usr; PkgError naming the conflicts if a file or link is there already. */
  private newItems(items: readonly Item[]): Item[] {
    const fresh: Item[] = [];
    const newDirs = new Set<string>();
    const conflicts: string[] = [];
    for (const item of items) {
      const parent = item.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/')) : '';
      let isNew = newDirs.has(parent);
      if (!isNew) {
        try {
          const st = this.sys.lstat(`${USR}/${item.path}`);
          if (item.kind !== 'dir' || st.type !== 'dir') conflicts.push(`${USR}/${item.path}`);
        } catch (e) {
          if (!missing(e)) throw e;
          isNew = true;
        }
      }
      if (!isNew) continue;
      fresh.push(item);
      if (item.kind === 'dir') newDirs.add(item.path);
    }
    if (conflicts.length > 0) throw new PkgError(`these are there already (another package's, or your own): ${conflicts.slice(0, 5).join(' ')}${conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : ''}`);
    return fresh;
  }

  /**
   * Put `items` (pkg-plan.ts) in place for package `name@version`, as the header describes;
   * `progress` hears of each step. Returns the record.
   */
  install(pkg: { name: string; version: string; integrity: string }, commands: readonly string[], items: readonly Item[], progress: (step: string) => void): Installed {
    const fresh = this.newItems(items);
    const id = idOf(pkg.name);
    const stage = `${STAGING}/${id}`;
    this.removeTree(stage);
    this.mkdirs(stage);
    try {
      progress(`writing ${items.filter((i) => i.kind !== 'dir').length} files`);
      for (const item of items) {
        const at = `${stage}/${item.path}`;
        if (item.kind === 'dir') this.sys.mkdir(at);
        else if (item.kind === 'file') this.sys.writeFile(at, item.data);
        else this.sys.symlink(item.target, at);
      }
    } catch (e) {
      this.removeTree(stage);
      throw e;
    }
    const record: Installed = {
      name: pkg.name, version: pkg.version, integrity: pkg.integrity, state: 'installing', commands: [...commands],
      files: fresh.filter((i) => i.kind !== 'dir').map((i) => `${USR}/${i.path}`),
      dirs: fresh.filter((i) => i.kind === 'dir').map((i) => `${USR}/${i.path}`),
    };
    this.writeRecord(record);
    try {
      const newPaths = new Set(fresh.map((i) => i.path));
      for (const item of fresh) {
        const parent = item.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/')) : '';
        if (!newPaths.has(parent)) this.sys.rename(`${stage}/${item.path}`, `${USR}/${item.path}`);
      }
      const done: Installed = { ...record, state: 'installed' };
      this.writeRecord(done);
      this.removeTree(stage);
      this.sys.syncAll();
      return done;
    } catch (e) {
      this.undo(record);
      throw e;
    }
  }

  /** Take package `record` out of /usr. */
  remove(record: Installed): void {
    this.writeRecord({ ...record, state: 'removing' });
    this.undo(record);
    this.sys.syncAll();
  }
}
