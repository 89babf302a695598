/**
 * The workspace packages published for use outside this repository. One line adds a package to every check of
 * packed-packages.test.ts; it also needs a consumer in consumers/ (`<name>.mjs` run by node, `<name>.ts`
 * type-checked), named after the package without its scope.
 */
export const PUBLISHED_PACKAGES = ['@latchkey/auth', '@latchkey/client', '@latchkey/verifier'] as const;
