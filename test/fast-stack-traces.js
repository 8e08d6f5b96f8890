'use strict';
// Runs in every test file's context before its tests (jest.config.js setupFiles).
//
// cdktf records a stack trace for every token it creates (each resource attribute, list and
// reference) and aws-cdk-lib one per construct, by capturing a stack on a plain object. Under jest
// each capture is formatted by jest's source-map support, which maps every frame back to the
// TypeScript source: about 8 s of CPU over the suite, for traces no test reads. This context's
// Error.prepareStackTrace (which Node consults before the main context's) formats those plain
// objects' traces the way V8 does by default; a real Error (what a failing test prints) still goes
// through jest's source-mapped formatting.
const mainContextError = (() => {
  // An error made by Node's own code comes from the main context: its constructor is the Error
  // whose prepareStackTrace jest installs (after this file runs).
  try {
    require('node:fs').readFileSync('\0');
  } catch (err) {
    return err.constructor;
  }
  return undefined;
})();

Error.prepareStackTrace = (error, frames) => {
  if (
    error instanceof Error ||
    mainContextError === undefined ||
    (error !== null && typeof error === 'object' && error instanceof mainContextError)
  ) {
    const format = mainContextError?.prepareStackTrace;
    if (typeof format === 'function') return format(error, frames);
  }
  let out = 'Error';
  for (const frame of frames) out += `\n    at ${frame}`;
  return out;
};
