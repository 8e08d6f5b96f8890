import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import claimsJson from '../../data/claims.json';
import { buildReport, renderJson } from '../../lib/evidence/report';
import { judgeClaims, parseClaims, renderTrustHtml } from '../../lib/evidence/trust-page';
import { smallEvaluation } from './small-evaluation';

// The public trust page opened in a real browser, launched the way the report's browser test does
// (test/evidence/report-browser.test.ts; when that test moves to a shared launch helper, so does
// this one): the page parses as written, shows one article per published claim and none of the
// claims a failing control withholds. One headless Chromium launch on a small evaluation.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function dumpDom(url: string): string {
  const profile = mkdtempSync(path.join(tmpdir(), 'trust-chromium-profile-'));
  try {
    return execFileSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=5000', '--dump-dom', url],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('trust page in a browser', () => {
  it('shows one article per published claim, none for the claims a failing control withholds', () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not at ${CHROMIUM}: this test opens the trust page in a headless browser. Install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary.`);
    }
    const claims = parseClaims(claimsJson, 'data/claims.json');
    // DB-FROM-APP fails in prod on AWS: A10, A12 and B3 are withheld.
    const evaluation = smallEvaluation([{ control: 'DB-FROM-APP', environment: 'prod', cloud: 'aws', resource: 'DatabaseF44359DD', message: 'PubliclyAccessible is true; expected false' }]);
    const verdicts = judgeClaims(claims, JSON.parse(renderJson(buildReport({ evaluation }))));
    const published = verdicts.filter((v) => v.published).map((v) => v.claim.id);
    expect(published).not.toContain('A12');
    const dir = mkdtempSync(path.join(tmpdir(), 'trust-browser-'));
    try {
      const file = path.join(dir, 'trust.html');
      writeFileSync(file, renderTrustHtml(verdicts, { environments: ['prod', 'staging'] }));
      const dom = dumpDom(pathToFileURL(file).href);
      expect(dom).toMatch(/<title>Security<\/title>/);
      const articles = [...dom.matchAll(/<article id="claim-([AB]\d+)" data-claim="\1">/g)].map((m) => m[1]);
      expect(articles).toEqual(published);
      for (const id of ['A10', 'A12', 'B3']) expect(dom).not.toContain(`data-claim="${id}"`);
      expect(dom).toMatch(new RegExp(`<p class="lead" id="summary" data-published="${published.length}" data-claims="29">`));
      // Every published article lists the controls that make it true.
      const a7 = dom.split('<article id="claim-A7"')[1].split('</article>')[0];
      expect(a7).toContain('<li data-control="EDGE-TLS">Public endpoints accept TLS 1.2+ only, redirect HTTP to HTTPS and send HSTS <span>(EDGE-TLS, checked on AWS and Azure)</span></li>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
