/**
 * The side panel: live processes and services, the same data `top` shows, from the kernel
 * worker's once-a-second snapshot. Rates need two snapshots; the first shows zeros. Each service
 * worker has a kill button: fault injection, to watch the supervisor restart it.
 */

import type { SystemSnapshot } from '../../src/platform/browser/page-messages.js';

type Row = SystemSnapshot['processes'][number];

function cell(text: string | number, kind: 'num' | 'wrap' | '' = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (kind) td.className = kind;
  return td;
}

function fill(table: HTMLTableElement, rows: readonly (readonly HTMLTableCellElement[])[]): void {
  const body = table.tBodies[0]!;
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    tr.append(...cells);
    return tr;
  }));
}

/** A button that asks for service worker `name` to be killed (the supervisor restarts it). */
function killButton(name: string, kill: (name: string) => void): HTMLTableCellElement {
  const td = document.createElement('td');
  const b = document.createElement('button');
  b.textContent = 'kill';
  b.title = `End the ${name} worker as SIGKILL would; the supervisor restarts it`;
  b.dataset['service'] = name;
  b.addEventListener('click', () => kill(name));
  td.append(b);
  return td;
}

export function makePanel(processes: HTMLTableElement, services: HTMLTableElement, threads: HTMLElement, kill: (service: string) => void): (s: SystemSnapshot) => void {
  let before = new Map<number, Row>();
  let then = performance.now();
  return (s) => {
    const now = performance.now();
    const seconds = (now - then) / 1000;
    const rate = (row: Row, key: 'calls' | 'served'): number => {
      const prev = before.get(row.pid);
      return prev && seconds > 0 ? Math.round((row[key] - prev[key]) / seconds) : 0;
    };
    fill(processes, [...s.processes].sort((a, b) => a.pid - b.pid).map((p) => [
      cell(p.pid, 'num'), cell(p.name + (p.serves ? ' *' : '')), cell(rate(p, 'calls'), 'num'), cell(rate(p, 'served'), 'num'),
    ]));
    fill(services, s.services.map((w) => [
      cell(w.services.length > 1 ? `${w.name} (${w.services.join(', ')})` : w.name, 'wrap'), cell(w.state), cell(w.pid, 'num'), cell(w.restarts, 'num'), killButton(w.name, kill),
    ]));
    threads.textContent = `${s.processes.length} processes, ${s.threads} workers (* serves IPC)`;
    before = new Map(s.processes.map((p) => [p.pid, p]));
    then = now;
  };
}
