'use strict';
// jest.config.js "runtime": jest's own runtime, with V8's code cache for the packages under
// node_modules (plain JavaScript: jest loads a runtime without transforming it).
//
// Why: jest gives every test file a fresh module registry, so each file compiled aws-cdk-lib,
// cdktf and the providers again from source: V8 parsed the whole of each module (1.8 MB for
// aws-ec2's generated classes) and then compiled every function the file called, among them the
// one function of 1.4 MB that registers the region facts every stack reads. That was most of a
// small test file's time (paired, 12 small AWS test files in one process: 3.99 s without a cache,
// 2.94 s with the cache of each module's top level, 2.02 s with this one).
//
// How: jest compiles each module with node:vm's compileFunction, once per module per test file.
// In the jest worker this wraps that function: a package file compiles, the first time, as a
// vm.Script of the same function (its parameters, body and file name; columns of the first line
// kept by columnOffset). The second time the file is asked for, V8 serializes that script with
// every function compiled while the first test file ran (Script#createCachedData), and this and
// the following compiles of the file start from that data instead of the source. Nothing is
// shared between test files but compiled code: each file still evaluates every module afresh, in
// its own context, so module state stays its own.
//
// The cache lives in this worker process only, in memory. An entry serves only the very same
// source text and parameters (V8 itself checks little more than the length: a same-length edit
// would run stale code), and V8 rejects data of another V8 version or flags (the file then
// compiles from source). test/code-cache-runtime.test.ts checks all of this.
const path = require('node:path');
const vm = require('node:vm');

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** The wrapper's marker (its counters), so a second load of this file does not wrap twice. */
const WRAPPED = Symbol.for('baseline-test-code-cache');
/** Per file name: the source and parameters, the first script, then V8's data made from it. */
const entries = new Map();
/** Counters, read by the test of this file. */
const stats = { produced: 0, used: 0, rejected: 0 };

/** The function `compileFunction(code, params, options)` would return, and the script it comes from. */
function compileAsScript(code, params, options, cachedData) {
  const head = `(function (${params.join(', ')}) {`;
  const script = new vm.Script(`${head}${code}\n})`, {
    filename: options.filename,
    columnOffset: -head.length,
    cachedData,
    importModuleDynamically: options.importModuleDynamically,
  });
  return { script, fn: script.runInContext(options.parsingContext) };
}

if (!vm.compileFunction[WRAPPED]) {
  const compileFunction = vm.compileFunction;
  const withCodeCache = function compileFunctionWithCodeCache(code, params, options) {
    // Anything but jest compiling a package file goes the usual way.
    const filename = options?.filename;
    const usual = typeof filename !== 'string' || !filename.includes(NODE_MODULES) || !Array.isArray(params);
    if (usual || !options.parsingContext || options.cachedData !== undefined || options.produceCachedData) {
      return compileFunction.call(this, code, params, options);
    }
    const key = params.join(',');
    const entry = entries.get(filename);
    if (!entry || entry.code !== code || entry.params !== key) {
      const { script, fn } = compileAsScript(code, params, options, undefined);
      entries.set(filename, { code, params: key, script, data: undefined });
      return fn;
    }
    if (entry.script) {
      // The first test file has run it: the data holds what that file compiled.
      entry.data = entry.script.createCachedData();
      entry.script = undefined;
      stats.produced++;
    }
    const { script, fn } = compileAsScript(code, params, options, entry.data);
    if (script.cachedDataRejected) {
      stats.rejected++;
      entries.delete(filename);
    } else stats.used++;
    return fn;
  };
  withCodeCache[WRAPPED] = stats;
  vm.compileFunction = withCodeCache;
}

module.exports = require('jest-runtime').default;
