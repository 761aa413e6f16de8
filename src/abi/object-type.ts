/**
 * Kernel object types, as handle-table entries and object records in the arena carry them (the
 * kernel writes them; local kernels and servers read them to check what a handle names).
 */

export const ObjectType = {
  NONE: 0,
  PROCESS: 1,
  CHANNEL: 2,
  NOTIFICATION: 3,
  MEMORY: 4,
} as const;

export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType];

const typeNames: Record<number, string> = { 0: 'none', 1: 'process', 2: 'channel', 3: 'notification', 4: 'memory' };

export function objectTypeName(t: number): string {
  return typeNames[t] ?? `type-${t}`;
}
