/**
 * A spawned program's standard streams, as the embedding API offers them:
 *
 *   stdin   'ignore' (end of input at once; the default) | 'inherit' (the host's, through the
 *           console) | 'pipe' (write it through KeelProcess.stdin) | a string or bytes (the whole
 *           input) | an async iterable of chunks (a Node Readable, a web ReadableStream) |
 *           { file: hostPath }
 *   stdout, stderr
 *           'pipe' (collected into the result; the default) | 'inherit' | 'ignore' |
 *           a writable (a Node Writable, a web WritableStream, anything with write()) |
 *           { file: hostPath } (created or truncated)
 *
 * Everything but 'inherit' is a VFS pipe whose other end the host holds (StdioPipe), so a
 * program sees the same kind of stream whichever was given, and its children inherit it.
 * Portable: host files come through the KeelHost.
 */

import { StdioPipe } from '../system/stdio-pipe.js';
import type { SystemVfs } from '../system/system-vfs.js';
import type { InheritedFd } from '../abi/boot-spec.js';
import { KeelError } from '../system/system.js';

/** Anything a chunk can be written to: Node Writable, web WritableStream, or a plain object. */
export type OutputSink =
  | { write(chunk: Uint8Array): unknown; once?(event: 'drain', fn: () => void): unknown }
  | { getWriter(): { write(chunk: Uint8Array): Promise<void>; releaseLock(): void } };

export type StdinOption = 'ignore' | 'inherit' | 'pipe' | string | Uint8Array | AsyncIterable<Uint8Array | string> | { readonly file: string };
export type OutputOption = 'pipe' | 'inherit' | 'ignore' | OutputSink | { readonly file: string };

/** The host side of files named as stdio (supplied by the platform). */
export interface StdioFiles {
  /** Chunks of a host file; throws at once if it cannot be opened. */
  openInput(path: string): AsyncIterable<Uint8Array>;
  /** A host file to write, created or truncated; throws at once if it cannot be opened. */
  openOutput(path: string): { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> };
}

/** What the host writes into a program's stdin when stdin is 'pipe'. */
export interface StdinWriter {
  /** Write all of `data`; false if the program no longer reads its stdin (it closed it or exited). */
  write(data: Uint8Array | string): Promise<boolean>;
  /** End of input. */
  end(): Promise<void>;
}

const encoder = new TextEncoder();
const bytesOf = (c: Uint8Array | string): Uint8Array => (typeof c === 'string' ? encoder.encode(c) : c);

function isFile(x: unknown): x is { readonly file: string } {
  return typeof x === 'object' && x !== null && typeof (x as { file?: unknown }).file === 'string';
}

interface NodeLikeWritable {
  write(chunk: Uint8Array): unknown;
  once?(event: string, fn: (...a: unknown[]) => void): unknown;
  removeListener?(event: string, fn: (...a: unknown[]) => void): unknown;
  readonly destroyed?: boolean;
  readonly errored?: unknown;
  readonly writableEnded?: boolean;
}

/** Is `x` usable as stdin's source of chunks? */
function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array | string> {
  return typeof x === 'object' && x !== null && typeof (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * Write to a user's sink, waiting when it asks to (Node 'drain', a web writer's promise). A Node
 * stream that errors, is destroyed or ends while we wait fails the write instead of waiting forever.
 */
function writerFor(sink: OutputSink): { write(chunk: Uint8Array): Promise<void>; done(): void } {
  if ('getWriter' in sink) {
    const w = sink.getWriter();
    return { write: (c) => w.write(c), done: () => w.releaseLock() };
  }
  const s = sink as NodeLikeWritable;
  const broken = (): boolean => s.destroyed === true || (s.errored !== undefined && s.errored !== null) || s.writableEnded === true;
  return {
    write: async (c) => {
      if (broken()) throw new Error('the writable is closed or failed');
      const more = s.write(c);
      if (more instanceof Promise) await more;
      else if (more === false && s.once) {
        await new Promise<void>((resolve) => {
          const events = ['drain', 'error', 'close', 'finish'];
          const done = (): void => {
            for (const e of events) s.removeListener?.(e, done);
            resolve();
          };
          for (const e of events) s.once!(e, done);
        });
        if (broken()) throw new Error('the writable is closed or failed');
      }
    },
    done: () => {},
  };
}

/** The streams of one program being started: the fds to give it and the work that feeds them. */
export class ProgramStdio {
  readonly fds: InheritedFd[] = [];
  readonly collected: [Uint8Array[], Uint8Array[]] = [[], []];
  stdin: StdinWriter | null = null;
  private readonly pipes: StdioPipe[] = [];
  private stdinPipe: StdioPipe | null = null;
  private readonly pumps: Promise<void>[] = [];
  private readonly feeds: (() => Promise<void>)[] = [];
  /** The stdin feed: started with the others, but never waited for once the program has exited (a source may never end). */
  private inputFeed: (() => Promise<void>) | null = null;
  /** What went wrong with a source or destination the caller gave (reported by `finished`). */
  private readonly failures: string[] = [];
  private reclaimed: Promise<void> | null = null;

  private constructor(private readonly vfs: SystemVfs) {}

  /** Make the pipes (nothing flows until `start`); a KeelError if a file or pipe cannot be had. */
  static async open(vfs: SystemVfs, files: StdioFiles, stdin: StdinOption, stdout: OutputOption, stderr: OutputOption): Promise<ProgramStdio> {
    const s = new ProgramStdio(vfs);
    try {
      await s.openInput(files, stdin);
      await s.openOutput(files, 1, stdout);
      await s.openOutput(files, 2, stderr);
    } catch (e) {
      await s.abandon();
      throw e;
    }
    return s;
  }

  private async pipe(fd: number, toProgram: boolean): Promise<StdioPipe> {
    const p = await StdioPipe.open(this.vfs, fd, toProgram);
    if (typeof p === 'number') throw new KeelError('STDIO', `cannot make a pipe for fd ${fd} (errno ${p})`);
    this.pipes.push(p);
    this.fds.push(p.fd);
    return p;
  }

  private async openInput(files: StdioFiles, opt: StdinOption): Promise<void> {
    if (opt === 'inherit') return;
    let source: AsyncIterable<Uint8Array | string> | Uint8Array | null = null;
    if (isFile(opt)) {
      try {
        source = files.openInput(opt.file);
      } catch (e) {
        throw new KeelError('NOT_FOUND', `stdin: cannot open ${opt.file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else if (typeof opt === 'string' && opt !== 'ignore' && opt !== 'pipe') source = encoder.encode(opt);
    else if (opt instanceof Uint8Array) source = opt;
    else if (isAsyncIterable(opt)) source = opt;
    else if (opt !== 'ignore' && opt !== 'pipe') {
      throw new KeelError('BAD_OPTION', `stdin: expected 'ignore', 'inherit', 'pipe', a string, bytes, an async iterable or { file }`);
    }
    const p = await this.pipe(0, true);
    this.stdinPipe = p;
    if (opt === 'pipe') {
      this.stdin = { write: (d) => p.write(bytesOf(d)), end: () => p.close() };
      return;
    }
    const src = source;
    this.inputFeed = async () => {
      try {
        if (src instanceof Uint8Array) await p.write(src);
        else if (src) for await (const chunk of src) if (!(await p.write(bytesOf(chunk)))) break;
      } catch (e) {
        this.failures.push(`stdin: the source failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await p.close();
      }
    };
  }

  private async openOutput(files: StdioFiles, fd: 1 | 2, opt: OutputOption): Promise<void> {
    if (opt === 'inherit') return;
    const name = fd === 1 ? 'stdout' : 'stderr';
    let sink: { write(chunk: Uint8Array): Promise<void>; done(): void | Promise<void> };
    if (opt === 'pipe') {
      const into = this.collected[fd - 1]!;
      sink = { write: async (c) => { into.push(c); }, done: () => {} };
    } else if (opt === 'ignore') sink = { write: async () => {}, done: () => {} };
    else if (isFile(opt)) {
      let f: ReturnType<StdioFiles['openOutput']>;
      try {
        f = files.openOutput(opt.file);
      } catch (e) {
        throw new KeelError('NOT_FOUND', `${name}: cannot open ${opt.file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      sink = { write: (c) => f.write(c), done: () => f.close() };
    } else if (typeof opt === 'object' && opt !== null && ('write' in opt || 'getWriter' in opt)) sink = writerFor(opt);
    else throw new KeelError('BAD_OPTION', `${name}: expected 'pipe', 'inherit', 'ignore', a writable or { file }`);
    const p = await this.pipe(fd, false);
    this.feeds.push(async () => {
      // After the destination fails, keep draining (and dropping) so the program is not blocked.
      let failed = false;
      try {
        await p.drain(async (c) => {
          if (failed) return;
          try {
            await sink.write(c);
          } catch (e) {
            failed = true;
            this.failures.push(`${name}: the destination failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        });
      } finally {
        try {
          await sink.done();
        } catch (e) {
          this.failures.push(`${name}: the destination failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
  }

  /** Start the flows (once the program holds its tokens); `finished` resolves when all are done. */
  start(): void {
    for (const feed of this.feeds.splice(0)) this.pumps.push(feed().catch(() => {}));
    void this.inputFeed?.().catch(() => {});
    this.inputFeed = null;
  }

  /**
   * The program has exited: take back the ends it never redeemed and close the host's end of its
   * stdin, so a pending or later stdin write fails at once and every output reaches its end.
   */
  exited(): Promise<void> {
    return this.reclaimed ??= (async () => {
      await Promise.all(this.pipes.map((p) => p.reclaim()));
      await this.stdinPipe?.close();
    })();
  }

  /** After the program exited: wait for the flows to end; a KeelError('STDIO') if a source or destination failed. */
  async finished(): Promise<void> {
    await this.exited();
    await Promise.all(this.pumps);
    if (this.failures.length > 0) throw new KeelError('STDIO', this.failures.join('; '));
  }

  /** The program could not start: close every host end and reclaim every token. */
  async abandon(): Promise<void> {
    await Promise.all(this.pipes.map(async (p) => {
      await p.reclaim();
      await p.close();
    }));
  }
}
