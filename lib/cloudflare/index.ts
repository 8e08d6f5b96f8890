// The Cloudflare public API (CDK for Terraform): re-exports only. Kept apart from lib/index.ts so
// AWS users never load CDK for Terraform.
export * from './authenticated-origin-pulls';
export * from './ids';
export * from './origin-failover';
export * from '../config/cloudflare-plan-limits';
export * from './edge-rate-limits';
export * from './edge-waf';
export * from './zone-hardening';
export { markTerraformStack } from '../azure/stack-marker';
