// AWS checks over synthesized CloudFormation templates, one function per control.
export * from './availability';
export * from './buckets';
export * from './cdn';
export * from './detection';
export * from './disaster-recovery';
export * from './edge-tls';
export * from './encryption';
export * from './iam';
export * from './identity';
export * from './logging';
export * from './network';
export * from './origin-lock';
export * from './service-principals';
export * from './storage';
export * from './template';
export * from './waf';
export * from './residency';
