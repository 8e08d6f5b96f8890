// Cloudflare checks over one synthesized Terraform JSON stack (CDK for Terraform, cloudflare
// provider 5.x), one function per control.
export * from './detection';
export * from './edge-tls';
export * from './failover';
export * from './ids';
export * from './logging';
export * from './origin-lock';
export * from './rate-limits';
export * from './secrets';
export * from './waf';
export * from './zone';
export * from './transit';
export * from './separation';
