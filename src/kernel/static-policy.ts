/**
 * The static channel policy (Muen's separation model): when a system boots from a manifest with
 * `static: true`, the kernel enforces the manifest's channel graph at run time.
 *
 *   - Every service's channel is labelled with the service's name at boot.
 *   - Every process has a principal: the set of services it may hold client handles to (a
 *     service worker: what its services' capabilities name; a program: the manifest's
 *     `programs.capabilities`). A child gets the programs' set unless the kernel process names
 *     another one when it starts a service worker.
 *   - Once sealed (boot done), no process but the kernel process may create a channel, and a
 *     handle to a labelled channel is installed in a process — by spawn or by a channel read —
 *     only if that process's principal names the service. The kernel process may hold anything.
 *
 * Invariant: with the policy sealed, the channels between processes are exactly those the
 * manifest lists, which is what `keel check` analyses.
 */

export class StaticPolicy {
  /** Service name of each labelled channel endpoint, by kernel object id. */
  private readonly labels = new Map<number, string>();
  private readonly principals = new Map<number, ReadonlySet<string>>();
  private sealedAt = false;

  constructor(private readonly programs: ReadonlySet<string>) {}

  /** Label the endpoint clients of `service` hold. */
  label(objectId: number, service: string): void {
    this.labels.set(objectId, service);
  }

  /** Give `pid` the principal `allowed`, or the programs' principal when null. */
  assign(pid: number, allowed: ReadonlySet<string> | null): void {
    this.principals.set(pid, allowed ?? this.programs);
  }

  forget(pid: number): void {
    this.principals.delete(pid);
  }

  seal(): void {
    this.sealedAt = true;
  }

  get sealed(): boolean {
    return this.sealedAt;
  }

  /** May `pid` (not the kernel process) hold a handle to object `objectId`? */
  mayHold(pid: number, objectId: number): boolean {
    return this.permits(this.principals.get(pid) ?? null, objectId);
  }

  /** May a process with principal `allowed` (null: a program) hold a handle to `objectId`? */
  permits(allowed: ReadonlySet<string> | null, objectId: number): boolean {
    const service = this.labels.get(objectId);
    return service === undefined || (allowed ?? this.programs).has(service);
  }
}
