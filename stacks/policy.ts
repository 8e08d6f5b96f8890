import { type App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R4Checks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';

/**
 * Runs every cdk-nag 3 pack and the Control Tower Guard rules on every AWS stack of `app`; any
 * unacknowledged finding fails the synth. Acknowledgements are written into the template
 * metadata so reviewers see them in the synth diff.
 */
export function addPolicyChecks(app: App): void {
  const props = { writeSuppressionsToCloudFormation: true };
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, props),
    new HIPAASecurityChecks(app, props),
    new NIST80053R4Checks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new ServerlessChecks(app, props),
    // Every Control Tower rule runs; conflicts with a stated claim are acknowledged per resource.
    new CfnGuardValidator(),
  );
}
