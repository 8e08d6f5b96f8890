// NIST OSCAL 1.1.2 documents an auditor's tool can ingest: an assessment-results document (one
// result per run of the control checks: observations per check with the stacks and resources
// observed and the synthesized file as evidence; one finding per control x environment x cloud,
// satisfied or not; the NIST SP 800-53 controls reviewed) and a component-definition (which
// source files implement which controls). Validated in tests against NIST's schemas, vendored in
// data/schemas. Pure and deterministic: UUIDs are derived from content (name-based, version 5),
// and the only timestamps are the ones the schema requires, all equal to the one given.
import { createHash } from 'node:crypto';
import { CONTROLS } from '../controls/catalogue';
import { CONTROL_FRAMEWORKS, FRAMEWORK_IDS, FRAMEWORKS, NIST_OSCAL_IDS, type ControlFrameworkMapping } from '../controls/frameworks';
import { CONTROL_IMPLEMENTATIONS } from '../controls/implementations';
import type { CheckResult, Cloud, ControlId } from '../controls/types';
import { satisfaction } from './cell-status';
import type { Evaluation, MatrixCell } from './evaluate';

/** The OSCAL version the documents declare (and are validated against: data/schemas). */
export const OSCAL_VERSION = '1.1.2';

/** The namespace of this project's OSCAL properties (`ns` of every prop it defines). */
export const OSCAL_NS = 'urn:saas-security-baseline:oscal';

/** The NIST SP 800-53 Rev. 5 catalogue the control ids refer to (NIST's OSCAL content). */
export const NIST_CATALOG_HREF =
  'https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json';

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' };

// The namespace of every UUID the documents hold: itself a name-based UUID of the URL namespace
// (RFC 4122 appendix C) for this project's OSCAL namespace, so it is reproducible from its name.
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * A name-based UUID (RFC 4122 section 4.3, version 5: SHA-1 of the namespace's 16 bytes and the
 * name's UTF-8 bytes, with the version and variant bits set). The same name always gives the same
 * UUID, so documents built from the same content carry the same identifiers.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`uuidV5: namespace ${JSON.stringify(namespace)} is not a UUID`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The namespace UUID of this project's OSCAL documents. */
export const OSCAL_UUID_NAMESPACE = uuidV5(OSCAL_NS, URL_NAMESPACE);

const uuid = (name: string) => uuidV5(name, OSCAL_UUID_NAMESPACE);

/** An RFC 3339 timestamp with a time zone, as OSCAL's DateTimeWithTimezoneDatatype requires. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Thrown when the documents cannot be built from the input (the message says what to fix). */
export class OscalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OscalInputError';
  }
}

function checkTimestamp(timestamp: string): string {
  if (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    throw new OscalInputError(
      `timestamp ${JSON.stringify(timestamp)} is not an RFC 3339 date-time with a time zone (e.g. 2026-01-31T12:00:00Z); set ` +
        `SOURCE_DATE_EPOCH to seconds since 1970, or run from a git clone (the default is the HEAD commit's date)`,
    );
  }
  return timestamp;
}

const prop = (name: string, value: string, extra: Record<string, string> = {}) => ({ name, ns: OSCAL_NS, value, ...extra });

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The OSCAL catalogue ids (sc-8.1) of the NIST controls a control maps to, in mapping order. */
export function nistControlIds(control: ControlId): string[] {
  const mapping = (CONTROL_FRAMEWORKS as Partial<Record<ControlId, ControlFrameworkMapping>>)[control];
  return (mapping?.frameworks['nist-800-53'] ?? []).map((label) => {
    const id = NIST_OSCAL_IDS.get(label);
    if (!id) throw new OscalInputError(`${control}: NIST SP 800-53 id ${label} is not in data/frameworks/nist-sp800-53r5.json`);
    return id;
  });
}

/** The framework references of a control as OSCAL properties (one per framework id). */
function frameworkProps(control: ControlId): { name: string; ns: string; value: string; class: string }[] {
  const mapping = (CONTROL_FRAMEWORKS as Partial<Record<ControlId, ControlFrameworkMapping>>)[control];
  if (!mapping) return [];
  return FRAMEWORK_IDS.flatMap((f) =>
    mapping.frameworks[f].map((id) => ({ name: 'framework-control', ns: OSCAL_NS, value: id, class: f })),
  );
}

/** Where a resource is declared in a synthesized file, as a JSON Pointer fragment (RFC 6901). */
export function resourcePointer(cloud: Cloud, resource: string): string {
  const esc = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
  if (resource === '(template)') return '';
  if (cloud === 'aws') return `#/Resources/${esc(resource)}`;
  const tf = /^([a-z][a-z0-9_]*)\.(.+)$/.exec(resource);
  return tf ? `#/resource/${esc(tf[1])}/${esc(tf[2])}` : '';
}

/** A path as an OSCAL URI reference: forward slashes, each segment percent-encoded. */
function hrefOf(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** What the assessment-results document is built from. */
export interface AssessmentResultsInput {
  readonly evaluation: Evaluation;
  /** When the evidence was collected: metadata.last-modified, result.start and every observation's collected. */
  readonly timestamp: string;
  /** The tool's version (package.json). */
  readonly version: string;
  /** Where the input came from, e.g. `{ config: 'config/baseline.json', 'AWS cloud assembly': 'cdk.out' }`. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** The commit the synthesized output was built from, when known. */
  readonly commit?: string;
}

interface Observed {
  readonly uuid: string;
  readonly control: ControlId;
  readonly environment: string;
  readonly cloud: Cloud;
  readonly observation: object;
}

/**
 * The OSCAL assessment-results document (`{ "assessment-results": ... }`) of one evaluation.
 * Cells that are `not-applicable` get no finding (the result's remarks list them); `pass` and
 * `config-enforced` cells are satisfied; every other status (fail, not checked, unchecked, or one
 * this code does not know) is not-satisfied, with the reason: never more than was proven.
 */
export function buildAssessmentResults(input: AssessmentResultsInput): object {
  const timestamp = checkTimestamp(input.timestamp);
  const { evaluation } = input;
  const contentDigest = createHash('sha256')
    .update(
      JSON.stringify({
        matrix: evaluation.matrix,
        stacks: evaluation.stacks.map((s) => [s.name, s.file, s.results]),
        environmentResults: evaluation.environmentResults,
        timestamp,
        version: input.version,
        commit: input.commit ?? null,
      }),
    )
    .digest('hex');
  const documentUuid = uuid(`assessment-results/${contentDigest}`);
  const resultUuid = uuid(`result/${contentDigest}`);
  const catalogueResource = uuid('back-matter/control-catalogue');

  // Subjects: each stack is a component, each resource a check named an inventory item of it.
  const stackUuid = (name: string) => uuid(`component/stack/${name}`);
  const itemUuid = (stack: string, resource: string) => uuid(`inventory-item/${stack}/${resource}`);
  const items = new Map<string, { stack: string; resource: string; cloud: Cloud; file?: string }>();
  const fileOf = new Map(evaluation.stacks.map((s) => [s.name, s.file]));
  const addItem = (stack: string, resource: string, cloud: Cloud) => {
    const key = `${stack}\u0000${resource}`;
    if (!items.has(key)) items.set(key, { stack, resource, cloud, file: fileOf.get(stack) });
    return itemUuid(stack, resource);
  };

  const observed: Observed[] = [];
  const observe = (
    control: ControlId,
    environment: string,
    cloud: Cloud,
    subjectStacks: readonly string[],
    label: string,
    result: CheckResult,
    stackOf: (resource: string) => string,
  ) => {
    const id = uuid(`${resultUuid}/observation/${label}/${control}`);
    const files = subjectStacks.map((s) => fileOf.get(s)).filter((f): f is string => f !== undefined);
    const evidence = [
      ...result.findings.map((f) => {
        const stack = stackOf(f.resource);
        const file = fileOf.get(stack);
        return {
          href: file ? `${hrefOf(file)}${resourcePointer(cloud, f.resource)}` : undefined,
          description: `${stack}/${f.resource}: ${f.message}`,
          props: [prop('result', 'fail')],
        };
      }),
      ...result.evidence.map((r) => {
        const stack = stackOf(r);
        const file = fileOf.get(stack);
        return {
          href: file ? `${hrefOf(file)}${resourcePointer(cloud, r)}` : undefined,
          description: `${stack}/${r}: found compliant by the ${CLOUD_LABEL[cloud]} check of ${control}`,
          props: [prop('result', 'pass')],
        };
      }),
    ].map((e) => (e.href === undefined ? { description: e.description, props: e.props } : e));
    const subjects = [
      ...subjectStacks.map((s) => ({ 'subject-uuid': stackUuid(s), type: 'component', title: s })),
      ...[...new Set([...result.findings.map((f) => f.resource), ...result.evidence])]
        .filter((r) => r !== '(template)')
        .sort(compare)
        .map((r) => ({ 'subject-uuid': addItem(stackOf(r), r, cloud), type: 'inventory-item', title: `${stackOf(r)}/${r}` })),
    ];
    const what =
      result.status === 'fail'
        ? `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}: ` +
          `${result.findings.map((f) => `${f.resource}: ${f.message}`).join(' | ')}`
        : result.status === 'pass'
          ? `${result.evidence.length} resource${result.evidence.length === 1 ? '' : 's'} found compliant`
          : 'none of the resources the control concerns';
    observed.push({
      uuid: id,
      control,
      environment,
      cloud,
      observation: {
        uuid: id,
        title: `${control} checked on ${label}`,
        description:
          `The ${CLOUD_LABEL[cloud]} check of ${control} (${CONTROLS.find((c) => c.id === control)?.claim ?? control}) read ` +
          `${files.length > 0 ? files.join(', ') : label}: ${what}.`,
        props: [prop('control', control), prop('environment', environment), prop('cloud', cloud), prop('check-status', result.status)],
        methods: ['TEST'],
        types: [result.status === 'fail' ? 'finding' : 'control-objective'],
        subjects,
        ...(evidence.length > 0 ? { 'relevant-evidence': evidence } : {}),
        collected: timestamp,
      },
    });
  };

  for (const stack of [...evaluation.stacks].sort((a, b) => compare(a.name, b.name))) {
    for (const result of stack.results)
      observe(result.control, stack.environment, stack.cloud, [stack.name], stack.name, result, () => stack.name);
  }
  for (const env of evaluation.environmentResults) {
    const stacks = evaluation.stacks
      .filter((s) => s.environment === env.environment && s.cloud === env.cloud)
      .map((s) => s.name)
      .sort(compare);
    // Environment checks name logical ids of any of the environment's stacks: the stack whose
    // results name the resource, else the primary stack.
    const stackOf = (resource: string) =>
      evaluation.stacks.find(
        (s) =>
          s.environment === env.environment &&
          s.cloud === env.cloud &&
          s.results.some((r) => r.evidence.includes(resource) || r.findings.some((f) => f.resource === resource)),
      )?.name ??
      stacks.find((s) => s.endsWith('-primary')) ??
      stacks[0] ??
      `${env.environment} (${env.cloud} stacks)`;
    for (const result of env.results)
      observe(result.control, env.environment, env.cloud, stacks, `${env.environment} (${env.cloud} stacks, together)`, result, stackOf);
  }

  const findings: object[] = [];
  const notApplicable: string[] = [];
  for (const cell of evaluation.matrix) {
    const status: string = cell.status;
    const verdict = satisfaction(status);
    const label = `${cell.control} in ${cell.environment} on ${CLOUD_LABEL[cell.cloud]}`;
    if (verdict === 'not-applicable') {
      notApplicable.push(label);
      continue;
    }
    const related = observed
      .filter((o) => o.control === cell.control && o.environment === cell.environment && o.cloud === cell.cloud)
      .map((o) => ({ 'observation-uuid': o.uuid }));
    findings.push({
      uuid: uuid(`${resultUuid}/finding/${cell.control}/${cell.environment}/${cell.cloud}`),
      title: label,
      description: findingDescription(cell),
      props: [
        prop('control', cell.control),
        prop('environment', cell.environment),
        prop('cloud', cell.cloud),
        prop('cell-status', status),
        ...frameworkProps(cell.control),
      ],
      target: {
        type: 'objective-id',
        'target-id': cell.control,
        title: CONTROLS.find((c) => c.id === cell.control)?.claim ?? cell.control,
        status: {
          state: verdict,
          reason: verdict === 'satisfied' ? 'pass' : status === 'fail' ? 'fail' : 'other',
          ...(verdict === 'not-satisfied' && status !== 'fail'
            ? {
                remarks:
                  `Not proven: the cell is "${status}" (no check of the synthesized output proved it), so it is not counted as ` +
                  `satisfied.`,
              }
            : {}),
        },
      },
      ...(related.length > 0 ? { 'related-observations': related } : {}),
    });
  }

  const reviewed = [...new Set(CONTROLS.flatMap((c) => nistControlIds(c.id)))].sort(compare);
  const components = evaluation.stacks
    .map((s) => ({
      uuid: stackUuid(s.name),
      type: 'software',
      title: s.name,
      description:
        `The synthesized ${s.cloud === 'aws' ? 'CloudFormation template' : 'Terraform JSON'} of stack ${s.name} (${s.file}), as ` +
        `the control checks read it.`,
      props: [prop('cloud', s.cloud), prop('environment', s.environment), prop('role', s.role), prop('synthesized-file', s.file)],
      status: { state: 'other', remarks: 'Synthesized output: what would be deployed, not a deployed system.' },
    }))
    .sort((a, b) => compare(a.title, b.title));
  const inventory = [...items.values()]
    .sort((a, b) => compare(`${a.stack}\u0000${a.resource}`, `${b.stack}\u0000${b.resource}`))
    .map((i) => ({
      uuid: itemUuid(i.stack, i.resource),
      description: `${i.stack}/${i.resource}${i.file ? ` in ${i.file}` : ''}`,
      props: [prop('resource', i.resource), prop('stack', i.stack)],
      ...(evaluation.stacks.some((s) => s.name === i.stack)
        ? { 'implemented-components': [{ 'component-uuid': stackUuid(i.stack) }] }
        : {}),
    }));

  const inputs = Object.entries(input.inputs ?? {}).sort(([a], [b]) => compare(a, b));
  return {
    'assessment-results': {
      uuid: documentUuid,
      metadata: {
        title: 'Security baseline: control assessment results',
        'last-modified': timestamp,
        version: input.version,
        'oscal-version': OSCAL_VERSION,
        props: [
          ...(input.commit ? [prop('commit', input.commit)] : []),
          ...inputs.map(([k, v]) => prop('input', v, { class: k.replace(/[^A-Za-z0-9_.-]+/g, '-') })),
        ],
        remarks:
          "Written by the security baseline's evidence tools (npm run report -- --format oscal) from synthesized " +
          'CloudFormation and Terraform JSON; no cloud API was called. The timestamps are the time of the evaluated commit, ' +
          'not of the run, so the same commit always gives the same document.',
      },
      'import-ap': {
        href: `#${catalogueResource}`,
        remarks: 'No OSCAL assessment plan is published: the plan is the control catalogue and its checks (back-matter).',
      },
      results: [
        {
          uuid: resultUuid,
          title: 'Control checks over the synthesized stacks',
          description:
            `Every check of the control catalogue run on ${evaluation.stacks.length} synthesized stacks of ` +
            `${evaluation.environments.join(', ')} (${evaluation.matrix.length} cells: control x environment x cloud). A finding ` +
            `is satisfied only when a check of the synthesized output proved the control (or its enforcement was checked at ` +
            `configuration level); a failing or unproven cell is not-satisfied.`,
          start: timestamp,
          props: [
            prop('cells', String(evaluation.matrix.length)),
            prop('failed', String(evaluation.matrix.some((c) => c.status === 'fail'))),
          ],
          ...(components.length > 0
            ? { 'local-definitions': { components, ...(inventory.length > 0 ? { 'inventory-items': inventory } : {}) } }
            : {}),
          'reviewed-controls': {
            description:
              "The NIST SP 800-53 Rev. 5 controls the catalogue's controls map to (lib/controls/frameworks.ts); each finding " +
              'names the baseline control it judges and its SOC 2, ISO/IEC 27001 and NIST references.',
            'control-selections': [{ 'include-controls': reviewed.map((id) => ({ 'control-id': id })) }],
          },
          ...(observed.length > 0 ? { observations: observed.map((o) => o.observation) } : {}),
          ...(findings.length > 0 ? { findings } : {}),
          ...(notApplicable.length > 0
            ? { remarks: `Not applicable (no finding: the stacks hold nothing these controls concern): ${notApplicable.join('; ')}.` }
            : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: catalogueResource,
            title: 'The control catalogue and its checks',
            description:
              "lib/controls/catalogue.ts: each control's claim, the claims it makes true and its check per cloud over " +
              'synthesized output; lib/controls/frameworks.ts: its SOC 2, ISO/IEC 27001 and NIST SP 800-53 mapping.',
            rlinks: [{ href: 'lib/controls/catalogue.ts' }, { href: 'lib/controls/frameworks.ts' }],
          },
          {
            uuid: uuid('back-matter/nist-sp800-53r5-catalog'),
            title: `NIST SP 800-53 Rev. 5 catalogue (${FRAMEWORKS['nist-800-53'].edition})`,
            rlinks: [{ href: NIST_CATALOG_HREF }],
          },
        ],
      },
    },
  };
}

function findingDescription(cell: MatrixCell): string {
  switch (cell.status) {
    case 'pass':
      return (
        `Checked and compliant: the checks of ${cell.stacks.join(', ')} found ${cell.evidence.length} ` +
        `resource${cell.evidence.length === 1 ? '' : 's'} carrying the control and no shortfall.`
      );
    case 'fail':
      return `Not met: ${cell.findings.map((f) => `${f.stack}/${f.resource}: ${f.message}`).join(' | ')}`;
    default:
      return (cell.status as string) === 'config-enforced'
        ? 'Enforced at configuration level: the config validation that proves the control passed for this environment.'
        : `Not proven on ${CLOUD_LABEL[cell.cloud]}: no check reads this cloud's synthesized output for the control (status ` +
            `"${cell.status}"); see the control's note in the catalogue.`;
  }
}

/** What the component-definition is built from. */
export interface ComponentDefinitionInput {
  readonly timestamp: string;
  readonly version: string;
}

function componentName(file: string): string {
  const base = file.replace(/^.*\//, '').replace(/\.ts$/, '');
  return base
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The OSCAL component-definition: one component per source file that implements a control
 * (lib/controls/implementations.ts), with one control implementation against the NIST SP 800-53
 * Rev. 5 catalogue whose implemented requirements are the NIST controls its controls map to, each
 * naming the baseline controls, the clouds and the claims.
 */
export function buildComponentDefinition(input: ComponentDefinitionInput): object {
  const timestamp = checkTimestamp(input.timestamp);
  const byFile = new Map<string, { control: ControlId; cloud: Cloud }[]>();
  for (const control of CONTROLS) {
    const impl = (CONTROL_IMPLEMENTATIONS as Partial<typeof CONTROL_IMPLEMENTATIONS>)[control.id] ?? {};
    for (const cloud of ['aws', 'azure', 'cloudflare'] as const) {
      for (const file of impl[cloud] ?? []) byFile.set(file, [...(byFile.get(file) ?? []), { control: control.id, cloud }]);
    }
  }
  const components = [...byFile.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([file, uses]) => {
      const controls = [...new Set(uses.map((u) => u.control))];
      const requirements = new Map<string, ControlId[]>();
      for (const c of controls) for (const id of nistControlIds(c)) requirements.set(id, [...(requirements.get(id) ?? []), c]);
      const layer = file.startsWith('stacks/')
        ? 'reference stack'
        : file.startsWith('lib/config/')
          ? 'config validation'
          : file.startsWith('lib/controls/')
            ? 'control check'
            : `${file.split('/')[1]} construct`;
      return {
        uuid: uuid(`component/source/${file}`),
        type: 'software',
        title: `${componentName(file)} (${file})`,
        description:
          `${layer[0].toUpperCase()}${layer.slice(1)} ${file}: implements ` +
          `${controls.map((c) => `${c} (${CONTROLS.find((x) => x.id === c)?.claim})`).join('; ')}.`,
        props: [
          prop('source-file', file),
          prop('layer', layer),
          ...[...new Set(uses.map((u) => u.cloud))].map((c) => prop('cloud', c)),
          ...controls.map((c) => prop('baseline-control', c)),
        ],
        'control-implementations': [
          {
            uuid: uuid(`control-implementation/${file}`),
            source: NIST_CATALOG_HREF,
            description:
              `How ${file} supports NIST SP 800-53 Rev. 5 controls, through the baseline controls it implements (mapping: ` +
              `lib/controls/frameworks.ts).`,
            'implemented-requirements': [...requirements.entries()]
              .sort(([a], [b]) => compare(a, b))
              .map(([id, by]) => ({
                uuid: uuid(`implemented-requirement/${file}/${id}`),
                'control-id': id,
                description: by
                  .map((c) => {
                    const clouds = uses.filter((u) => u.control === c).map((u) => CLOUD_LABEL[u.cloud]);
                    const control = CONTROLS.find((x) => x.id === c)!;
                    return (
                      `${c} on ${clouds.join(', ')}: ${control.claim} (claims ${control.sources.join(', ')}). ` +
                      `${CONTROL_FRAMEWORKS[c].rationale}`
                    );
                  })
                  .join('\n\n'),
                props: by.map((c) => prop('baseline-control', c)),
              })),
          },
        ],
      };
    });
  return {
    'component-definition': {
      uuid: uuid(
        `component-definition/${createHash('sha256')
          .update(JSON.stringify({ components, version: input.version, timestamp }))
          .digest('hex')}`,
      ),
      metadata: {
        title: 'Security baseline: components and the controls they implement',
        'last-modified': timestamp,
        version: input.version,
        'oscal-version': OSCAL_VERSION,
        remarks:
          'Each component is a source file of the security baseline (construct, reference stack or config validation); its ' +
          'implemented requirements are the NIST SP 800-53 Rev. 5 controls of the baseline controls it implements. Whether a ' +
          'deployed system meets them is for the assessment results and an auditor.',
      },
      components,
      'back-matter': {
        resources: [
          {
            uuid: uuid('back-matter/nist-sp800-53r5-catalog'),
            title: `NIST SP 800-53 Rev. 5 catalogue (${FRAMEWORKS['nist-800-53'].edition})`,
            rlinks: [{ href: NIST_CATALOG_HREF }],
          },
        ],
      },
    },
  };
}
