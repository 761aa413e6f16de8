/**
 * The npm registry as npm is configured on this host, for `keel boot`'s registry service: the
 * first of `npm_config_registry` (npm's environment form, any case), a `registry=` line in the
 * working directory's `.npmrc`, then in the user's (`$NPM_CONFIG_USERCONFIG`, else `~/.npmrc`),
 * else npm's default. `${NAME}` in a value is the environment variable, as npm expands it.
 * Scoped registries (`@scope:registry=`) and proxies are not read.
 */

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

function fromEnv(name: string): string | undefined {
  const key = Object.keys(process.env).find((k) => k.toLowerCase() === name);
  const v = key !== undefined ? process.env[key] : undefined;
  return v !== undefined && v !== '' ? v : undefined;
}

function expand(value: string): string {
  return value.replace(/\$\{([^}]+)\}/g, (_m, name: string) => process.env[name] ?? '');
}

/** The `registry=` value of the .npmrc at `path`, if it has one. */
function fromNpmrc(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*registry\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] !== '') return expand(m[1]!.replace(/^"(.*)"$/, '$1'));
  }
  return undefined;
}

export function npmRegistry(): string {
  const url = fromEnv('npm_config_registry') ?? fromNpmrc(join(process.cwd(), '.npmrc'))
    ?? fromNpmrc(fromEnv('npm_config_userconfig') ?? join(homedir(), '.npmrc')) ?? NPM_DEFAULT_REGISTRY;
  return url.endsWith('/') ? url : `${url}/`;
}
