// Azure checks over synthesized Terraform JSON (CDK for Terraform, azurerm 4.x), one function per control.
export * from './availability';
export * from './detection';
export * from './dr';
export * from './dr-environment';
export * from './edge';
export * from './encryption';
export * from './logging';
export * from './network';
export * from './origin-lock';
export * from './secrets';
export * from './storage';
export * from './waf';
export * from './residency';
