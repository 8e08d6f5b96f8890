// Writes docs/failover.md from the config and the stacks' output keys (stacks/aws-runbook.ts);
// test/stacks/aws-runbook.test.ts fails when the committed file drifts.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderFailoverRunbook } from '../stacks/aws-runbook';
import { loadBaselineConfig } from '../stacks/config-file';

const target = path.join(__dirname, '..', 'docs', 'failover.md');
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderFailoverRunbook(loadBaselineConfig()).markdown);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
