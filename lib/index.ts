// The package's main entry point: everything an aws-cdk-lib app needs (the AWS constructs, the
// config loader and the policy gates). Re-exports only. Azure and Cloudflare constructs are in
// their own entry points (`saas-security-baseline/azure`, `/cloudflare`), so AWS users never load
// CDK for Terraform; the control checks and the evidence tools are in `/controls` and `/evidence`.
export * from './aws';
export * from './config';
export * from './policy';
