import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/*
 * A headless Chromium for the browser tests (what a person sees when opening a generated page),
 * with nothing installed on the machine: the browser comes from the npm package
 * @sparticuz/chromium, which ships a headless Chromium build and the few shared libraries it
 * needs (NSS, NSPR, expat) inside the package, and puppeteer-core drives it. Neither runs an
 * install script or downloads anything.
 *
 * The compressed binary is unpacked once per package version into the system temp directory
 * (about 1-2 s; later runs reuse it): into a private directory first, renamed into place when
 * complete, so parallel jest workers or test runs never see half a binary. CHROMIUM_PATH names
 * another Chromium to use instead (e.g. /usr/bin/chromium); it then runs with the machine's
 * libraries.
 */

/** The installed @sparticuz/chromium: its directory (main is build/cjs/index.cjs; package.json is not exported) and version. */
const PACKAGE_DIR = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
const PACKAGE_VERSION: string = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;

/** Flags for a headless Chromium run as root on a machine without network access. */
const FLAGS = [
  '--no-sandbox', // root cannot use the setuid/user-namespace sandbox; the pages are our own files
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // else it tries Google's hosts at start, refused here
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A Chromium to launch: its binary and the environment it needs. */
export interface ChromiumExecutable {
  readonly path: string;
  readonly env: Record<string, string>;
  /** Whether it is the headless shell of @sparticuz/chromium (else a full Chromium from CHROMIUM_PATH). */
  readonly bundled: boolean;
}

/** Decompresses a Brotli file (`*.br`) to `target`, or a Brotli tarball (`*.tar.br`) into the directory `target`. */
async function inflate(source: string, target: string): Promise<void> {
  if (source.endsWith('.tar.br')) {
    // tar-fs has no type declarations; its extract() is a writable stream unpacking into a directory.
    const { extract } = require('tar-fs') as { extract(dir: string): NodeJS.WritableStream };
    await pipeline(createReadStream(source), createBrotliDecompress(), extract(target));
  } else {
    await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target, { mode: 0o755 }));
  }
}

/**
 * The Chromium the browser tests launch: CHROMIUM_PATH when set, else the headless shell of
 * @sparticuz/chromium, unpacked on first use.
 */
export async function chromiumExecutable(): Promise<ChromiumExecutable> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override))
      throw new Error(
        `CHROMIUM_PATH is ${override}, which does not exist; unset it to use the Chromium of the @sparticuz/chromium package`,
      );
    return { path: override, env: {}, bundled: false };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships a Chromium for Linux x64 only (this is ${process.platform} ${process.arch}): set ` +
        `CHROMIUM_PATH to a Chromium or Chrome binary to run the browser tests`,
    );
  }
  const uid = process.getuid?.() ?? 'user';
  // In the system's temporary directory, not the run's (removed at its end): unpacked once, kept.
  const dir = path.join(process.env.BASELINE_TEST_SYSTEM_TMPDIR ?? tmpdir(), `baseline-chromium-${PACKAGE_VERSION}-${uid}`);
  const ready = path.join(dir, 'ready');
  if (!existsSync(ready)) {
    const bin = path.join(PACKAGE_DIR, 'bin');
    if (!existsSync(path.join(bin, 'chromium.br')))
      throw new Error(`${bin}/chromium.br is missing: run npm ci (the package @sparticuz/chromium ships the browser)`);
    const staging = mkdtempSync(`${dir}.partial-`);
    try {
      mkdirSync(path.join(staging, 'fonts'));
      await Promise.all([
        inflate(path.join(bin, 'chromium.br'), path.join(staging, 'chromium')),
        inflate(path.join(bin, 'al2023.tar.br'), staging), // lib/: NSS, NSPR and expat, built for this binary
        inflate(path.join(bin, 'fonts.tar.br'), path.join(staging, 'fonts')), // Open Sans, so text renders without system fonts
      ]);
      // Our fonts first; the machine's, when it has any, for the glyphs Open Sans lacks (✔ ✖ ...).
      writeFileSync(
        path.join(staging, 'fonts.conf'),
        [
          '<?xml version="1.0"?>',
          '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
          '<fontconfig>',
          `  <dir>${path.join(dir, 'fonts')}</dir>`,
          `  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>`,
          '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
          '</fontconfig>',
          '',
        ].join('\n'),
      );
      writeFileSync(path.join(staging, 'ready'), `${PACKAGE_VERSION}\n`);
      try {
        renameSync(staging, dir);
      } catch (err) {
        // Another process unpacked it first (the target exists): use theirs.
        if (!existsSync(ready)) throw err;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    path: path.join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
    bundled: true,
  };
}

/** Launches a headless Chromium (see {@link chromiumExecutable}); the caller closes it. */
export async function launchBrowser(): Promise<Browser> {
  const chromium = await chromiumExecutable();
  return puppeteer.launch({
    executablePath: chromium.path,
    // The package's build is the headless shell; a full Chromium (CHROMIUM_PATH) runs the new headless mode.
    headless: chromium.bundled ? 'shell' : true,
    args: FLAGS,
    env: { ...process.env, ...chromium.env } as Record<string, string>,
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
}

/** Opens a new page in a fresh browser, hands it to `use`, and closes the browser afterwards, also on failure. */
export async function withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await use(await browser.newPage());
  } finally {
    await browser.close();
  }
}
