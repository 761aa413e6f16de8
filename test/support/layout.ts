/**
 * The service placement the system tests run under: KEEL_PLACEMENT (default, isolated, kernel),
 * so the same tests check every isolation class (npm run test:placements runs them all).
 */

import { type Layout, LAYOUTS, type SystemConfig, withLayout } from '../../src/system/system-config.js';

export function testLayout(): Layout {
  const v = process.env['KEEL_PLACEMENT'] ?? 'default';
  if (!(LAYOUTS as readonly string[]).includes(v)) throw new Error(`KEEL_PLACEMENT=${v}: expected one of ${LAYOUTS.join(', ')}`);
  return v as Layout;
}

export function placed(config: SystemConfig): SystemConfig {
  return withLayout(config, testLayout());
}
