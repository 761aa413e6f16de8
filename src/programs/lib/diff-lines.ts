/**
 * The difference between two sequences of lines: Myers' O((N+M)·D) algorithm (the one GNU diff is
 * built on), giving the changes as ranges — lines [i1, i2) of the first replaced by [j1, j2) of
 * the second — in order. `equal` decides when two lines match (diff -i -b -w normalise first).
 */

export interface Change {
  readonly i1: number;
  readonly i2: number;
  readonly j1: number;
  readonly j2: number;
}

/** The changes that turn `a` into `b` (keys: lines already normalised for comparison). */
export function diffLines(a: readonly string[], b: readonly string[]): Change[] {
  // Trim the common head and tail: cheap, and it keeps D (the edit distance) small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const n = A.length, m = B.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the path, marking deleted and inserted lines.
  const delA = new Uint8Array(n);
  const insB = new Uint8Array(m);
  let x = n, y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (x === prevX) insB[prevY] = 1;
    else delA[prevX] = 1;
    x = prevX;
    y = prevY;
  }
  const changes: Change[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !delA[i] && !insB[j]) {
      i++;
      j++;
      continue;
    }
    const i1 = i, j1 = j;
    while (i < n && delA[i]) i++;
    while (j < m && insB[j]) j++;
    changes.push({ i1: i1 + head, i2: i + head, j1: j1 + head, j2: j + head });
  }
  return changes;
}
