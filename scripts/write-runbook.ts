// Writes docs/failover.md from the config and the stacks' output keys (scripts/failover-runbook.ts);
// test/scripts/failover-runbook.test.ts fails when the committed file drifts.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadBaselineConfig } from '../stacks/config-file';
import { renderFailoverRunbook } from './failover-runbook';

const target = path.join(__dirname, '..', 'docs', 'failover.md');
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderFailoverRunbook(loadBaselineConfig()).markdown);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
