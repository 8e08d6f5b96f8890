// The policy gates public API: every cdk-nag pack and the scoped Control Tower Guard rules in one
// call (applyBaselinePolicy), and the acknowledgement helpers and register. Re-exports only, by
// name: what is not listed here is internal (this repository's stacks and tests may still import
// it by its file).
export { applyBaselinePolicy, type BaselinePolicyOptions, CONTROL_TOWER_RULES_DIR, controlTowerRulesFor } from './baseline-policy';
export { ControlTowerGuardValidator, type ControlTowerGuardValidatorProps } from './control-tower-guard-validator';
export { acknowledge, acknowledgeDecision, type AcknowledgeDecisionOptions } from './acknowledge';
export {
  ACK_REASON_FLOOR,
  ACKNOWLEDGEMENT_REGISTER,
  type AcknowledgementEntry,
  type DecisionId,
  guardRule,
  NAG_PACKS,
  type NagPack,
  nagRule,
} from './acknowledgement-register';
export {
  acknowledgeAppObjectPrefix,
  acknowledgeGeneratedResources,
  acknowledgeLockedLogBucket,
  acknowledgeLogSink,
  acknowledgeSseS3Sink,
  acknowledgeStackFindings,
  type StackFindingsProps,
} from './stack-acknowledgements';
