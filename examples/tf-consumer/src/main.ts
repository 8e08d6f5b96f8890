// A consumer of the package: a CDK for Terraform app of its own that uses a few of the baseline's
// Azure and Cloudflare constructs. Synthesized offline from the packed tarball in CI
// (scripts/check-package.js), then checked with the package's baseline-check over cdktf.out;
// `npm run synth` here after `npm install`.
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  BaselineKeyVault,
  DiagnosticSettings,
  lockStatefulResources,
  LogWorkspace,
  markTerraformStack,
} from 'saas-security-baseline/azure';
import { EdgeRateLimits, EdgeWaf, ZoneHardening } from 'saas-security-baseline/cloudflare';

const MARKER = { environment: 'prod', production: true, residency: 'eu' } as const;

/** A Key Vault with HSM-backed keys, logging to a Log Analytics workspace, both delete-locked. */
class AzureSecurityStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, 'azurerm', {
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      // Never purge soft-deleted vaults or keys on destroy: ciphertext under a purged key is lost.
      features: [{ keyVault: [{ purgeSoftDeleteOnDestroy: false, purgeSoftDeletedKeysOnDestroy: false }] }],
    });
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const location = 'westeurope';
    const group = new ResourceGroup(this, 'Security', { name: 'rg-example-security', location });
    const logs = new LogWorkspace(this, 'Logs', { resourceGroupName: group.name, location, name: 'log-example-prod' });
    const vault = new BaselineKeyVault(this, 'KeyVault', {
      resourceGroupName: group.name,
      location,
      name: 'kv-example-prod',
      tenantId: '00000000-0000-0000-0000-000000000002',
      allowedIpRanges: ['203.0.113.0/24'],
      keyNames: ['data'],
    });
    // Every key operation into the central workspace (LOG-CENTRAL), and no delete without
    // first removing a lock, which the Activity Log records (BACKUP).
    new DiagnosticSettings(this, 'KeyVaultDiagnostics', { targetResourceId: vault.vaultId, workspaceId: logs.workspaceId });
    lockStatefulResources(this);
    markTerraformStack(this, { ...MARKER, role: 'primary' });
  }
}

/** The zone's TLS and HSTS settings, the managed and OWASP rulesets and per-client rate limits. */
class EdgeStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // No api_token argument: the provider reads CLOUDFLARE_API_TOKEN, never the code or the synth.
    new CloudflareProvider(this, 'cloudflare', {});
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const zoneId = '023e105f4ecef8ad9ca31a8372d0c353';
    new ZoneHardening(this, 'Zone', { zoneId });
    new EdgeWaf(this, 'Waf', { zoneId, plan: 'pro', hostnames: ['app.example.com'] });
    new EdgeRateLimits(this, 'RateLimits', {
      zoneId,
      plan: 'pro',
      global: { requestsPerPeriod: 600, periodSeconds: 60 },
      critical: [{ name: 'login', pathPrefix: '/login', requestsPerPeriod: 10, periodSeconds: 60 }],
    });
    markTerraformStack(this, { ...MARKER, role: 'edge' });
  }
}

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
new AzureSecurityStack(app, 'example-azure');
new EdgeStack(app, 'example-edge');
app.synth();
