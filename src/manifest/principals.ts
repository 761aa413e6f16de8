/**
 * Names of principals that are not services: what the capability graph, `keel check` and policy
 * assertions call untrusted programs.
 */

/** The principal name untrusted programs have in the capability graph and in assertions. */
export const PROGRAMS = 'programs';
