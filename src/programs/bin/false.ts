/** false: do nothing, unsuccessfully (exit status 1). */

export function main(): number {
  return 1;
}
