import { RECOVERY_MECHANISMS, type AwsEnvironmentConfig, type BaselineConfig } from '../lib/config/schema';
import { DR_DATABASE_OUTPUTS } from '../stacks/aws-dr-database-stack';
import { DR_OUTPUTS } from '../stacks/aws-dr-stack';
import { PRIMARY_OUTPUTS } from '../stacks/aws-primary-stack';

/*
 * The failover runbook (docs/failover.md, control DR-REGION) is rendered from the config and the
 * output keys the reference stacks declare, never written by hand: a renamed output or stack
 * changes the runbook in the same commit (npm run runbook, scripts/write-runbook.ts), and
 * test/scripts/failover-runbook.test.ts fails when the committed file drifts or names an output a
 * synthesized template does not have.
 */

/** A stack output the runbook reads: which stack, which key. */
export interface RunbookOutput {
  readonly stackName: string;
  readonly region: string;
  readonly key: string;
}

/** The stack names of one environment, as `addAwsStacks` names them. */
export function awsStackNames(project: string, environment: string) {
  const prefix = `${project}-${environment}`;
  return {
    edge: `${prefix}-aws-edge`,
    primary: `${prefix}-aws-primary`,
    dr: `${prefix}-aws-dr`,
    drDatabase: `${prefix}-aws-dr-database`,
  };
}

class Runbook {
  readonly outputs: RunbookOutput[] = [];
  private readonly lines: string[] = [];

  line(text = ''): void {
    this.lines.push(text);
  }

  /** Shell snippet that reads one output into a variable, and records the reference. */
  read(variable: string, stackName: string, region: string, key: string): string {
    this.outputs.push({ stackName, region, key });
    return (
      `${variable}=$(aws cloudformation describe-stacks --region ${region} --stack-name ${stackName} --query ` +
      `"Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)`
    );
  }

  text(): string {
    return `${this.lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd()}\n`;
  }
}

function environmentSection(book: Runbook, project: string, name: string, env: AwsEnvironmentConfig): void {
  const stacks = awsStackNames(project, name);
  const { region, drRegion } = env.aws;
  const { rpoMinutes, rtoMinutes } = env.recovery;
  const sh = (...commands: string[]) => {
    book.line('```sh');
    for (const c of commands) book.line(c);
    book.line('```');
  };
  const replica = env.aws.dr.databaseReplica;
  book.line(`## Environment \`${name}\`: ${region} → ${drRegion}`);
  book.line();
  book.line(
    `Objectives (config \`environments.${name}.recovery\`): **RPO ${rpoMinutes} min, RTO ${rtoMinutes} min**. Stacks: ` +
      `\`${stacks.primary}\` (${region}), \`${stacks.dr}\` and \`${stacks.drDatabase}\` (${drRegion}).`,
  );
  book.line();
  book.line('### What is lost at worst');
  book.line();
  book.line(`| Data | Mechanism | Worst-case loss on a region failure |`);
  book.line(`|---|---|---|`);
  const lagSeconds = Math.min(RECOVERY_MECHANISMS.objectReplicationMinutes * 60, (rpoMinutes * 60) / 2);
  book.line(
    `| Objects (data and assets buckets) | S3 Replication Time Control to the DR replicas | ` +
      `${RECOVERY_MECHANISMS.objectReplicationMinutes} min of writes (99.99 % of objects; the SLA); the ` +
      `\`DataReplicationLatency\` and \`AssetsReplicationLatency\` alarms fire above ${lagSeconds} s, \`…ReplicationFailures\` ` +
      `on any object that failed |`,
  );
  book.line(
    `| Static assets served | CloudFront fails over by itself to the assets replica in ${drRegion} when the primary bucket ` +
      `answers 403, 404 or 5xx | none for replicated objects; the replica admits ` +
      (env.aws.cdn.distributionId
        ? `only distribution \`${env.aws.cdn.distributionId}\``
        : '**every distribution of the account until `aws.cdn.distributionId` is set**') +
      ' |',
  );
  if (replica) {
    book.line(
      `| Database | Cross-region read replica \`${stacks.drDatabase}\` | the replica lag at the moment of failure; the ` +
        `\`ReplicaLag\` alarm fires above ${Math.round((rpoMinutes * 60) / 2)} s (half the RPO) |`,
    );
  }
  book.line(
    `| Database, point in time | Automated backups replicated to ${drRegion}, ${env.backup.databaseRetentionDays} days | ` +
      `restore to any second of the window, minus the replication delay of the newest logs |`,
  );
  book.line(
    `| Database and files, daily | AWS Backup copies in the locked DR vault | ` +
      `${RECOVERY_MECHANISMS.dailyBackupCopyMinutes / 60} h (the last daily copy) |`,
  );
  book.line();
  book.line('### Fail over (a manual decision)');
  book.line();
  book.line(
    `Fail over only when the incident lead decides that ${region} will not recover within the RTO. Record the decision and ` +
      `the time: the RTO clock (${rtoMinutes} min) starts here.`,
  );
  book.line();
  book.line('1. Read the outputs the steps use:');
  book.line();
  sh(
    ...(replica
      ? [
          book.read('REPLICA', stacks.drDatabase, drRegion, DR_DATABASE_OUTPUTS.replicaIdentifier),
          book.read('DR_DB_ENDPOINT', stacks.drDatabase, drRegion, DR_DATABASE_OUTPUTS.replicaEndpoint),
        ]
      : [book.read('PRIMARY_DB', stacks.primary, region, PRIMARY_OUTPUTS.databaseIdentifier)]),
    book.read('STANDBY_ASG', stacks.dr, drRegion, DR_OUTPUTS.standbyGroup),
    book.read('STANDBY_MAX', stacks.dr, drRegion, DR_OUTPUTS.standbyMaxCapacity),
    book.read('STANDBY_LB', stacks.dr, drRegion, DR_OUTPUTS.standbyLoadBalancer),
    book.read('DR_BASTION', stacks.dr, drRegion, DR_OUTPUTS.bastionAddress),
  );
  book.line();
  book.line(
    `   Admins reach the standby hosts through the DR bastion, from the same allowlist with their own keys: \`ssh -J ` +
      `<user>@$DR_BASTION <user>@<host>\`.`,
  );
  book.line();
  if (replica) {
    book.line(
      '2. Note how far the replica is behind (this is the database data loss), then promote it. Promotion breaks replication ' +
        'for good; the instance keeps its endpoint.',
    );
    book.line();
    sh(
      `aws cloudwatch get-metric-statistics --region ${drRegion} --namespace AWS/RDS --metric-name ReplicaLag --dimensions ` +
        `Name=DBInstanceIdentifier,Value="$REPLICA" --statistics Maximum --period 60 --start-time "$(date -u -d '-15 min' ` +
        `+%FT%TZ)" --end-time "$(date -u +%FT%TZ)"`,
      `aws rds promote-read-replica --region ${drRegion} --db-instance-identifier "$REPLICA" --backup-retention-period ` +
        `${env.backup.databaseRetentionDays}`,
      `aws rds wait db-instance-available --region ${drRegion} --db-instance-identifier "$REPLICA"`,
      `aws rds modify-db-instance --region ${drRegion} --db-instance-identifier "$REPLICA" --multi-az --apply-immediately`,
    );
    book.line();
    book.line(
      `   Console: RDS (${drRegion}) → Databases → the replica → Actions → Promote; then Modify → Multi-AZ deployment → Apply immediately.`,
    );
  } else {
    book.line(
      `2. No replica is kept (\`aws.dr.databaseReplica\` false): restore the database in ${drRegion} from the replicated ` +
        `automated backups, to their latest restorable time, into the DR data subnets.`,
    );
    book.line();
    sh(
      `BACKUP_ARN=$(aws rds describe-db-instance-automated-backups --region ${drRegion} --db-instance-identifier ` +
        `"$PRIMARY_DB" --query 'DBInstanceAutomatedBackups[0].DBInstanceAutomatedBackupsArn' --output text)`,
      `aws rds restore-db-instance-to-point-in-time --region ${drRegion} --source-db-instance-automated-backups-arn ` +
        `"$BACKUP_ARN" --use-latest-restorable-time --target-db-instance-identifier "$PRIMARY_DB-dr" --multi-az ` +
        `--no-publicly-accessible --kms-key-id alias/${project}-${name}/data --enable-iam-database-authentication ` +
        `--deletion-protection`,
      `aws rds wait db-instance-available --region ${drRegion} --db-instance-identifier "$PRIMARY_DB-dr"`,
    );
    book.line();
    book.line(
      "   Then attach the standby's database subnet group and a security group admitting 5432 from the standby app tier only " +
        '(console: RDS → the instance → Modify).',
    );
  }
  book.line();
  book.line(`3. Scale the warm standby out to the primary's size (${env.aws.app.minCapacity} instances):`);
  book.line();
  sh(
    `aws autoscaling update-auto-scaling-group --region ${drRegion} --auto-scaling-group-name "$STANDBY_ASG" --min-size ` +
      `${env.aws.app.minCapacity} --desired-capacity ${env.aws.app.minCapacity} --max-size "$STANDBY_MAX"`,
  );
  book.line();
  book.line(`   Console: EC2 (${drRegion}) → Auto Scaling groups → the standby group → Edit → Desired/Min ${env.aws.app.minCapacity}.`);
  book.line();
  const dbHost = replica ? '`$DR_DB_ENDPOINT`' : "the restored instance's endpoint";
  book.line(
    `4. Point the application at ${dbHost} (its database host setting), then move traffic to \`$STANDBY_LB\`: the Cloudflare ` +
      `load balancer does this by itself when the primary pool fails its health checks; otherwise change the DNS record of the ` +
      `service to \`$STANDBY_LB\`.`,
  );
  book.line();
  book.line(
    '5. Verify: the standby target group reports healthy hosts, the app answers through the edge, and no alarm of the DR ' +
      'alert topic is firing.',
  );
  book.line();
  sh(
    `aws elbv2 describe-target-health --region ${drRegion} --target-group-arn "$(aws elbv2 describe-target-groups --region ` +
      `${drRegion} --load-balancer-arn "$(aws elbv2 describe-load-balancers --region ${drRegion} --query ` +
      `"LoadBalancers[?DNSName=='$STANDBY_LB'].LoadBalancerArn" --output text)" --query 'TargetGroups[0].TargetGroupArn' ` +
      `--output text)"`,
  );
  book.line();
  book.line('### Fail back');
  book.line();
  book.line(`Fail back when ${region} is healthy again, in a maintenance window; the DR region keeps serving until the last step.`);
  book.line();
  book.line(
    `1. Snapshot the promoted instance, copy the snapshot to ${region} under the primary data key, and restore the primary ` +
      `database from it (the primary stack's instance identifier is fixed; rename the old instance first if it still exists):`,
  );
  book.line();
  sh(
    book.read('PRIMARY_DB', stacks.primary, region, PRIMARY_OUTPUTS.databaseIdentifier),
    `DR_DB=${replica ? '"$REPLICA"' : '"$PRIMARY_DB-dr"'}`,
    `aws rds create-db-snapshot --region ${drRegion} --db-instance-identifier "$DR_DB" --db-snapshot-identifier "$DR_DB-failback"`,
    `aws rds wait db-snapshot-available --region ${drRegion} --db-snapshot-identifier "$DR_DB-failback"`,
    `aws rds copy-db-snapshot --region ${region} --source-region ${drRegion} --source-db-snapshot-identifier ` +
      `"arn:aws:rds:${drRegion}:${env.aws.account}:snapshot:$DR_DB-failback" --target-db-snapshot-identifier ` +
      `"$PRIMARY_DB-failback" --kms-key-id alias/${project}-${name}/data`,
    `aws rds restore-db-instance-from-db-snapshot --region ${region} --db-snapshot-identifier "$PRIMARY_DB-failback" ` +
      `--db-instance-identifier "$PRIMARY_DB" --multi-az --no-publicly-accessible --enable-iam-database-authentication ` +
      `--deletion-protection`,
  );
  book.line();
  book.line('2. Scale the primary app tier back, move traffic back, and scale the standby down to its configured idle size:');
  book.line();
  sh(
    book.read('PRIMARY_ASG', stacks.primary, region, PRIMARY_OUTPUTS.appGroup),
    `aws autoscaling update-auto-scaling-group --region ${region} --auto-scaling-group-name "$PRIMARY_ASG" --min-size ` +
      `${env.aws.app.minCapacity} --desired-capacity ${env.aws.app.minCapacity}`,
    `aws autoscaling update-auto-scaling-group --region ${drRegion} --auto-scaling-group-name "$STANDBY_ASG" --min-size ` +
      `${env.aws.dr.app.minCapacity} --desired-capacity ${env.aws.dr.app.minCapacity}`,
  );
  book.line();
  if (replica) {
    book.line(
      `3. Re-create the DR replica: delete the promoted instance (deletion protection off first; keep its final snapshot), ` +
        `then \`cdk deploy ${stacks.drDatabase}\` builds a new replica of the restored primary.`,
    );
  }
  book.line();
}

/** The failover runbook of every AWS environment of `config`, as Markdown. */
export function renderFailoverRunbook(config: BaselineConfig): { markdown: string; outputs: RunbookOutput[] } {
  const book = new Runbook();
  book.line('# Failover runbook (AWS)');
  book.line();
  book.line(
    "<!-- Generated by `npm run runbook` from config/baseline.json and the stacks' output keys (scripts/failover-runbook.ts). " +
      'Do not edit: test/scripts/failover-runbook.test.ts fails when this file drifts. -->',
  );
  book.line();
  book.line(
    'Control DR-REGION: data is replicated to a second region of the same jurisdiction, and failing over to it is a ' +
      'documented, manual decision. Every command reads its inputs from stack outputs, so it names no hand-copied ARN. Run the ' +
      "commands with credentials of the environment's account; `aws` CLI v2.",
  );
  book.line();
  for (const [name, env] of Object.entries(config.environments)) {
    if (env.aws) environmentSection(book, config.project, name, env as AwsEnvironmentConfig);
  }
  return { markdown: book.text(), outputs: book.outputs };
}
