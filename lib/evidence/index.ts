// The evidence tools' public API, over any synthesized output (cdk.out, cdktf.out): reading it,
// the control matrix and its verdict, the controls report, the baseline-check CLI, the security
// diff, OSCAL, SARIF, the trust page and the acknowledgement audit. Re-exports only, by name: what
// is not listed here is internal (this repository's scripts and tests may still import it by its
// file). No aws-cdk-lib or CDK for Terraform import: it runs on the output alone.
export { readSynthOutput, SynthOutputError, type StackRole, type SynthesizedStack } from './synth-output';
export { type CellStatus, CLOUDS, evaluate, type Evaluation, type MatrixCell, type StackEvaluation } from './evaluate';
export {
  type ExitPolicy,
  type HeadlineResult,
  parseAllowance,
  type Requirement,
  REQUIREMENTS,
  type UncheckedAllowance,
  type Verdict,
  verdictOf,
} from './verdict';
export {
  buildReport,
  type ControlsReport,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderReportFiles,
  type ReportAcknowledgements,
  type ReportCell,
  type ReportColumn,
  type ReportControl,
  type ReportFrameworkReference,
  type ReportInput,
  type ReportStack,
  type ReportSummary,
  REPORT_VERSION,
  type StackFacts,
  type StatefulComparison,
  stackTopology,
  summaryText,
  type Topology,
} from './report';
export { type CliIo, runBaselineCheck } from './cli';
export {
  type ControlChange,
  diffStacks,
  type DiffLabels,
  type DiffSide,
  renderDiffMarkdown,
  type SecurityDiff,
  securityDiff,
  type Uncompared,
} from './diff-report';
export {
  type AttributeChange,
  type Category,
  type Replacement,
  type ResourceAction,
  type ResourceDiff,
  type SecurityNote,
  type StackDiff,
  type Weakening,
  WEAKENING_RULES,
  type WeakeningRule,
} from './diff-model';
export {
  type Acceptance,
  acceptedStatefulChangesSchema,
  applyAcceptances,
  parseAcceptances,
  type StatefulAction,
  type StatefulChange,
  statefulChanges,
} from './stateful-changes';
export { buildSarif, type SarifInput } from './sarif';
export {
  type AssessmentResultsInput,
  buildAssessmentResults,
  buildComponentDefinition,
  type ComponentDefinitionInput,
  OscalInputError,
} from './oscal';
export {
  type Claim,
  type ClaimVerdict,
  type ControlVerdict,
  judgeClaims,
  parseClaims,
  renderTrustPage,
  type TrustPageOptions,
  TrustPageInputError,
  type TrustReport,
} from './trust-page';
export {
  type AckPlacement,
  type AckProblem,
  type AcknowledgementAudit,
  type AssemblyAcknowledgements,
  type AssemblyResource,
  auditAcknowledgements,
  type DecisionUse,
  readAssemblyAcknowledgements,
  type SuppressedFinding,
} from './acknowledgement-audit';
export { type Acknowledgement, acknowledgements } from './acknowledgements';
