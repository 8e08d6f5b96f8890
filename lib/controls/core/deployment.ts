// Checks over a whole deployment that read the same facts on every cloud: the residency an
// environment names, and whether environments share an account (AWS, Cloudflare) or a
// subscription (Azure).
import { AWS_JURISDICTIONS, type Jurisdiction } from '../../config/jurisdictions';
import type { CheckResult, DeployedStack, Deployment } from '../types';
import { Outcome, unchecked } from './outcome';

const JURISDICTIONS = Object.keys(AWS_JURISDICTIONS);

/** The residency of an environment, when the deployment names a known one. */
export function residencyOf(deployment: Deployment, environment: string): Jurisdiction | undefined {
  const residency = deployment.environments[environment]?.residency;
  return residency !== undefined && JURISDICTIONS.includes(residency) ? (residency as Jurisdiction) : undefined;
}

/** Why a residency check cannot judge: the environment names no (known) jurisdiction. */
export function noResidency(deployment: Deployment, environment: string): string {
  const residency = deployment.environments[environment]?.residency;
  return residency === undefined
    ? `no residency is known for environment ${environment}: pass the baseline config (--config) or mark its stacks with their ` +
        `residency (lib/controls/markers.ts)`
    : `environment ${environment} names residency ${JSON.stringify(residency)}, which is not one of ${JURISDICTIONS.join(', ')}`;
}

/** The separation check shared by the clouds: accounts (AWS, Cloudflare) or subscriptions (Azure). */
export function checkSeparation(
  deployment: Deployment,
  environment: string,
  cloud: DeployedStack['cloud'],
  control: 'ENV-SEPARATION',
  options: { sameRegionOnly?: boolean; what?: string } = {},
): CheckResult {
  const what = options.what ?? 'account';
  const own = deployment.stacks.filter((s) => s.environment === environment && s.cloud === cloud);
  if (own.length === 0) return new Outcome(control).result(false);
  const unmarked = deployment.stacks.filter((s) => s.cloud === cloud && !s.marked);
  if (unmarked.length > 0)
    return unchecked(
      control,
      `${unmarked.map((s) => s.name).join(', ')} carr${unmarked.length === 1 ? 'ies' : 'y'} no stack marker, so which ` +
        `environment ${unmarked.length === 1 ? 'it belongs' : 'they belong'} to is unknown; mark every stack ` +
        `(lib/controls/markers.ts)`,
    );
  const anonymous = own.filter((s) => s.account === undefined);
  if (anonymous.length > 0)
    return unchecked(
      control,
      `${anonymous.map((s) => s.name).join(', ')} name${anonymous.length === 1 ? 's' : ''} no ${what}, so ` +
        `${anonymous.length === 1 ? 'its' : 'their'} separation cannot be verified`,
    );
  const out = new Outcome(control);
  const production = (env: string) => deployment.environments[env]?.production !== false;
  const accountsOf = (s: DeployedStack) => s.account!.split(',');
  for (const stack of own) {
    const clashes = new Set<string>();
    for (const account of accountsOf(stack)) {
      for (const other of deployment.stacks.filter(
        (o) => o.cloud === cloud && o.environment !== environment && o.account !== undefined && accountsOf(o).includes(account),
      )) {
        const eitherProduction = production(environment) || production(other.environment);
        const sameRegion = stack.region !== undefined && stack.region === other.region;
        if (eitherProduction) {
          const prodEnv = production(environment) ? environment : other.environment;
          const guessed =
            deployment.environments[prodEnv]?.production === undefined
              ? ' (its production flag is unknown, so it is taken as production)'
              : '';
          clashes.add(
            `${what} ${account} is also used by environment ${other.environment} (${other.name}); ${prodEnv} is ` +
              `production${guessed}, and a production environment must have ${what === 'account' ? 'an' : 'a'} ${what} ` +
              `of its own`,
          );
        } else if (!options.sameRegionOnly || sameRegion) {
          clashes.add(
            `${what} ${account} is also used by environment ${other.environment} ` +
              `(${other.name}${sameRegion ? ` in ${stack.region}` : ''}); give each environment its own ${what}`,
          );
        }
      }
    }
    for (const message of [...clashes].sort()) out.fail(`${stack.name}/(stack)`, message);
    if (clashes.size === 0) out.carry(`${stack.name}/(${what} ${stack.account})`);
  }
  return out.result(true);
}
