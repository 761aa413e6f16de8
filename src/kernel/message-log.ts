/**
 * The kernel's message log (dmesg): the newest MESSAGE_LOG_LINES lines, each with a sequence
 * number, so a reader can ask for what it has not seen yet. Kernel thread only.
 */

/** Lines the kernel's message log keeps. */
export const MESSAGE_LOG_LINES = 512;

export class MessageLog {
  private readonly lines: { readonly seq: number; readonly text: string }[] = [];
  private next = 1;

  add(text: string): void {
    this.lines.push({ seq: this.next++, text });
    if (this.lines.length > MESSAGE_LOG_LINES) this.lines.shift();
  }

  /** Lines with a sequence number of at least `from`, and the number to ask from next. */
  read(from: number): { lines: string[]; next: number } {
    return { lines: this.lines.filter((m) => m.seq >= from).map((m) => m.text), next: this.next };
  }
}
