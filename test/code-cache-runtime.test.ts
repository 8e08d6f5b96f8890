import * as path from 'node:path';
import * as vm from 'node:vm';

// test/code-cache-runtime.js (jest.config.js "runtime"): jest compiles the packages through the
// caching wrapper, a second compile of a package file reuses V8's data, and the data is never
// used for another source (a stale cache would run code that is not on disk).
interface CacheStats {
  readonly produced: number;
  readonly used: number;
  readonly rejected: number;
}
const statsOf = (): CacheStats | undefined => (vm.compileFunction as any)[Symbol.for('baseline-test-code-cache')];
const FAKE = path.join(path.sep, 'nowhere', 'node_modules', 'fake-package', 'index.js');
const run = (code: string): unknown => vm.compileFunction(code, ['x'], { filename: FAKE })(2);

describe('code cache runtime', () => {
  it('is the runtime of this run', () => {
    expect(require('../jest.config.js').runtime).toBe('<rootDir>/test/code-cache-runtime.js');
    expect(statsOf()).toEqual({ produced: expect.any(Number), used: expect.any(Number), rejected: expect.any(Number) });
  });

  it("serves jest's second compile of a package file from the cache", () => {
    const before = { ...statsOf()! };
    let first: unknown;
    let second: unknown;
    jest.isolateModules(() => {
      first = require('ipaddr.js');
    });
    jest.isolateModules(() => {
      second = require('ipaddr.js');
    });
    // Two registries, two evaluations: the cache shares compiled code, never module state.
    expect(second).not.toBe(first);
    expect((second as any).parse('192.0.2.1').toString()).toBe('192.0.2.1');
    expect(statsOf()!.used).toBeGreaterThan(before.used);
  });

  it('compiles a changed source anew instead of using the data made for the old one', () => {
    expect(run('return x + 1;')).toBe(3);
    const afterFirst = { ...statsOf()! };
    expect(run('return x + 1;')).toBe(3);
    expect(statsOf()!.used).toBe(afterFirst.used + 1);
    // Same length, other code: V8 checks little more than the length, so the wrapper compares the text.
    expect(run('return x * 1;')).toBe(2);
    expect(run('return x + 1;')).toBe(3);
    expect(statsOf()!.rejected).toBe(afterFirst.rejected);
  });

  it('leaves files outside node_modules to the usual compile', () => {
    const before = { ...statsOf()! };
    expect(vm.compileFunction('return x;', ['x'], { filename: path.join(__dirname, 'not-a-package.js') })(5)).toBe(5);
    expect(statsOf()).toEqual(before);
  });
});
