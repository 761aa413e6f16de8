/** true: do nothing, successfully. */

export function main(): number {
  return 0;
}
