/**
 * The shell's job table: each pipeline started with `&` (or brought back with `fg`) is a job —
 * its process group, its processes and the command line it came from. Job numbers are the
 * lowest free ones, as in bash; `%N` names job N and `%%`/`%+` the most recent.
 */

export interface Job {
  readonly id: number;
  readonly pgid: number;
  /** Processes still to be waited for. */
  readonly pids: number[];
  readonly text: string;
  /** Exit status of the last process, once it has ended. */
  status: number | null;
  /** Stopped (^Z, SIGTSTP) rather than running. */
  stopped: boolean;
}

export class JobTable {
  private readonly jobs = new Map<number, Job>();

  add(pgid: number, pids: number[], text: string): Job {
    let id = 1;
    while (this.jobs.has(id)) id++;
    const job: Job = { id, pgid, pids: [...pids], text, status: null, stopped: false };
    this.jobs.set(id, job);
    return job;
  }

  remove(job: Job): void {
    this.jobs.delete(job.id);
  }

  all(): Job[] {
    return [...this.jobs.values()].sort((a, b) => a.id - b.id);
  }

  /** `%N`, `%%`, `%+`, `%-` or a bare number; the latest job when `spec` is undefined. */
  find(spec: string | undefined): Job | undefined {
    const all = this.all();
    if (spec === undefined || spec === '%%' || spec === '%+' || spec === '%') return all[all.length - 1];
    if (spec === '%-') return all[all.length - 2];
    const n = Number(spec.startsWith('%') ? spec.slice(1) : spec);
    return Number.isInteger(n) ? this.jobs.get(n) : undefined;
  }
}
