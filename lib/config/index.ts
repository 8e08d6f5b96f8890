// The config public API: the schema of the baseline config file, its loader and validation, and
// the data the constructs' defaults come from. Re-exports only, by name: what is not listed here
// is internal (this repository's stacks and tests may still import it by its file).
export { ConfigError, type ConfigProblem, loadConfig, parseConfig } from './load';
export type { AllowlistLimits } from './cidr';
export { AWS_INTERFACE_ENDPOINTS, type AwsInterfaceEndpoint } from './least-privilege';
export {
  type AwsEnvironmentConfig,
  type AzureEnvironmentConfig,
  type BaselineConfig,
  type EnvironmentConfig,
  configSchema,
  RECOVERY_MECHANISMS,
} from './schema';
export { CONFIG_SCHEMA_ID, renderSchema } from './json-schema';
export { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES, CLOUDFLARE_RANGES_COPIED, isCloudflareRange } from './cloudflare-ranges';
export { CLOUDFLARE_CLIENT_IP_HEADER } from './origin-pull';
export { POLICY_FLOORS, type PolicyFloors, type TlsVersion, TLS_VERSIONS, meetsTlsFloor, tlsVersionsFrom } from './floors';
export { CLOUDFLARE_PLANS, type CloudflarePlan } from './cloudflare-plan-limits';
