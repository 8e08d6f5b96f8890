// The Cloudflare public API (CDK for Terraform): re-exports only. Kept apart from lib/index.ts so
// AWS users never load CDK for Terraform.
export * from './authenticated-origin-pulls';
export * from './edge-alerts';
export * from './edge-logpush';
export * from './ids';
export * from './origin-failover';
export * from './plan-limits';
export * from './rate-limits';
export * from './waf-rulesets';
export * from './zone-hardening';
export { markTerraformStack } from '../azure/stack-marker';
