import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import claimsJson from '../../data/claims.json';
import { buildReport, renderJson } from '../../lib/evidence/report';
import { judgeClaims, parseClaims, renderTrustHtml } from '../../lib/evidence/trust-page';
import { withPage } from '../browser';
import { smallEvaluation } from './small-evaluation';

// The public trust page opened in a real browser (test/browser.ts: Chromium from npm, nothing
// installed on the machine): the page parses as written, shows one article per published claim and
// none of the claims a failing control withholds. One headless Chromium launch on a small evaluation.
describe('trust page in a browser', () => {
  it('shows one article per published claim, none for the claims a failing control withholds', async () => {
    const claims = parseClaims(claimsJson, 'data/claims.json');
    // DB-FROM-APP fails in prod on AWS: A10, A12 and B3 are withheld.
    const evaluation = smallEvaluation([
      {
        control: 'DB-FROM-APP',
        environment: 'prod',
        cloud: 'aws',
        resource: 'DatabaseF44359DD',
        message: 'PubliclyAccessible is true; expected false',
      },
    ]);
    const verdicts = judgeClaims(claims, JSON.parse(renderJson(buildReport({ evaluation }))));
    const published = verdicts.filter((v) => v.published).map((v) => v.claim.id);
    expect(published).not.toContain('A12');
    const dir = mkdtempSync(path.join(tmpdir(), 'trust-browser-'));
    try {
      const file = path.join(dir, 'trust.html');
      writeFileSync(file, renderTrustHtml(verdicts, { environments: ['prod', 'staging'] }));
      const screenshot = path.join(dir, 'trust.png');
      const { dom, visible } = await withPage(async (page) => {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.screenshot({ path: screenshot, fullPage: true });
        return {
          dom: await page.content(),
          // What is rendered, whatever the markup says.
          visible: await page.$$eval('article[data-claim]', (els) =>
            els.filter((e) => e.checkVisibility()).map((e) => e.getAttribute('data-claim')),
          ),
        };
      });
      expect(visible).toEqual(published);
      const png = readFileSync(screenshot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
      expect(dom).toMatch(/<title>Security<\/title>/);
      const articles = [...dom.matchAll(/<article id="claim-([AB]\d+)" data-claim="\1">/g)].map((m) => m[1]);
      expect(articles).toEqual(published);
      for (const id of ['A10', 'A12', 'B3']) expect(dom).not.toContain(`data-claim="${id}"`);
      expect(dom).toMatch(new RegExp(`<p class="lead" id="summary" data-published="${published.length}" data-claims="29">`));
      // Every published article lists the controls that make it true.
      const a7 = dom.split('<article id="claim-A7"')[1].split('</article>')[0];
      expect(a7).toContain(
        '<li data-control="EDGE-TLS">Public endpoints accept TLS 1.2+ only, redirect HTTP to HTTPS and send HSTS ' +
          '<span>(EDGE-TLS, checked on AWS and Azure)</span></li>',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
