import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTROLS } from '../../lib/controls';
import type { Cloud } from '../../lib/controls/types';
import type { Evaluation, MatrixCell, StackEvaluation } from '../../lib/evidence/evaluate';
import { buildReport, renderHtml } from '../../lib/evidence/report';
import { withPage } from '../browser';

// The HTML report opened in a real browser: its inline script must read the filters from the URL
// hash and hide what does not match, because that is how a reviewer (or a CI link) opens it. One
// headless Chromium launch (test/browser.ts: the browser of an npm package, or CHROMIUM_PATH) on a
// small failing evaluation (no synthesis, so fast): the DOM after the script ran, what is visible,
// and a screenshot of the page.

function failingEvaluation(): Evaluation {
  const environments = ['prod', 'staging'];
  const clouds: Cloud[] = ['aws', 'azure'];
  const failing = (control: string, env: string, cloud: Cloud) => control === 'BASTION-SSH' && env === 'prod' && cloud === 'aws';
  const matrix: MatrixCell[] = CONTROLS.flatMap((c) =>
    environments.flatMap((environment) =>
      clouds.map((cloud): MatrixCell => {
        const stack = `${environment}-${cloud}-primary`;
        if (failing(c.id, environment, cloud)) {
          return {
            control: c.id,
            environment,
            cloud,
            status: 'fail',
            evidence: [],
            stacks: [stack],
            findings: [
              {
                control: c.id,
                stack,
                resource: 'BastionSecurityGroup6D392D75',
                message: 'SecurityGroupIngress admits 0.0.0.0/0 on port 22; expected allowlisted CIDRs of /24 or narrower',
              },
            ],
          };
        }
        const checked = c.checks[cloud] !== undefined;
        return {
          control: c.id,
          environment,
          cloud,
          status: checked ? 'pass' : 'unchecked',
          evidence: checked ? [`${stack}/Resource${c.id.replace(/-/g, '')}`] : [],
          findings: [],
          stacks: [stack],
        };
      }),
    ),
  );
  const stacks: StackEvaluation[] = environments.flatMap((environment) =>
    clouds.map((cloud): StackEvaluation => {
      const name = `${environment}-${cloud}-primary`;
      return {
        name,
        cloud,
        environment,
        role: 'primary',
        file: `${name}.json`,
        results: matrix
          .filter((m) => m.environment === environment && m.cloud === cloud && m.status !== 'unchecked')
          .map((m) => ({
            control: m.control,
            status: m.status as 'pass' | 'fail',
            findings: m.findings,
            evidence: m.evidence.map((e) => e.split('/')[1]),
          })),
      };
    }),
  );
  return { environments, stacks, environmentResults: [], matrix, failed: true };
}

describe('controls report in a browser', () => {
  it('filters the matrix from the URL hash: only the failing control of the chosen cloud stays', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-browser-'));
    try {
      const file = path.join(dir, 'controls.html');
      const screenshot = path.join(dir, 'controls.png');
      writeFileSync(file, renderHtml(buildReport({ evaluation: failingEvaluation() })));
      const { dom, visibleRows } = await withPage(async (page) => {
        await page.setViewport({ width: 1280, height: 900 });
        await page.goto(`${pathToFileURL(file).href}#status=fail&cloud=aws`, { waitUntil: 'load' });
        await page.waitForSelector('html[data-filters="ready"]', { timeout: 10_000 }).catch(() => undefined);
        await page.screenshot({ path: screenshot, fullPage: true });
        return {
          dom: await page.content(),
          // What is rendered, whatever the markup says (CSS could show a [hidden] row or hide the rest).
          visibleRows: await page.$$eval('tr[data-control]', (rows) =>
            rows.filter((r) => r.checkVisibility()).map((r) => r.getAttribute('data-control')),
          ),
        };
      });
      // A picture of what the reviewer sees: a PNG, not an empty file.
      const png = readFileSync(screenshot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
      expect(visibleRows).toEqual(['BASTION-SSH']);
      // The script ran (it marks the document) and the matrix is there.
      expect(dom).toMatch(/<html[^>]* data-filters="ready"/);
      expect(dom).toContain('<table id="matrix">');
      const rows = [...dom.matchAll(/<tr data-control="([A-Z-]+)"[^>]*>/g)].map((m) => ({
        control: m[1],
        hidden: /\shidden(="")?[\s>]/.test(m[0]),
      }));
      expect(rows).toHaveLength(CONTROLS.length);
      // Passing (and unchecked) rows are hidden; the failing one stays.
      expect(rows.filter((r) => !r.hidden).map((r) => r.control)).toEqual(['BASTION-SSH']);
      expect(dom).toMatch(/<p id="filter-status"[^>]*>Showing 1 of 24 controls\.<\/p>/);
      // cloud=aws hides the Azure columns; the failing cell is visible.
      expect(dom).toMatch(/<th data-environment="prod" data-cloud="azure" hidden="">/);
      expect(dom).toMatch(/<th data-environment="prod" data-cloud="aws">/);
      expect(dom).toMatch(/<td data-environment="prod" data-cloud="aws" data-status="fail" class="status-fail"[^>]*>✖ fail<\/td>/);
      // The details follow the filter: only the failing control's article is shown.
      const articles = [...dom.matchAll(/<article id="control-([A-Z-]+)"[^>]*>/g)].filter((m) => !/\shidden/.test(m[0])).map((m) => m[1]);
      expect(articles).toEqual(['BASTION-SSH']);
      // The topology is drawn, with the failing stack marked and its control named.
      expect(dom).toContain('<svg id="topology-svg"');
      expect(dom).toContain('<g class="node" data-stack="prod-aws-primary" data-status="fail" data-failing="BASTION-SSH">');
      expect(dom).toContain('<g class="node" data-stack="prod-azure-primary" data-status="pass">');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
