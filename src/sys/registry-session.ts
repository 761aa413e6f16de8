/**
 * A program's session with the package registry (services/registry/registry.ts): what
 * `sys.registry()` returns to the one program given it (`pkg`, by proc's grant). Streams are
 * GETs of paths under the registry's URL; every call blocks, as system calls do. A failure
 * throws RegistryError with the service's reason (`connect ECONNREFUSED 127.0.0.1:4873`, `cut
 * short: 1048576 of 36700160 bytes arrived`).
 */

import type { ProtocolClient } from '../ipc/protocol-client.js';
import type { RegistryProtocol } from '../abi/protocols/registry.js';
import { errorText } from './sys-errors.js';

export class RegistryError extends Error {}

/** An open download: its HTTP status and announced length (null: not said). */
export interface RegistryStream {
  readonly id: number;
  readonly status: number;
  readonly size: number | null;
}

export class RegistrySession {
  constructor(private readonly client: ProtocolClient<RegistryProtocol>) {}

  private fail(what: string, status: number, transport: number, stream: number): never {
    if (transport !== 0) throw new RegistryError(`${what}: the registry service is unreachable`);
    const r = this.client.call('reason', { stream });
    const reason = r.transport === 0 && r.status === 0 ? r.reply!.text : '';
    throw new RegistryError(`${what}: ${reason || errorText(status)}`);
  }

  /** The registry's URL (ending in /). */
  url(): string {
    const r = this.client.call('url', {});
    if (r.transport !== 0 || r.status !== 0) this.fail('registry', r.status, r.transport, 0);
    return r.reply!.url;
  }

  /** Start a GET of `path` (relative to the registry's URL); waits for the response's headers. */
  open(path: string): RegistryStream {
    const r = this.client.call('open', { path });
    if (r.transport !== 0 || r.status !== 0) this.fail(path, r.status, r.transport, 0);
    const { stream, status, size } = r.reply!;
    return { id: stream, status, size: size < 0 ? null : size };
  }

  /** The body's next bytes (up to `max`); empty once it is complete. */
  read(stream: RegistryStream, max = 1024 * 1024): Uint8Array {
    const r = this.client.call('read', { stream: stream.id, max });
    if (r.transport !== 0 || r.status !== 0) this.fail('download', r.status, r.transport, stream.id);
    // The reply is a view of the call slot's buffer, which the next call reuses: keep a copy.
    return r.reply!.data.slice();
  }

  close(stream: RegistryStream): void {
    this.client.call('close', { stream: stream.id });
  }
}
