// What the checks of one run (lib/controls/index.ts: every control over one template or stack)
// learn about their input, kept for the rest of the run. The checks read their input and never
// write it; outside a run nothing is kept, since a caller may edit a template between two calls.

/** Answers by input object (a template's Resources, a stack's `resource` block) and question, while a run is under way. */
let run: WeakMap<object, Map<string, unknown>> | undefined;

/** Runs `checks` with {@link remembered} answers kept until it returns (nested runs share the outer one). */
export function duringChecks<T>(checks: () => T): T {
  if (run) return checks();
  run = new WeakMap();
  try {
    return checks();
  } finally {
    run = undefined;
  }
}

/**
 * `compute()`, or during a run of checks the answer it gave for the same input and question
 * earlier in the run. The caller must not change what it gets back (copy it first).
 */
export function remembered<T>(input: object, question: string, compute: () => T): T {
  if (!run) return compute();
  let answers = run.get(input);
  if (!answers) {
    answers = new Map();
    run.set(input, answers);
  }
  if (answers.has(question)) return answers.get(question) as T;
  const answer = compute();
  answers.set(question, answer);
  return answer;
}
