'use strict';
// jest.config.js "runtime": jest's own runtime, with V8's code cache for the packages under
// node_modules (plain JavaScript: jest loads a runtime without transforming it).
//
// Why: jest gives every test file a fresh module registry, so each file compiles aws-cdk-lib,
// cdktf and the providers again from source: V8 parses the whole of each module (1.8 MB for
// aws-ec2's generated classes, 1.4 MB for the region facts) once per test file, about 80 ms of a
// small test file's 250 ms and some 10 s of CPU over the suite. With the code cache V8 skips that
// parse and reads the compiled top level instead; the functions inside still compile when first
// called, as before. Nothing is shared between test files but compiled code: every file still
// evaluates each module afresh in its own context, so its state is its own.
//
// How: the runtime compiles each module with node:vm's compileFunction (one call per module per
// test file). This wraps that function in the worker process: the first compile of a file produces
// V8's cache data, the next ones of the same file pass it back. The cache is this process's only
// (a jest worker's), in memory, for files under node_modules (which do not change during a run);
// an entry is used only for the very same source text and parameters, and V8 itself rejects data
// made by another V8 version or flags (the file then compiles from source, as without the cache).
// test/code-cache-runtime.test.ts checks that the cache is used and that a changed source is not.
const path = require('node:path');
const vm = require('node:vm');

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** The wrapper's own marker, so a second load of this file does not wrap twice. */
const WRAPPED = Symbol.for('baseline-test-code-cache');
/** Per file name: the source and parameters the data was made for, and V8's cache data. */
const entries = new Map();
/** Counters, read by the test of this file. */
const stats = { produced: 0, used: 0, rejected: 0 };

if (!vm.compileFunction[WRAPPED]) {
  const compileFunction = vm.compileFunction;
  const cached = function compileFunctionWithCodeCache(code, params, options) {
    const filename = options?.filename;
    // Anything but a package file compiled the usual way (jest's calls pass neither option).
    const usual = typeof filename !== 'string' || !filename.includes(NODE_MODULES);
    if (usual || options.cachedData !== undefined || options.produceCachedData) return compileFunction.call(this, code, params, options);
    const key = (params ?? []).join(',');
    const entry = entries.get(filename);
    if (entry && entry.code === code && entry.params === key) {
      const fn = compileFunction.call(this, code, params, { ...options, cachedData: entry.data });
      if (fn.cachedDataRejected) {
        stats.rejected++;
        entries.delete(filename);
      } else stats.used++;
      return fn;
    }
    const fn = compileFunction.call(this, code, params, { ...options, produceCachedData: true });
    if (fn.cachedDataProduced && fn.cachedData) {
      entries.set(filename, { code, params: key, data: fn.cachedData });
      stats.produced++;
    }
    return fn;
  };
  cached[WRAPPED] = stats;
  vm.compileFunction = cached;
}

module.exports = require('jest-runtime').default;
