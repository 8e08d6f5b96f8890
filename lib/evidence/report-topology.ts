// The topology picture of the HTML report: per environment, the edge in front of each cloud's
// stacks (primary region, DR region, DR database, CDN), drawn from the synthesized stacks
// themselves, with every stack that fails a control marked and the failing controls named. So a
// reviewer sees where in the deployment a failure sits, not only which control. Inline SVG, no
// external resources, fixed geometry: the same stacks always draw the same bytes.
import type { Cloud, ControlId } from '../controls/types';
import type { StackRole } from './synth-output';
import type { ControlsReport, ReportStack } from './report';

const NODE_W = 200;
const NODE_H = 66;
const GAP = 22;
const PAD = 14;
const GROUP_LABEL = 22;
const GROUP_GAP = 36;
const MARGIN = 20;
const EDGE_Y = 40;
const GROUPS_Y = EDGE_Y + NODE_H + 64;
const PANEL_H = GROUPS_Y + GROUP_LABEL + PAD * 2 + NODE_H + 24;
const LEGEND_H = 34;

const ROLE_ORDER: readonly StackRole[] = ['edge', 'primary', 'dr', 'dr-database', 'other'];
const ROLE_LABEL: Record<StackRole, string> = {
  primary: 'primary region',
  dr: 'DR region',
  'dr-database': 'DR database',
  edge: 'edge',
  other: 'stack',
};

interface Node {
  readonly stack?: ReportStack;
  readonly x: number;
  readonly y: number;
  readonly title: string;
  readonly subtitle: string;
  readonly failing: readonly ControlId[];
  readonly passing: number;
}

/** How the report module renders text, passed in so this module does not import it at run time. */
export interface TopologyRenderOptions {
  readonly escape: (text: string) => string;
  readonly cloudLabel: Readonly<Record<Cloud, string>>;
}

function failingControls(stack: ReportStack): ControlId[] {
  return [...new Set(stack.results.filter((r) => r.status === 'fail').map((r) => r.control))].sort();
}

/** `a, b, c +2` within about `max` characters. */
function shortList(items: readonly string[], max: number): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const next = out ? `${out}, ${items[i]}` : items[i];
    if (next.length > max && out) return `${out} +${items.length - i}`;
    out = next;
  }
  return out;
}

function roleOf(stack: ReportStack, cloudLabel: Readonly<Record<Cloud, string>>): string {
  if (stack.cloud === 'aws' && stack.role === 'edge') return 'CDN for static assets';
  if (stack.cloud === 'cloudflare') return `${cloudLabel.cloudflare} edge`;
  return ROLE_LABEL[stack.role];
}

function nodeFor(stack: ReportStack, x: number, y: number, cloudLabel: Readonly<Record<Cloud, string>>): Node {
  const where = stack.cloud === 'cloudflare' ? stack.hosts?.join(', ') : stack.region;
  return {
    stack,
    x,
    y,
    title: stack.name,
    subtitle: where ? `${roleOf(stack, cloudLabel)} · ${where}` : roleOf(stack, cloudLabel),
    failing: failingControls(stack),
    passing: stack.results.filter((r) => r.status === 'pass').length,
  };
}

function drawNode(n: Node, esc: (s: string) => string): string {
  const status = n.failing.length > 0 ? 'fail' : n.stack && n.passing > 0 ? 'pass' : 'none';
  const fill = status === 'fail' ? '#ffebe9' : status === 'pass' ? '#dafbe1' : '#f6f8fa';
  const stroke = status === 'fail' ? '#cf222e' : status === 'pass' ? '#1a7f37' : '#8c959f';
  const line3 = !n.stack
    ? 'clients'
    : n.failing.length > 0
      ? `✖ fails ${shortList(n.failing, 24)}`
      : n.passing > 0
        ? `✔ ${n.passing} controls pass`
        : 'no control applies';
  const tip = n.failing.length > 0 ? `${n.title}: fails ${n.failing.join(', ')}` : `${n.title}: ${line3}`;
  const cx = n.x + NODE_W / 2;
  return [
    `<g class="node" data-stack="${esc(n.title)}" ` +
      `data-status="${status}"${n.failing.length > 0 ? ` data-failing="${esc(n.failing.join(' '))}"` : ''}>`,
    `<title>${esc(tip)}</title>`,
    `<rect x="${n.x}" y="${n.y}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${fill}" stroke="${stroke}" ` +
      `stroke-width="${status === 'fail' ? 2.5 : 1.2}"/>`,
    `<text x="${cx}" y="${n.y + 20}" text-anchor="middle" font-weight="600" font-size="13">${esc(n.title)}</text>`,
    `<text x="${cx}" y="${n.y + 38}" text-anchor="middle" font-size="11" fill="#59636e">${esc(n.subtitle)}</text>`,
    `<text x="${cx}" y="${n.y + 56}" text-anchor="middle" font-size="11" ` +
      `fill="${status === 'fail' ? '#cf222e' : '#1a7f37'}">${esc(line3)}</text>`,
    '</g>',
  ].join('');
}

function arrow(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  kind: 'traffic' | 'failover' | 'replication',
  tip: string,
  esc: (s: string) => string,
): string {
  const dash = kind === 'failover' ? ' stroke-dasharray="7 5"' : kind === 'replication' ? ' stroke-dasharray="2 4"' : '';
  const color = kind === 'replication' ? '#8250df' : '#57606a';
  return (
    `<line class="link link-${kind}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${color}" stroke-width="1.6"${dash} ` +
    `marker-end="url(#arrow-${kind === 'replication' ? 'replication' : 'traffic'})"><title>${esc(tip)}</title></line>`
  );
}

/** The topology of every environment of the report as one inline `<svg>` element. */
export function renderTopologySvg(report: ControlsReport, options: TopologyRenderOptions): string {
  const esc = options.escape;
  const panels: { height: number; width: number; body: string[] }[] = [];
  for (const environment of report.summary.environments) {
    const own = report.stacks.filter((s) => s.environment === environment);
    const byRole = (a: ReportStack, b: ReportStack) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const groups = (['aws', 'azure'] as const)
      .map((cloud) => ({ cloud, stacks: own.filter((s) => s.cloud === cloud).sort(byRole) }))
      .filter((g) => g.stacks.length > 0);
    const groupWidth = (n: number) => PAD * 2 + n * NODE_W + (n - 1) * GAP;
    const groupsWidth = groups.reduce((w, g) => w + groupWidth(g.stacks.length), 0) + GROUP_GAP * Math.max(0, groups.length - 1);
    const edges = own.filter((s) => s.cloud === 'cloudflare').sort(byRole);
    const edgeWidth = Math.max(1, edges.length) * NODE_W + Math.max(0, edges.length - 1) * GAP;
    const width = MARGIN * 2 + Math.max(groupsWidth, edgeWidth);
    const body: string[] = [];
    body.push(`<text x="${MARGIN}" y="24" font-size="16" font-weight="700">${esc(environment)}</text>`);

    // Cloud groups and their stacks.
    const nodes: Node[] = [];
    let gx = MARGIN + (width - MARGIN * 2 - groupsWidth) / 2;
    for (const g of groups) {
      const gw = groupWidth(g.stacks.length);
      const envFailing = [
        ...new Set(
          report.environmentResults
            .filter((e) => e.environment === environment && e.cloud === g.cloud)
            .flatMap((e) => e.results.filter((r) => r.status === 'fail').map((r) => r.control)),
        ),
      ].sort();
      const label = `${options.cloudLabel[g.cloud]}${envFailing.length > 0 ? ` · across stacks ✖ fails ${envFailing.join(', ')}` : ''}`;
      body.push(
        `<g class="cloud" data-cloud="${g.cloud}" data-status="${envFailing.length > 0 ? 'fail' : 'ok'}">`,
        `<rect x="${gx}" y="${GROUPS_Y}" width="${gw}" height="${GROUP_LABEL + PAD * 2 + NODE_H}" rx="10" fill="none" ` +
          `stroke="${envFailing.length > 0 ? '#cf222e' : '#d0d7de'}" stroke-width="${envFailing.length > 0 ? 2 : 1}"/>`,
        `<text x="${gx + PAD}" y="${GROUPS_Y + 17}" font-size="12" font-weight="600" ` +
          `fill="${envFailing.length > 0 ? '#cf222e' : '#59636e'}">${esc(label)}</text>`,
        '</g>',
      );
      g.stacks.forEach((stack, i) => {
        nodes.push(nodeFor(stack, gx + PAD + i * (NODE_W + GAP), GROUPS_Y + GROUP_LABEL + PAD, options.cloudLabel));
      });
      gx += gw + GROUP_GAP;
    }

    // The edge: Cloudflare stacks, or the clients themselves when nothing fronts the origins.
    const edgeX0 = MARGIN + (width - MARGIN * 2 - edgeWidth) / 2;
    const edgeNodes: Node[] =
      edges.length > 0
        ? edges.map((s, i) => nodeFor(s, edgeX0 + i * (NODE_W + GAP), EDGE_Y, options.cloudLabel))
        : [{ x: edgeX0, y: EDGE_Y, title: 'Internet', subtitle: 'no edge stack in this environment', failing: [], passing: 0 }];

    // Links: the edge to each origin (primary: traffic; DR: failover), primary to DR (replication).
    const links: string[] = [];
    for (const e of edgeNodes) {
      const origins = e.stack?.origins;
      const targets = nodes.filter(
        (n) =>
          n.stack &&
          n.stack.role !== 'edge' &&
          n.stack.role !== 'other' &&
          n.stack.role !== 'dr-database' &&
          (!origins || origins.includes(n.stack.name)),
      );
      for (const t of targets) {
        const kind = t.stack!.role === 'primary' ? 'traffic' : 'failover';
        links.push(arrow(e.x + NODE_W / 2, e.y + NODE_H, t.x + NODE_W / 2, t.y - 2, kind, `${e.title} → ${t.title} (${kind})`, esc));
      }
    }
    for (const g of groups) {
      const primary = nodes.find((n) => n.stack?.cloud === g.cloud && n.stack.role === 'primary');
      for (const dr of nodes.filter((n) => n.stack?.cloud === g.cloud && (n.stack.role === 'dr' || n.stack.role === 'dr-database'))) {
        if (!primary || dr.x <= primary.x) continue;
        // Adjacent nodes get a straight arrow between them; farther ones an arc below.
        if (dr.x - primary.x === NODE_W + GAP)
          links.push(
            arrow(
              primary.x + NODE_W,
              primary.y + NODE_H / 2,
              dr.x - 2,
              dr.y + NODE_H / 2,
              'replication',
              `${primary.title} → ${dr.title} (replication)`,
              esc,
            ),
          );
        else {
          const y = primary.y + NODE_H;
          links.push(
            `<path class="link link-replication" d="M${primary.x + NODE_W / 2},${y} C${primary.x + NODE_W / 2},${y + 22} ` +
              `${dr.x + NODE_W / 2},${y + 22} ${dr.x + NODE_W / 2},${y + 2}" fill="none" stroke="#8250df" stroke-width="1.6" ` +
              `stroke-dasharray="2 4" marker-end="url(#arrow-replication)"><title>` +
              `${esc(`${primary.title} → ${dr.title} (replication)`)}</title></path>`,
          );
        }
      }
    }
    body.push(...links, ...edgeNodes.map((n) => drawNode(n, esc)), ...nodes.map((n) => drawNode(n, esc)));
    panels.push({ height: PANEL_H, width, body });
  }

  const width = Math.max(680, ...panels.map((p) => p.width));
  const height = panels.reduce((h, p) => h + p.height, 0) + LEGEND_H;
  const out: string[] = [];
  out.push(
    `<svg id="topology-svg" role="img" aria-labelledby="topology-title" viewBox="0 0 ${width} ${height}" width="${width}" ` +
      `height="${height}" font-family="system-ui, sans-serif">`,
  );
  out.push(
    `<title id="topology-title">` +
      esc(
        `Topology of ${report.summary.environments.join(', ')}: ` +
          (report.summary.result === 'fail' ? `${report.summary.failing.length} failing cells` : report.summary.headline),
      ) +
      '</title>',
  );
  out.push('<defs>');
  out.push(
    '<marker id="arrow-traffic" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker>',
  );
  out.push(
    '<marker id="arrow-replication" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8250df"/></marker>',
  );
  out.push('</defs>');
  let y = 0;
  report.summary.environments.forEach((environment, i) => {
    out.push(`<g class="environment" data-environment="${esc(environment)}" transform="translate(0 ${y})">`, ...panels[i].body, '</g>');
    y += panels[i].height;
  });
  out.push(`<g class="legend" transform="translate(${MARGIN} ${y + 8})" font-size="11" fill="#59636e">`);
  out.push(
    '<line x1="0" y1="8" x2="28" y2="8" stroke="#57606a" stroke-width="1.6"/><text x="34" y="12">traffic to the primary region</text>',
  );
  out.push(
    '<line x1="200" y1="8" x2="228" y2="8" stroke="#57606a" stroke-width="1.6" stroke-dasharray="7 5"/><text x="234" ' +
      'y="12">failover to the DR region</text>',
  );
  out.push(
    '<line x1="390" y1="8" x2="418" y2="8" stroke="#8250df" stroke-width="1.6" stroke-dasharray="2 4"/><text x="424" ' +
      'y="12">replication</text>',
  );
  out.push(
    '<rect x="510" y="1" width="14" height="14" rx="3" fill="#ffebe9" stroke="#cf222e" stroke-width="2"/><text x="530" ' +
      'y="12">fails a control</text>',
  );
  out.push('</g>', '</svg>');
  return out.join('\n');
}
