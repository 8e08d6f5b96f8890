import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

// Two toolchain rules (docs/development.md "Maintaining dependencies"): provider classes come from their module
// path (the package root costs ~4 s and 400 MB per process), and CDK for Terraform stays inside
// lib/azure, lib/cloudflare and the Terraform app, so a move to a fork is one small change.
const ROOT = path.join(__dirname, '..', '..');
const files = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? files(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
const sources = [...files('lib'), ...files('stacks')];
const CDKTF_HOMES = [/^lib\/azure\//, /^lib\/cloudflare\//, /^stacks\/(tf-app|azure-[a-z-]+|cloudflare-[a-z-]+)\.ts$/];

describe('imports', () => {
  it.each(sources)('%s imports providers by module path only', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/from '@cdktf\/provider-(azurerm|cloudflare)'/);
  });

  it('keeps CDK for Terraform inside lib/azure, lib/cloudflare and the Terraform app', () => {
    const outside = sources.filter(
      (file) =>
        /from '(cdktf|@cdktf\/[^']+)'/.test(readFileSync(path.join(ROOT, file), 'utf8')) &&
        !CDKTF_HOMES.some((home) => home.test(file.split(path.sep).join('/'))),
    );
    expect(outside).toEqual([]);
  });
});
