// The public trust page, generated from evidence (npm run trust-page): each claim of the claims
// list (data/claims.json) in plain words with the controls that make it true, published only when
// every one of those controls is proven wherever it applies. A claim whose controls fail, are not
// checked, or are not applicable anywhere is withheld and listed, with the reason, on a separate
// reviewer-only page: the public page never says more than the checks proved. Pure: no file
// system, no clock; the same claims and report always render the same bytes.
import { CONTROLS } from '../controls/catalogue';
import { CONTROL_FRAMEWORKS, FRAMEWORK_IDS, FRAMEWORKS } from '../controls/frameworks';
import type { Cloud, Control, ControlId } from '../controls/types';
import { satisfaction } from './cell-status';

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' };
const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'cloudflare'];

/** One claim of data/claims.json. */
export interface Claim {
  /** `A1`..`A16`, `B1`..`B13`. */
  readonly id: string;
  /** The source page (`A` or `B`). */
  readonly page: string;
  /** The claim as the source page makes it (paraphrased). */
  readonly claim: string;
  /** What the public page says: only what the controls citing the claim prove. */
  readonly statement: string;
  /** What of the claim the controls do not prove (reviewer page only). */
  readonly notCovered?: string;
}

/** A bad claims file or report: the message names the file, the problem and the fix. */
export class TrustPageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustPageInputError';
  }
}

const CLAIM_ID = /^(A([1-9]|1[0-6])|B([1-9]|1[0-3]))$/;

/**
 * The claims of a claims file (its parsed JSON): every id A1..A16 and B1..B13 exactly once, each
 * with its page, claim and statement; every claim a control of the catalogue cites must be there.
 */
export function parseClaims(json: unknown, file: string, controls: readonly Control[] = CONTROLS): Claim[] {
  const problems: string[] = [];
  const list = (json as { claims?: unknown })?.claims;
  if (!Array.isArray(list))
    throw new TrustPageInputError(`${file}: expected {"claims": [{"id": "A1", "page": "A", "claim": "...", "statement": "..."}, ...]}`);
  const claims: Claim[] = [];
  const seen = new Set<string>();
  list.forEach((c: any, i: number) => {
    const at = `${file}: claims[${i}]`;
    if (typeof c?.id !== 'string' || !CLAIM_ID.test(c.id))
      problems.push(`${at}.id: received ${JSON.stringify(c?.id)}; expected A1..A16 or B1..B13`);
    else if (seen.has(c.id)) problems.push(`${at}.id: ${c.id} is listed twice`);
    else seen.add(c.id);
    for (const field of ['page', 'claim', 'statement'] as const) {
      if (typeof c?.[field] !== 'string' || c[field].trim() === '')
        problems.push(`${at}.${field}: missing; every claim needs its ${field}`);
    }
    if (typeof c?.id === 'string' && typeof c?.page === 'string' && c.id[0] !== c.page)
      problems.push(`${at}.page: ${JSON.stringify(c.page)} does not match the id ${c.id}`);
    if (c?.notCovered !== undefined && typeof c.notCovered !== 'string') problems.push(`${at}.notCovered: expected text`);
    const extra = Object.keys(c ?? {}).filter((k) => !['id', 'page', 'claim', 'statement', 'notCovered'].includes(k));
    if (extra.length > 0) problems.push(`${at}: unknown field${extra.length === 1 ? '' : 's'} ${extra.join(', ')}`);
    claims.push(c as Claim);
  });
  for (const control of controls) {
    for (const s of control.sources) if (!seen.has(s)) problems.push(`${file}: claim ${s}, which ${control.id} cites, is missing`);
  }
  const expected = [...Array.from({ length: 16 }, (_, i) => `A${i + 1}`), ...Array.from({ length: 13 }, (_, i) => `B${i + 1}`)];
  for (const id of expected)
    if (!seen.has(id) && !problems.some((p) => p.includes(`claim ${id},`))) problems.push(`${file}: claim ${id} is missing`);
  if (problems.length > 0)
    throw new TrustPageInputError(
      `${problems.length === 1 ? problems[0] : `${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`}`,
    );
  const order = new Map(expected.map((id, i) => [id, i]));
  return [...claims].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** The parts of controls.json (lib/evidence/report.ts) the trust page reads. */
export interface TrustReport {
  readonly matrix: readonly {
    readonly control: string;
    readonly environment: string;
    readonly cloud: Cloud;
    readonly status: string;
    readonly findings: readonly { readonly stack: string; readonly resource: string; readonly message: string }[];
  }[];
  readonly summary: { readonly environments: readonly string[] };
}

/** The verdict on one control for a claim. */
export interface ControlVerdict {
  readonly id: ControlId;
  readonly claim: string;
  /** Proven everywhere it applies (and somewhere). */
  readonly proven: boolean;
  /** Where it was proven: `AWS` (in every environment of the report), `Azure (prod)` (in some). */
  readonly provenOn: readonly string[];
  /** Why it is not proven, one line per problem. */
  readonly reasons: readonly string[];
}

/** The verdict on one claim. */
export interface ClaimVerdict {
  readonly claim: Claim;
  readonly controls: readonly ControlVerdict[];
  /** Every control proven; false when no control cites the claim. */
  readonly published: boolean;
  /** Why the claim is withheld (empty when published). */
  readonly reasons: readonly string[];
}

const MAX_REASON = 300;

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

/**
 * Judges one control from the report's cells: proven when at least one cell it applies to is
 * satisfied (pass, config-enforced) and none is failing or unproven. Every cell counts: an
 * unchecked cell (the control applies on that cloud and nothing verifies it) withholds the claim
 * like a failing one; only not-applicable cells (the cloud holds nothing the control concerns)
 * neither prove nor disprove.
 */
export function judgeControl(control: Control, report: TrustReport): ControlVerdict {
  const cells = report.matrix.filter((c) => c.control === control.id);
  const reasons: string[] = [];
  const provenBy = new Map<Cloud, string[]>();
  for (const cell of cells) {
    const verdict = satisfaction(cell.status);
    const where = `${cell.environment} on ${CLOUD_LABEL[cell.cloud]}`;
    if (verdict === 'satisfied') provenBy.set(cell.cloud, [...(provenBy.get(cell.cloud) ?? []), cell.environment]);
    else if (verdict === 'not-satisfied') {
      if (cell.status === 'fail') {
        const f = cell.findings[0];
        reasons.push(
          clip(
            `${control.id} fails in ${where}${f ? `: ${f.stack}/${f.resource}: ${f.message}` : ''}` +
              `${cell.findings.length > 1 ? ` (+${cell.findings.length - 1} more findings)` : ''}`,
          ),
        );
      } else {
        reasons.push(
          `${control.id} is not proven in ${where} (status "${cell.status}"): no check of the synthesized output proves it there`,
        );
      }
    }
  }
  if (cells.length === 0) reasons.push(`${control.id} is not in the report (no cell)`);
  else if (provenBy.size === 0 && reasons.length === 0)
    reasons.push(`${control.id} is not applicable wherever it was checked (no stack holds what it concerns), so nothing proves it`);
  const all = [...report.summary.environments].sort().join(', ');
  const provenOn = CLOUDS.filter((c) => provenBy.has(c)).map((c) => {
    const envs = [...new Set(provenBy.get(c))].sort().join(', ');
    return envs === all ? CLOUD_LABEL[c] : `${CLOUD_LABEL[c]} (${envs})`;
  });
  return { id: control.id, claim: control.claim, proven: reasons.length === 0, provenOn, reasons };
}

/** The verdict on every claim, in claims order. */
export function judgeClaims(claims: readonly Claim[], report: TrustReport, controls: readonly Control[] = CONTROLS): ClaimVerdict[] {
  return claims.map((claim) => {
    const citing = controls.filter((c) => c.sources.includes(claim.id));
    const verdicts = citing.map((c) => judgeControl(c, report));
    const reasons =
      citing.length === 0
        ? ['no control of the catalogue makes this claim true (it is not covered by infrastructure code)']
        : verdicts.flatMap((v) => v.reasons);
    return { claim, controls: verdicts, published: reasons.length === 0, reasons };
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Text safe in Markdown paragraphs and list items. */
function md(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

/** Text safe in HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Options of the rendering. */
export interface TrustPageOptions {
  /** The page's title. @default 'Security' */
  readonly title?: string;
  /** The source pages' descriptions by page letter (data/claims.json `pages`). */
  readonly pages?: Readonly<Record<string, string>>;
  /** The environments the report covers (the intro says where the checks ran). @default - not named */
  readonly environments?: readonly string[];
}

/** `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function environmentsText(report: { environments: readonly string[] }): string {
  return report.environments.length === 0 ? '' : ` in ${list([...report.environments].sort())}`;
}

function frameworksLine(ids: readonly ControlId[]): string[] {
  return FRAMEWORK_IDS.map((f) => {
    const refs = [...new Set(ids.flatMap((id) => (CONTROL_FRAMEWORKS as Partial<typeof CONTROL_FRAMEWORKS>)[id]?.frameworks[f] ?? []))];
    return `${FRAMEWORKS[f].name}: ${refs.join(', ')}`;
  });
}

/** `trust.md`: the public page in Markdown (published claims only). */
export function renderTrustMarkdown(verdicts: readonly ClaimVerdict[], options: TrustPageOptions = {}): string {
  const published = verdicts.filter((v) => v.published);
  const out: string[] = [`# ${md(options.title ?? 'Security')}`, ''];
  out.push(
    '<!-- Generated by `npm run trust-page` from data/claims.json and the controls report; do not edit. A claim appears only ' +
      'when every control that makes it true passed its checks. -->',
    '',
  );
  out.push(
    `Each statement below is made true by infrastructure code and checked on every ` +
      `change${environmentsText({ environments: options.environments ?? [] })}: ${published.length} of ${verdicts.length} claims ` +
      `are proven today.`,
    '',
  );
  for (const v of published) {
    out.push(`## ${md(v.claim.statement)}`, '');
    for (const c of v.controls) out.push(`- ${md(c.claim)} (${c.id}, checked on ${list(c.provenOn)})`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** `trust-review.md`: the reviewer-only page: withheld claims with reasons, and what each published one rests on. */
export function renderTrustReview(verdicts: readonly ClaimVerdict[], options: TrustPageOptions = {}): string {
  const withheld = verdicts.filter((v) => !v.published);
  const published = verdicts.filter((v) => v.published);
  const out: string[] = ['# Trust page: reviewer notes (not for publication)', ''];
  out.push('<!-- Generated by `npm run trust-page`; do not publish this file. -->', '');
  out.push(
    `${published.length} claims published, ${withheld.length} withheld. A claim is published only when every control citing ` +
      `it (lib/controls/catalogue.ts) is proven wherever it applies: a check passed (or the configuration enforcement was ` +
      `checked), nothing failed, nothing is left unchecked.`,
    '',
  );
  out.push('## Withheld claims', '');
  if (withheld.length === 0) out.push('None.', '');
  for (const v of withheld) {
    out.push(`### ${v.claim.id}: ${md(v.claim.statement)}`, '');
    out.push(`Claim (${md(options.pages?.[v.claim.page] ?? `page ${v.claim.page}`)}): ${md(v.claim.claim)}`, '');
    out.push('Withheld because:', '');
    for (const r of v.reasons) out.push(`- ${md(r)}`);
    if (v.claim.notCovered) out.push(`- And the claim goes beyond the code: ${md(v.claim.notCovered)}`);
    out.push('');
  }
  out.push('## Published claims', '');
  for (const v of published) {
    out.push(`### ${v.claim.id}: ${md(v.claim.statement)}`, '');
    out.push(`Claim: ${md(v.claim.claim)}`, '');
    for (const c of v.controls) out.push(`- ${c.id}: proven on ${list(c.provenOn)}`);
    out.push(
      `- Frameworks: ${frameworksLine(v.controls.map((c) => c.id))
        .map(md)
        .join('; ')}`,
    );
    if (v.claim.notCovered) out.push(`- Not covered by code (the statement leaves it out): ${md(v.claim.notCovered)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// A backslash at the end of a line continues that line: the value has no line break there (source lines stay under 140 columns).
const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --ok: #1a7f37; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 52rem; padding: \
2rem 1.25rem 4rem; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
.lead { color: var(--muted); margin: 0 0 2rem; }
article { border-top: 1px solid var(--line); padding: 1rem 0; }
article h2 { font-size: 1.15rem; margin: 0 0 .4rem; }
article h2::before { content: "\\2714\\FE0E  "; color: var(--ok); }
.controls { color: var(--muted); font-size: .9rem; margin: 0; padding-left: 1.1rem; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; margin-top: 2rem; padding-top: 1rem; }
`;

/** `trust.html`: the public page, one self-contained HTML file (inline CSS, no script, nothing fetched). */
export function renderTrustHtml(verdicts: readonly ClaimVerdict[], options: TrustPageOptions = {}): string {
  const published = verdicts.filter((v) => v.published);
  const title = options.title ?? 'Security';
  const h: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
  ];
  h.push(`<title>${escapeHtml(title)}</title>`, `<style>${CSS}</style>`, '</head>', '<body>');
  h.push('<header>', `<h1>${escapeHtml(title)}</h1>`);
  h.push(
    `<p class="lead" id="summary" data-published="${published.length}" data-claims="${verdicts.length}">Each statement below ` +
      `is made true by infrastructure code and checked on every ` +
      `change${escapeHtml(environmentsText({ environments: options.environments ?? [] }))}: ${published.length} of ` +
      `${verdicts.length} claims are proven today.</p>`,
    '</header>',
  );
  h.push('<main>');
  for (const v of published) {
    h.push(`<article id="claim-${escapeHtml(v.claim.id)}" data-claim="${escapeHtml(v.claim.id)}">`);
    h.push(`<h2>${escapeHtml(v.claim.statement)}</h2>`);
    h.push(
      `<ul class="controls">` +
        v.controls
          .map(
            (c) =>
              `<li data-control="${escapeHtml(c.id)}">${escapeHtml(c.claim)} <span>(${escapeHtml(c.id)}, checked on ` +
              `${escapeHtml(list(c.provenOn))})</span></li>`,
          )
          .join('') +
        '</ul>',
    );
    h.push('</article>');
  }
  h.push('</main>');
  h.push(
    "<footer><p>Generated from the security baseline's controls report: a statement appears only while every control that " +
      'makes it true passes its checks.</p></footer>',
  );
  h.push('</body>', '</html>');
  return `${h.join('\n')}\n`;
}

/** The three files of the trust page, by name. */
export function renderTrustPage(
  verdicts: readonly ClaimVerdict[],
  options: TrustPageOptions = {},
): Record<'trust.md' | 'trust.html' | 'trust-review.md', string> {
  return {
    'trust.md': renderTrustMarkdown(verdicts, options),
    'trust.html': renderTrustHtml(verdicts, options),
    'trust-review.md': renderTrustReview(verdicts, options),
  };
}
