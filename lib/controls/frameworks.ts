// Framework mapping: which SOC 2, ISO/IEC 27001:2022 and NIST SP 800-53 Rev. 5 controls each
// control of the catalogue supports, as data, with where each mapping comes from. Auditors and
// their tools ask "which SOC 2 / ISO 27001 controls does this satisfy?"; the report, the OSCAL
// documents and the trust page answer from here. Kept beside the catalogue (keyed by control id)
// rather than inside each catalogue entry, so the claims and their mappings change independently.
//
// Every framework id used below must be in that framework's list of valid ids (FRAMEWORKS): a
// typo (SC-77, A.8.99, CC6.9) is rejected by frameworkMappingProblems(), which the evidence
// tools run before writing anything and test/controls/frameworks.test.ts runs on every commit.
import nist from '../../data/frameworks/nist-sp800-53r5.json';
import type { ControlId } from './types';

/** The frameworks controls are mapped to. */
export type FrameworkId = 'soc2' | 'iso27001' | 'nist-800-53';

/** The frameworks in display order. */
export const FRAMEWORK_IDS: readonly FrameworkId[] = ['soc2', 'iso27001', 'nist-800-53'];

/** A framework and the ids this project may cite from it. */
export interface Framework {
  readonly id: FrameworkId;
  /** Short name, e.g. `SOC 2`. */
  readonly name: string;
  /** The edition the ids come from. */
  readonly edition: string;
  /** Where the list of valid ids and their titles comes from. */
  readonly source: string;
  /** Every valid id with its title (ISO, NIST) or a short paraphrase of the criterion (SOC 2). */
  readonly controls: ReadonlyMap<string, string>;
}

// AICPA Trust Services Criteria: the criteria have no official titles and their text is the
// AICPA's; these are this project's one-line paraphrases, for a reader to recognise the criterion.
const SOC2: ReadonlyArray<readonly [string, string]> = [
  ['CC1.1', 'Commitment to integrity and ethical values'],
  ['CC1.2', 'Board independence and oversight of internal control'],
  ['CC1.3', 'Structures, reporting lines, authorities and responsibilities'],
  ['CC1.4', 'Commitment to attract, develop and retain competent individuals'],
  ['CC1.5', 'Accountability for internal control responsibilities'],
  ['CC2.1', 'Relevant, quality information to support internal control'],
  ['CC2.2', 'Internal communication of information and responsibilities'],
  ['CC2.3', 'Communication with external parties'],
  ['CC3.1', 'Objectives specified clearly enough to identify and assess risks'],
  ['CC3.2', 'Identification and analysis of risks to objectives'],
  ['CC3.3', 'Potential for fraud considered in assessing risks'],
  ['CC3.4', 'Changes that could significantly impact internal control identified and assessed'],
  ['CC4.1', 'Ongoing and separate evaluations of the components of internal control'],
  ['CC4.2', 'Deficiencies evaluated and communicated in a timely manner'],
  ['CC5.1', 'Control activities that mitigate risks to acceptable levels'],
  ['CC5.2', 'General control activities over technology'],
  ['CC5.3', 'Control activities deployed through policies and procedures'],
  ['CC6.1', 'Logical access security software, infrastructure and architectures protect information assets'],
  ['CC6.2', 'Users registered and authorized before credentials are issued'],
  ['CC6.3', 'Access authorized, modified and removed by role, least privilege and segregation of duties'],
  ['CC6.4', 'Physical access to facilities and protected information assets restricted'],
  ['CC6.5', 'Protections discontinued only after data is removed from disposed assets'],
  ['CC6.6', 'Logical access security measures against threats from outside the system boundaries'],
  ['CC6.7', 'Transmission, movement and removal of information restricted and protected in transit'],
  ['CC6.8', 'Unauthorized or malicious software prevented or detected'],
  ['CC7.1', 'Detection and monitoring of configuration changes and newly discovered vulnerabilities'],
  ['CC7.2', 'System components monitored for anomalies indicating malicious acts, disasters and errors'],
  ['CC7.3', 'Security events evaluated to determine whether they are incidents'],
  ['CC7.4', 'Security incidents responded to under a defined programme'],
  ['CC7.5', 'Recovery from identified security incidents'],
  ['CC8.1', 'Changes to infrastructure, data, software and procedures authorized, tested and approved'],
  ['CC9.1', 'Risk mitigation activities for potential business disruptions'],
  ['CC9.2', 'Risks associated with vendors and business partners assessed and managed'],
  ['A1.1', 'Processing capacity and use monitored to meet availability objectives'],
  ['A1.2', 'Environmental protections, software, data backup and recovery infrastructure'],
  ['A1.3', 'Recovery plan procedures tested'],
  ['C1.1', 'Confidential information identified and maintained to meet confidentiality objectives'],
  ['C1.2', 'Confidential information disposed of to meet confidentiality objectives'],
  ['PI1.1', 'Information about processing objectives obtained or generated and used'],
  ['PI1.2', 'Inputs to processing complete and accurate'],
  ['PI1.3', 'Processing complete, accurate and timely'],
  ['PI1.4', 'Outputs complete, accurate, distributed only to intended parties'],
  ['PI1.5', 'Stored inputs, items in processing and outputs complete, accurate and protected'],
  ['P1.1', 'Notice about privacy practices'],
  ['P2.1', 'Choice and consent'],
  ['P3.1', 'Personal information collected consistent with objectives'],
  ['P3.2', 'Explicit consent for collection where required'],
  ['P4.1', 'Personal information used consistent with objectives'],
  ['P4.2', 'Personal information retained consistent with objectives'],
  ['P4.3', 'Personal information securely disposed of'],
  ['P5.1', 'Data subjects granted access to their personal information'],
  ['P5.2', 'Personal information corrected, amended or appended on request'],
  ['P6.1', 'Personal information disclosed to third parties with consent'],
  ['P6.2', 'Record of authorized disclosures kept'],
  ['P6.3', 'Record of detected or reported unauthorized disclosures kept'],
  ['P6.4', 'Commitments obtained from vendors and third parties with access to personal information'],
  ['P6.5', 'Notification of unauthorized disclosures by vendors and third parties'],
  ['P6.6', 'Notification of breaches and incidents to affected data subjects and others'],
  ['P6.7', 'Accounting of personal information held and disclosed provided on request'],
  ['P7.1', 'Personal information accurate, complete and relevant'],
  ['P8.1', 'Privacy inquiries, complaints and disputes addressed'],
];

// ISO/IEC 27001:2022 Annex A (the 93 controls of ISO/IEC 27002:2022), by number and title.
const ISO27001: ReadonlyArray<readonly [string, string]> = [
  ['5.1', 'Policies for information security'],
  ['5.2', 'Information security roles and responsibilities'],
  ['5.3', 'Segregation of duties'],
  ['5.4', 'Management responsibilities'],
  ['5.5', 'Contact with authorities'],
  ['5.6', 'Contact with special interest groups'],
  ['5.7', 'Threat intelligence'],
  ['5.8', 'Information security in project management'],
  ['5.9', 'Inventory of information and other associated assets'],
  ['5.10', 'Acceptable use of information and other associated assets'],
  ['5.11', 'Return of assets'],
  ['5.12', 'Classification of information'],
  ['5.13', 'Labelling of information'],
  ['5.14', 'Information transfer'],
  ['5.15', 'Access control'],
  ['5.16', 'Identity management'],
  ['5.17', 'Authentication information'],
  ['5.18', 'Access rights'],
  ['5.19', 'Information security in supplier relationships'],
  ['5.20', 'Addressing information security within supplier agreements'],
  ['5.21', 'Managing information security in the ICT supply chain'],
  ['5.22', 'Monitoring, review and change management of supplier services'],
  ['5.23', 'Information security for use of cloud services'],
  ['5.24', 'Information security incident management planning and preparation'],
  ['5.25', 'Assessment and decision on information security events'],
  ['5.26', 'Response to information security incidents'],
  ['5.27', 'Learning from information security incidents'],
  ['5.28', 'Collection of evidence'],
  ['5.29', 'Information security during disruption'],
  ['5.30', 'ICT readiness for business continuity'],
  ['5.31', 'Legal, statutory, regulatory and contractual requirements'],
  ['5.32', 'Intellectual property rights'],
  ['5.33', 'Protection of records'],
  ['5.34', 'Privacy and protection of PII'],
  ['5.35', 'Independent review of information security'],
  ['5.36', 'Compliance with policies, rules and standards for information security'],
  ['5.37', 'Documented operating procedures'],
  ['6.1', 'Screening'],
  ['6.2', 'Terms and conditions of employment'],
  ['6.3', 'Information security awareness, education and training'],
  ['6.4', 'Disciplinary process'],
  ['6.5', 'Responsibilities after termination or change of employment'],
  ['6.6', 'Confidentiality or non-disclosure agreements'],
  ['6.7', 'Remote working'],
  ['6.8', 'Information security event reporting'],
  ['7.1', 'Physical security perimeters'],
  ['7.2', 'Physical entry'],
  ['7.3', 'Securing offices, rooms and facilities'],
  ['7.4', 'Physical security monitoring'],
  ['7.5', 'Protecting against physical and environmental threats'],
  ['7.6', 'Working in secure areas'],
  ['7.7', 'Clear desk and clear screen'],
  ['7.8', 'Equipment siting and protection'],
  ['7.9', 'Security of assets off-premises'],
  ['7.10', 'Storage media'],
  ['7.11', 'Supporting utilities'],
  ['7.12', 'Cabling security'],
  ['7.13', 'Equipment maintenance'],
  ['7.14', 'Secure disposal or re-use of equipment'],
  ['8.1', 'User endpoint devices'],
  ['8.2', 'Privileged access rights'],
  ['8.3', 'Information access restriction'],
  ['8.4', 'Access to source code'],
  ['8.5', 'Secure authentication'],
  ['8.6', 'Capacity management'],
  ['8.7', 'Protection against malware'],
  ['8.8', 'Management of technical vulnerabilities'],
  ['8.9', 'Configuration management'],
  ['8.10', 'Information deletion'],
  ['8.11', 'Data masking'],
  ['8.12', 'Data leakage prevention'],
  ['8.13', 'Information backup'],
  ['8.14', 'Redundancy of information processing facilities'],
  ['8.15', 'Logging'],
  ['8.16', 'Monitoring activities'],
  ['8.17', 'Clock synchronization'],
  ['8.18', 'Use of privileged utility programs'],
  ['8.19', 'Installation of software on operational systems'],
  ['8.20', 'Networks security'],
  ['8.21', 'Security of network services'],
  ['8.22', 'Segregation of networks'],
  ['8.23', 'Web filtering'],
  ['8.24', 'Use of cryptography'],
  ['8.25', 'Secure development life cycle'],
  ['8.26', 'Application security requirements'],
  ['8.27', 'Secure system architecture and engineering principles'],
  ['8.28', 'Secure coding'],
  ['8.29', 'Security testing in development and acceptance'],
  ['8.30', 'Outsourced development'],
  ['8.31', 'Separation of development, test and production environments'],
  ['8.32', 'Change management'],
  ['8.33', 'Test information'],
  ['8.34', 'Protection of information systems during audit testing'],
];

/** NIST control labels (IA-2(1)) -> OSCAL catalogue ids (ia-2.1), from data/frameworks/nist-sp800-53r5.json. */
export const NIST_OSCAL_IDS: ReadonlyMap<string, string> = new Map([...nist.controls, ...nist.supplement].map((c) => [c.label, c.id]));

/** The frameworks and their valid ids. */
export const FRAMEWORKS: Readonly<Record<FrameworkId, Framework>> = {
  soc2: {
    id: 'soc2',
    name: 'SOC 2',
    edition: 'AICPA Trust Services Criteria (2017), revised points of focus (2022)',
    source:
      'The criteria of TSP section 100 (common criteria CC1-CC9 and the availability, confidentiality, processing integrity ' +
      "and privacy criteria); the one-line summaries are this project's paraphrases, not the AICPA's text.",
    controls: new Map(SOC2),
  },
  iso27001: {
    id: 'iso27001',
    name: 'ISO/IEC 27001',
    edition: 'ISO/IEC 27001:2022 Annex A',
    source: 'The 93 controls of ISO/IEC 27001:2022 Annex A (the control set of ISO/IEC 27002:2022), by number and title.',
    controls: new Map(ISO27001),
  },
  'nist-800-53': {
    id: 'nist-800-53',
    name: 'NIST SP 800-53',
    edition: `NIST SP 800-53 Rev. 5, release ${nist.release}`,
    source:
      `NIST's OSCAL catalogues (${nist.source.repository} at ${nist.source.commit.slice(0, 7)}): every control and enhancement ` +
      `of the HIGH and PRIVACY baselines, plus ${nist.supplement.map((s) => s.label).join(', ')}; see ` +
      `data/frameworks/nist-sp800-53r5.json.`,
    controls: new Map([...nist.controls, ...nist.supplement].map((c) => [c.label, c.title])),
  },
};

/** Where a mapping comes from. */
export interface MappingSource {
  readonly title: string;
  readonly detail: string;
}

/** The sources mappings cite (by key). */
export const MAPPING_SOURCES = {
  'project-analysis': {
    title: 'Mapped by this project',
    detail:
      "The control's claim, and the attack or failure its check catches, compared with the criterion (SOC 2), the Annex A " +
      'control (ISO/IEC 27001:2022) and the control statement (NIST SP 800-53 Rev. 5). It says which framework controls the ' +
      'infrastructure control supports, not that they are met: the framework controls also ask for policies, people and ' +
      'processes no template shows, and an auditor decides.',
  },
} as const satisfies Record<string, MappingSource>;

/** A key of MAPPING_SOURCES. */
export type MappingSourceId = keyof typeof MAPPING_SOURCES;

/** One control's mapping to every framework. */
export interface ControlFrameworkMapping {
  /** Ids per framework (each must be in FRAMEWORKS[framework].controls). */
  readonly frameworks: Readonly<Record<FrameworkId, readonly string[]>>;
  /** Where the mapping comes from (a key of MAPPING_SOURCES). */
  readonly source: MappingSourceId;
  /** Why these framework controls: what of them the control carries. */
  readonly rationale: string;
}

const P = 'project-analysis' as const;

/** The mapping of every control of the catalogue, keyed by control id. */
export const CONTROL_FRAMEWORKS: Readonly<Record<ControlId, ControlFrameworkMapping>> = {
  'EDGE-TLS': {
    frameworks: { soc2: ['CC6.1', 'CC6.7'], iso27001: ['8.24', '8.20'], 'nist-800-53': ['SC-8', 'SC-8(1)', 'SC-13', 'SC-23'] },
    source: P,
    rationale:
      'TLS 1.2+ only, HTTP redirected and HSTS at every public endpoint: cryptographic protection of data in transit over ' +
      'public networks (SC-8(1), CC6.7, 8.24) and of session authenticity against downgrade and stripping (SC-23).',
  },
  'WAF-MANAGED': {
    frameworks: { soc2: ['CC6.6', 'CC6.8'], iso27001: ['8.20', '8.21'], 'nist-800-53': ['SC-7', 'SI-3', 'SI-4(4)', 'SI-10'] },
    source: P,
    rationale:
      'Managed rule sets inspect and block OWASP-class, SQL-injection and malformed requests at the boundary: boundary ' +
      'protection (SC-7, CC6.6, 8.20), screening of inbound traffic for malicious content (SI-3, SI-4(4), CC6.8) ahead of the ' +
      "application's own input validation (SI-10).",
  },
  'WAF-REPUTATION': {
    frameworks: { soc2: ['CC6.6'], iso27001: ['5.7', '8.20'], 'nist-800-53': ['SC-7', 'SI-4(4)'] },
    source: P,
    rationale:
      'Sources on threat-intelligence reputation lists and anonymizers are blocked at the boundary (5.7 threat intelligence, ' +
      'SC-7, CC6.6), inbound traffic is screened (SI-4(4)).',
  },
  'WAF-RATE-GLOBAL': {
    frameworks: { soc2: ['CC6.6', 'A1.1'], iso27001: ['8.6', '8.20'], 'nist-800-53': ['SC-5', 'SC-7'] },
    source: P,
    rationale:
      'A per-client-IP request limit at the edge and the gateways limits floods and scraping: denial-of-service protection ' +
      '(SC-5) keeping capacity for legitimate use (A1.1, 8.6).',
  },
  'WAF-RATE-CRITICAL': {
    frameworks: { soc2: ['CC6.1', 'CC6.6'], iso27001: ['8.5', '8.20'], 'nist-800-53': ['AC-7', 'SC-5'] },
    source: P,
    rationale:
      'Tighter per-IP limits on login and password-reset paths stop password guessing and form abuse: a limit on unsuccessful ' +
      'logon attempts enforced before the application (AC-7, 8.5 secure authentication).',
  },
  'ORIGIN-LOCK': {
    frameworks: { soc2: ['CC6.6'], iso27001: ['8.20', '8.22'], 'nist-800-53': ['SC-7', 'SC-7(5)', 'AC-4'] },
    source: P,
    rationale:
      'Origins admit only the edge (authenticated origin pulls, gateways allowlisting the edge ranges), so the WAF and rate ' +
      'limits cannot be bypassed by calling the origin: managed boundary with deny-by-default flows (SC-7(5), AC-4).',
  },
  'NET-TIERS': {
    frameworks: { soc2: ['CC6.1', 'CC6.6'], iso27001: ['8.20', '8.22'], 'nist-800-53': ['SC-7', 'SC-7(21)', 'AC-4'] },
    source: P,
    rationale:
      'Public, app and data subnets are separate and only gateways and the bastion are reachable from the internet: ' +
      'segregation of networks (8.22), isolation of system components (SC-7(21)) and controlled flows between them (AC-4).',
  },
  'APP-FROM-GATEWAY': {
    frameworks: { soc2: ['CC6.1', 'CC6.6'], iso27001: ['8.20', '8.22'], 'nist-800-53': ['SC-7', 'SC-7(5)', 'AC-4'] },
    source: P,
    rationale:
      'App hosts admit application traffic only from the load balancer or gateway: deny by default, allow by exception ' +
      'between tiers (SC-7(5), AC-4).',
  },
  'DB-FROM-APP': {
    frameworks: {
      soc2: ['CC6.1', 'CC6.6', 'CC6.7'],
      iso27001: ['8.3', '8.22', '8.24'],
      'nist-800-53': ['SC-7', 'AC-4', 'AC-3', 'SC-8(1)'],
    },
    source: P,
    rationale:
      'The database has no public endpoint, admits only the app tier and requires TLS: information access restriction (8.3, ' +
      'AC-3), network segregation (8.22, SC-7, AC-4) and encryption in transit (SC-8(1), CC6.7).',
  },
  'BASTION-SSH': {
    frameworks: {
      soc2: ['CC6.1', 'CC6.2', 'CC6.6'],
      iso27001: ['5.17', '8.2', '8.5'],
      'nist-800-53': ['AC-17', 'AC-17(3)', 'IA-2', 'IA-5(2)'],
    },
    source: P,
    rationale:
      'Administrative SSH only through the bastion (a managed access control point, AC-17(3)), from allowlisted addresses, ' +
      'with a key per person and no passwords: identified users (IA-2) with public-key authentication (IA-5(2), 5.17, 8.5).',
  },
  'ADMIN-MFA': {
    frameworks: {
      soc2: ['CC6.1', 'CC6.2', 'CC6.3'],
      iso27001: ['5.15', '5.18', '8.2', '8.5'],
      'nist-800-53': ['IA-2(1)', 'AC-6', 'AC-6(9)', 'AC-2'],
    },
    source: P,
    rationale:
      'Privileged cloud roles can be assumed only with MFA and are least-privilege; their use is logged: MFA for privileged ' +
      'accounts (IA-2(1)), least privilege (AC-6, 8.2) and logging of privileged functions (AC-6(9)).',
  },
  'ENC-REST': {
    frameworks: { soc2: ['CC6.1', 'C1.1'], iso27001: ['8.24'], 'nist-800-53': ['SC-28', 'SC-28(1)', 'SC-12'] },
    source: P,
    rationale:
      'Stored data is AES-256 encrypted under customer-managed keys that rotate: cryptographic protection at rest (SC-28(1), ' +
      '8.24) with managed keys (SC-12).',
  },
  'ENC-TRANSIT': {
    frameworks: { soc2: ['CC6.7'], iso27001: ['8.24', '5.14'], 'nist-800-53': ['SC-8', 'SC-8(1)', 'SC-13'] },
    source: P,
    rationale:
      'Every connection, internal ones included, requires TLS 1.2+: confidentiality and integrity of transmitted information ' +
      '(SC-8(1), CC6.7, 5.14 information transfer).',
  },
  'STORAGE-PRIVATE': {
    frameworks: { soc2: ['CC6.1', 'C1.1'], iso27001: ['5.15', '8.3', '8.13'], 'nist-800-53': ['AC-3', 'AC-6', 'CP-9'] },
    source: P,
    rationale:
      'Buckets and storage accounts block public access (access enforcement, AC-3, 8.3) and keep versions that a deletion or ' +
      'overwrite cannot destroy (CP-9, 8.13).',
  },
  SECRETS: {
    frameworks: { soc2: ['CC6.1'], iso27001: ['5.17', '8.4'], 'nist-800-53': ['IA-5', 'IA-5(7)'] },
    source: P,
    rationale:
      'No password, key or token in source, config or synthesized output; credentials come from managed secret stores or ' +
      'identity: no embedded unencrypted static authenticators (IA-5(7), 5.17).',
  },
  'LOG-CENTRAL': {
    frameworks: { soc2: ['CC7.2', 'CC7.3'], iso27001: ['8.15', '8.16'], 'nist-800-53': ['AU-2', 'AU-3', 'AU-12', 'AU-6(3)', 'SI-4'] },
    source: P,
    rationale:
      'Audit, flow, gateway and WAF logs are generated and collected in one place per environment: event logging (AU-2, ' +
      'AU-12, 8.15) that monitoring and correlation can read (AU-6(3), SI-4, CC7.2).',
  },
  'LOG-RETENTION': {
    frameworks: { soc2: ['CC7.2'], iso27001: ['8.15', '5.33'], 'nist-800-53': ['AU-9', 'AU-9(2)', 'AU-11'] },
    source: P,
    rationale:
      'Logs are kept for the configured 30-180 days in stores that deny deletion and change: audit record retention (AU-11) ' +
      'and protection of audit information (AU-9, AU-9(2), 5.33).',
  },
  'DETECT-THREATS': {
    frameworks: { soc2: ['CC7.1', 'CC7.2', 'CC7.3'], iso27001: ['8.8', '8.16', '5.25'], 'nist-800-53': ['SI-4', 'SI-4(5)', 'RA-5'] },
    source: P,
    rationale:
      'Threat detection and vulnerability scanning run continuously and high-severity findings alert on-call: system ' +
      'monitoring with generated alerts (SI-4, SI-4(5), CC7.2) and vulnerability scanning (RA-5, 8.8, CC7.1).',
  },
  'HA-MULTIZONE': {
    frameworks: { soc2: ['A1.1', 'A1.2'], iso27001: ['8.14'], 'nist-800-53': ['SC-36', 'CP-10'] },
    source: P,
    rationale:
      'Every tier spans at least two zones and unhealthy instances are replaced: redundancy of processing facilities (8.14, ' +
      'SC-36 distributed processing and storage) and automatic recovery (CP-10).',
  },
  BACKUP: {
    frameworks: { soc2: ['A1.2', 'CC9.1'], iso27001: ['8.13'], 'nist-800-53': ['CP-9', 'CP-9(8)', 'CP-10'] },
    source: P,
    rationale:
      'Daily backups and point-in-time recovery with 30-day database and 90-day file retention, encrypted: system backup ' +
      '(CP-9, CP-9(8), 8.13, A1.2) from which to recover (CP-10).',
  },
  'DR-REGION': {
    frameworks: { soc2: ['A1.2', 'CC9.1'], iso27001: ['5.29', '5.30', '8.14'], 'nist-800-53': ['CP-2', 'CP-6', 'CP-7', 'CP-10'] },
    source: P,
    rationale:
      'Data replicated to a second region with a warm standby and a documented failover within RPO 1 h / RTO 4 h: alternate ' +
      'storage and processing sites (CP-6, CP-7), contingency planning (CP-2) and ICT readiness for continuity (5.30).',
  },
  'DATA-RESIDENCY': {
    frameworks: { soc2: ['C1.1'], iso27001: ['5.31', '5.34'], 'nist-800-53': ['SA-9(5)'] },
    source: P,
    rationale:
      "Each environment's regions, DR included, stay in its declared jurisdiction: location of processing and storage " +
      '(SA-9(5)) to meet legal and contractual requirements (5.31, 5.34).',
  },
  'ENV-SEPARATION': {
    frameworks: { soc2: ['CC8.1', 'CC6.1'], iso27001: ['8.31'], 'nist-800-53': ['CM-4(1)'] },
    source: P,
    rationale:
      'Production and staging are separate stacks in separate accounts and subscriptions: separation of development, test and ' +
      'production environments (8.31, CM-4(1)).',
  },
  'CDN-ASSETS': {
    frameworks: { soc2: ['CC6.6', 'CC6.7'], iso27001: ['8.20', '8.24'], 'nist-800-53': ['SC-7', 'SC-8(1)'] },
    source: P,
    rationale:
      'Static assets are served only through the CDN over TLS 1.2+ from a bucket that only the CDN can read: boundary ' +
      'protection of the origin (SC-7) and encryption in transit (SC-8(1)).',
  },
};

/** Thrown when a mapping cites an unknown framework, framework id or control. */
export class FrameworkMappingError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `framework mapping (lib/controls/frameworks.ts) has ${problems.length} ` +
        `problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'FrameworkMappingError';
  }
}

/**
 * Every problem of a mapping: a control of the catalogue without a mapping, a mapping of an
 * unknown control, an unknown framework, a framework without ids, an id that is not in the
 * framework's list (FRAMEWORKS), an id listed twice, an unknown source or an empty rationale.
 */
export function frameworkMappingProblems(mappings: Readonly<Record<string, any>>, controlIds: readonly string[]): string[] {
  const problems: string[] = [];
  for (const id of controlIds) if (!Object.hasOwn(mappings, id)) problems.push(`${id}: no mapping; add one to CONTROL_FRAMEWORKS`);
  for (const [control, mapping] of Object.entries(mappings)) {
    if (!controlIds.includes(control))
      problems.push(`${control}: not a control of the catalogue; expected one of ${controlIds.join(', ')}`);
    const frameworks = mapping?.frameworks ?? {};
    for (const framework of Object.keys(frameworks)) {
      if (!(FRAMEWORK_IDS as readonly string[]).includes(framework))
        problems.push(`${control}: unknown framework ${JSON.stringify(framework)}; expected one of ${FRAMEWORK_IDS.join(', ')}`);
    }
    for (const framework of FRAMEWORK_IDS) {
      const ids: unknown = frameworks[framework];
      if (!Array.isArray(ids) || ids.length === 0) {
        problems.push(`${control}: no ${FRAMEWORKS[framework].name} ids; map it to at least one`);
        continue;
      }
      const valid = FRAMEWORKS[framework].controls;
      for (const fid of ids) {
        if (!valid.has(fid))
          problems.push(
            `${control}: ${JSON.stringify(fid)} is not a ${FRAMEWORKS[framework].name} id (${FRAMEWORKS[framework].edition}); ` +
              `expected ids such as ${[...valid.keys()].slice(0, 4).join(', ')} (the list: FRAMEWORKS['${framework}'])`,
          );
      }
      const dupes = ids.filter((x, i) => ids.indexOf(x) !== i);
      if (dupes.length > 0) problems.push(`${control}: ${FRAMEWORKS[framework].name} ids listed twice: ${[...new Set(dupes)].join(', ')}`);
    }
    if (!Object.hasOwn(MAPPING_SOURCES, mapping?.source))
      problems.push(
        `${control}: unknown mapping source ${JSON.stringify(mapping?.source)}; expected one of ${Object.keys(MAPPING_SOURCES).join(', ')}`,
      );
    if (typeof mapping?.rationale !== 'string' || mapping.rationale.trim().length < 20)
      problems.push(
        `${control}: the rationale is missing or shorter than 20 characters; say what of the framework controls the control carries`,
      );
  }
  return problems;
}

/** Throws FrameworkMappingError when the mapping has any problem (see frameworkMappingProblems). */
export function assertFrameworkMappings(mappings: Readonly<Record<string, any>>, controlIds: readonly string[]): void {
  const problems = frameworkMappingProblems(mappings, controlIds);
  if (problems.length > 0) throw new FrameworkMappingError(problems);
}

/** A control's framework ids with their titles, in framework order. */
export function frameworkReferences(mapping: ControlFrameworkMapping): { framework: Framework; ids: { id: string; title: string }[] }[] {
  return FRAMEWORK_IDS.map((f) => ({
    framework: FRAMEWORKS[f],
    ids: mapping.frameworks[f].map((id) => ({ id, title: FRAMEWORKS[f].controls.get(id) ?? '(unknown id)' })),
  }));
}
