import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { EdgeRateLimits, EdgeWaf, ZoneHardening } from '../../lib/cloudflare/index';

const app = new App();
const stack = new TerraformStack(app, 'prod-storefront-cloudflare');
new CloudflareProvider(stack, 'cloudflare', {}); // the API token comes from CLOUDFLARE_API_TOKEN, never from code
const zoneId = '0123456789abcdef0123456789abcdef';

// SSL Full (strict), TLS 1.2+, HTTPS only, HSTS, browser integrity check (EDGE-TLS, WAF-REPUTATION).
new ZoneHardening(stack, 'Zone', { zoneId });
// Cloudflare Managed and OWASP rulesets; requests for any other hostname are blocked (WAF-MANAGED).
new EdgeWaf(stack, 'Waf', { zoneId, plan: 'pro', hostnames: ['app.example.com'] });
// Per-client limits: a tighter one on login, then one on everything (WAF-RATE-CRITICAL, WAF-RATE-GLOBAL).
new EdgeRateLimits(stack, 'RateLimits', {
  zoneId,
  plan: 'pro',
  critical: [{ name: 'login', pathPrefix: '/login', requestsPerPeriod: 10, periodSeconds: 60 }],
  global: { requestsPerPeriod: 400, periodSeconds: 60 },
});
app.synth();
