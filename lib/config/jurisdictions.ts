/**
 * Data residency (control DATA-RESIDENCY, claims B9 and B12): each environment names the
 * jurisdiction its data must stay in, and every region it uses, primary and DR, must be listed
 * here for that jurisdiction. An EU environment can therefore not fail over to the US by a typo.
 *
 * The lists are deliberately conservative: a region is in a jurisdiction only when it is
 * physically and legally inside it (London and Zurich are "europe", not "eu").
 */
export const AWS_JURISDICTIONS = {
  eu: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  europe: ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'],
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  ca: ['ca-central-1', 'ca-west-1'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  in: ['ap-south-1', 'ap-south-2'],
} as const satisfies Record<string, readonly string[]>;

/** A jurisdiction an environment may pin its data to. */
export type Jurisdiction = keyof typeof AWS_JURISDICTIONS;

/** The jurisdiction names, for the schema's enum. */
export const JURISDICTIONS = Object.keys(AWS_JURISDICTIONS) as [Jurisdiction, ...Jurisdiction[]];

/** Whether `region` lies inside `jurisdiction`. */
export function awsRegionInJurisdiction(region: string, jurisdiction: Jurisdiction): boolean {
  return (AWS_JURISDICTIONS[jurisdiction] as readonly string[]).includes(region);
}

/**
 * Azure locations per jurisdiction, with the same rule as {@link AWS_JURISDICTIONS}. Only
 * locations that have an Azure region pair inside the same jurisdiction are listed: the DR
 * region of an Azure environment is its pair, because geo-redundant storage (GZRS) and the
 * PostgreSQL geo-redundant backups replicate to the pair and nowhere else.
 */
export const AZURE_JURISDICTIONS = {
  eu: ['westeurope', 'northeurope', 'germanywestcentral', 'germanynorth', 'francecentral', 'francesouth', 'swedencentral', 'swedensouth'],
  europe: [
    'westeurope',
    'northeurope',
    'germanywestcentral',
    'germanynorth',
    'francecentral',
    'francesouth',
    'swedencentral',
    'swedensouth',
    'uksouth',
    'ukwest',
    'norwayeast',
    'norwaywest',
    'switzerlandnorth',
    'switzerlandwest',
  ],
  us: ['eastus', 'westus', 'eastus2', 'centralus', 'northcentralus', 'southcentralus', 'westus2', 'westcentralus', 'westus3'],
  ca: ['canadacentral', 'canadaeast'],
  au: ['australiaeast', 'australiasoutheast', 'australiacentral', 'australiacentral2'],
  jp: ['japaneast', 'japanwest'],
  in: ['centralindia', 'southindia', 'westindia'],
} as const satisfies Record<Jurisdiction, readonly string[]>;

/**
 * Azure region pairs (Microsoft's "cross-region replication" table): the location geo-redundant
 * storage and geo-backups of a region replicate to. Most pairs are mutual; West US 3 and West
 * India are one-way (their pair replicates elsewhere).
 */
export const AZURE_REGION_PAIRS: Readonly<Record<string, string>> = {
  westeurope: 'northeurope',
  northeurope: 'westeurope',
  germanywestcentral: 'germanynorth',
  germanynorth: 'germanywestcentral',
  francecentral: 'francesouth',
  francesouth: 'francecentral',
  swedencentral: 'swedensouth',
  swedensouth: 'swedencentral',
  uksouth: 'ukwest',
  ukwest: 'uksouth',
  norwayeast: 'norwaywest',
  norwaywest: 'norwayeast',
  switzerlandnorth: 'switzerlandwest',
  switzerlandwest: 'switzerlandnorth',
  eastus: 'westus',
  westus: 'eastus',
  eastus2: 'centralus',
  centralus: 'eastus2',
  northcentralus: 'southcentralus',
  southcentralus: 'northcentralus',
  westus2: 'westcentralus',
  westcentralus: 'westus2',
  westus3: 'eastus',
  canadacentral: 'canadaeast',
  canadaeast: 'canadacentral',
  australiaeast: 'australiasoutheast',
  australiasoutheast: 'australiaeast',
  australiacentral: 'australiacentral2',
  australiacentral2: 'australiacentral',
  japaneast: 'japanwest',
  japanwest: 'japaneast',
  centralindia: 'southindia',
  southindia: 'centralindia',
  westindia: 'southindia',
};

/** Whether the Azure `location` lies inside `jurisdiction`. */
export function azureLocationInJurisdiction(location: string, jurisdiction: Jurisdiction): boolean {
  return (AZURE_JURISDICTIONS[jurisdiction] as readonly string[]).includes(location);
}
