/**
 * The terminal's wire: messages between the page's xterm.js terminal and the thread that runs the
 * console service, on a BroadcastChannel named for one boot (so two tabs never share a terminal,
 * and whichever thread the manifest puts the console in can reach the page without a port being
 * handed down to it). A channel keeps each sender's messages in order.
 * Plain data only: this file is imported by the page too.
 */

export type TtyMessage =
  /** Console → page: bytes for stdout (1) or stderr (2). */
  | { readonly kind: 'out'; readonly fd: 1 | 2; readonly bytes: Uint8Array }
  /** Page → console: what the user typed (raw: the console's line discipline cooks it). */
  | { readonly kind: 'in'; readonly bytes: Uint8Array }
  /** Page → console: the terminal's size, on every resize and when asked. */
  | { readonly kind: 'size'; readonly columns: number; readonly rows: number }
  /** Console → page: send the size (a console thread has just started). */
  | { readonly kind: 'ask-size' };
