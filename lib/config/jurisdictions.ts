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
  europe: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
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
