// The README's code examples are the other files of this folder, with their imports of the
// repository replaced by the package subpaths a consumer imports (test/docs.test.ts compares
// them; npm test's tsc type-checks the files; test/readme-examples.test.ts runs them).

/**
 * The README's import specifiers and the repository files they stand for here.
 */
export const EXAMPLE_IMPORTS: Readonly<Record<string, string>> = {
  'saas-security-baseline/aws': '../../lib/aws/index',
  'saas-security-baseline/azure': '../../lib/azure/index',
  'saas-security-baseline/cloudflare': '../../lib/cloudflare/index',
  'saas-security-baseline/policy': '../../lib/policy/index',
};

/** The examples, in README order. */
export const EXAMPLES = ['aws', 'azure', 'cloudflare'] as const;
