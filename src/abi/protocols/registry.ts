/**
 * The registry protocol: reading a package registry (npm's HTTP API) — the one network access
 * Keel gives a program, and only to `pkg` (services/registry/registry.ts). A stream is one GET
 * of a path under the registry's URL: package metadata (`@yowasp%2fclang`) or a tarball
 * (`@yowasp/clang/-/clang-22.0.0.tgz`). Nothing outside the registry can be named, no method but
 * GET exists, and no request carries anything the program chose besides the path, so the session
 * is no way to send data out. Streams are ids in the caller's session; register 0 of a reply is
 * a WASI errno.
 */

import { defineProtocol } from '../protocol.js';

export const registryProtocol = defineProtocol('registry', {
  url: { label: 1, request: {}, reply: { url: 'str' }, doc: 'The registry\'s URL (ends with /): what a tarball URL in the metadata must start with.' },
  open: {
    label: 2, request: { path: 'str' }, reply: { stream: 'u32', status: 'u32', size: 'f64' },
    doc: 'GET the registry URL + `path` (relative: no scheme, no `..`, no leading /; else EINVAL). Waits for the response headers: `status` is the HTTP status, `size` the body\'s length (-1: not said). EIO (and `reason` has why) when no response came.',
  },
  read: {
    label: 3, request: { stream: 'u32', max: 'u32' }, reply: { data: 'bytes' },
    doc: 'The next bytes of the body (waits for them). Empty: the body is complete. EIO: the download failed or was cut short (fewer bytes than the length said); `reason` has why.',
  },
  reason: { label: 4, request: { stream: 'u32' }, reply: { text: 'str' }, doc: 'Why the last call on `stream` (or, for stream 0, the last open) failed.' },
  close: { label: 5, request: { stream: 'u32' }, reply: {}, doc: 'End the stream (an unfinished download is cancelled).' },
});

export type RegistryProtocol = typeof registryProtocol;
