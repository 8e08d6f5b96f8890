import * as path from 'node:path';
import * as vm from 'node:vm';

// test/code-cache-runtime.js (jest.config.js "runtime"): jest compiles the packages through the
// caching wrapper, a later compile of a package file starts from V8's data, the data is never
// used for another source (a stale cache would run code that is not on disk), and a compiled
// module reports the positions its source has.
interface CacheStats {
  readonly produced: number;
  readonly used: number;
  readonly rejected: number;
}
const statsOf = (): CacheStats | undefined => (vm.compileFunction as any)[Symbol.for('baseline-test-code-cache')];
const FAKE = path.join(path.sep, 'nowhere', 'node_modules', 'fake-package', 'index.js');
const context = vm.createContext({});
// As jest calls it: a file name, a parsing context, parameters.
const compile = (code: string, filename = FAKE) => vm.compileFunction(code, ['x'], { filename, parsingContext: context });

describe('code cache runtime', () => {
  it('is the runtime of this run', () => {
    expect(require('../jest.config.js').runtime).toBe('<rootDir>/test/code-cache-runtime.js');
    expect(statsOf()).toEqual({ produced: expect.any(Number), used: expect.any(Number), rejected: expect.any(Number) });
  });

  it("starts jest's later compiles of a package file from the cache, and evaluates the module afresh each time", () => {
    const before = { ...statsOf()! };
    const loads: any[] = [];
    for (let i = 0; i < 3; i++) {
      jest.isolateModules(() => {
        loads.push(require('ipaddr.js'));
      });
    }
    expect(new Set(loads).size).toBe(3);
    for (const ipaddr of loads) expect(ipaddr.parse('192.0.2.1').toString()).toBe('192.0.2.1');
    expect(statsOf()!.used).toBeGreaterThan(before.used);
    expect(statsOf()!.rejected).toBe(before.rejected);
  });

  it('compiles a changed source anew instead of using the data made for the old one', () => {
    const at = { ...statsOf()! };
    const counts = () => ({ produced: statsOf()!.produced - at.produced, used: statsOf()!.used - at.used });
    expect(compile('return x + 1;')(2)).toBe(3);
    expect(compile('return x + 1;')(2)).toBe(3);
    expect(compile('return x + 1;')(2)).toBe(3);
    expect(counts()).toEqual({ produced: 1, used: 2 });
    // Same length, other code: V8 checks little more than the length, so the wrapper compares the text.
    expect(compile('return x * 1;')(2)).toBe(2);
    expect(compile('return x + 1;')(2)).toBe(3);
    expect(counts()).toEqual({ produced: 1, used: 2 });
    expect(statsOf()!.rejected).toBe(at.rejected);
  });

  it("reports the source's own line and column in a stack trace, as compileFunction does", () => {
    // The first line too: the script's wrapper sits in front of it.
    const code = "if (x === 0) throw new Error('line 1');\nif (x === 1) throw new Error('line 2');\nthrow new Error('line 3');";
    const frameOf = (filename: string, arg: number) => {
      try {
        compile(code, filename)(arg);
      } catch (err) {
        return (err as Error).stack!.split('\n')[1].replace(filename, '<file>');
      }
      throw new Error('did not throw');
    };
    const plain = path.join(__dirname, 'not-a-package.js');
    for (const arg of [0, 1, 2]) {
      // Twice: the first compile (a script) and a later one (from the cache data).
      expect(frameOf(FAKE, arg)).toBe(frameOf(plain, arg));
      expect(frameOf(FAKE, arg)).toBe(frameOf(plain, arg));
    }
    expect([0, 1, 2].map((arg) => frameOf(FAKE, arg))).toEqual(['    at <file>:1:20', '    at <file>:2:20', '    at <file>:3:7']);
  });

  it('leaves files outside node_modules to the usual compile', () => {
    const before = { ...statsOf()! };
    expect(compile('return x;', path.join(__dirname, 'not-a-package.js'))(5)).toBe(5);
    expect(compile('return x;', path.join(__dirname, 'not-a-package.js'))(5)).toBe(5);
    expect(statsOf()).toEqual(before);
  });
});
