// The Cloudflare public API (CDK for Terraform, @cdktf/provider-cloudflare): the constructs, their
// props and the functions a stack calls. Re-exports only, by name: what is not listed here is
// internal (this repository's stacks and tests may still import it by its file). Kept apart from
// the AWS entry point so AWS users never load CDK for Terraform.
export { AuthenticatedOriginPulls, type AuthenticatedOriginPullsProps } from './authenticated-origin-pulls';
export {
  EdgeAlerts,
  type EdgeAlertsProps,
  type EdgeAlertsWebhook,
  CLOUDFLARE_ALERT_TYPES,
  SECURITY_EVENTS_ALERT_PLANS,
} from './edge-alerts';
export { EdgeLogpush, type EdgeLogpushProps, type EdgeLogpushDataset, EDGE_LOGPUSH_FIELDS } from './edge-logpush';
export { OriginFailover, type OriginFailoverProps, type FailoverOrigin } from './origin-failover';
export { CLOUDFLARE_PLANS, type CloudflarePlan } from '../config/cloudflare-plan-limits';
export { EdgeRateLimits, type EdgeRateLimitsProps, type EdgeRateLimit, type EdgeCriticalPathLimit } from './edge-rate-limits';
export { EdgeWaf, type EdgeWafProps, type OwaspParanoiaLevel, type OwaspAnomalyThreshold } from './edge-waf';
export {
  ZoneHardening,
  type ZoneHardeningProps,
  ZONE_HARDENING_SETTINGS,
  type ZoneHardeningSettingId,
  ZONE_MIN_TLS_VERSIONS,
  type ZoneMinTlsVersion,
  ZONE_SECURITY_LEVELS,
  type ZoneSecurityLevel,
} from './zone-hardening';
export { markTerraformStack } from '../azure/stack-marker';
export type { StackMarker, MarkedStackRole } from '../controls/markers';
