/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // @swc/jest strips types only; `npm test` type-checks once with `tsc --noEmit` first.
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // markdown-table (scripts/bench.ts) ships ES modules only; jest's module system loads CommonJS.
    '/node_modules/markdown-table/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!markdown-table/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // Each worker synthesizes whole stacks; two workers fit the 2-core CI machine.
  maxWorkers: 2,
  // A worker's heap grows file after file (each file loads aws-cdk-lib or cdktf afresh) to ~870 MB,
  // its RSS to ~1.5 GB; a worker whose heap is above this after a file is replaced (~1 s).
  workerIdleMemoryLimit: '700MB',
  // The default config's apps (AWS with and without the policy gates, Terraform) are synthesized
  // once per run, in the background, and shared by the test files that read them
  // (test/synth-cache.ts); the sequencer starts only those the selected files use, and runs the
  // files waiting for the gated synth last.
  // Plain-object stack traces (cdktf tokens, CDK metadata) without source mapping: see the file.
  setupFiles: ['<rootDir>/test/fast-stack-traces.js'],
  // jest's runtime, with V8's code cache for node_modules: each test file still evaluates every
  // package afresh, without parsing it again (test/code-cache-runtime.js).
  runtime: '<rootDir>/test/code-cache-runtime.js',
  testSequencer: '<rootDir>/test/sequencer.js',
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120000,
};
