/**
 * Admins only. Disabled until online tenant moves land (the next issue):
 * then it opens a confirmation and starts a run whose moves are checkpointed.
 */
export function RunPlanButton() {
  return (
    <div className="run-plan" data-testid="run-plan">
      <button type="button" disabled aria-describedby="run-plan-note" data-testid="run-plan-button">
        Run plan
      </button>
      <span className="subtle" id="run-plan-note">
        Running plans comes with online tenant moves; until then a plan is a dry run to read.
      </span>
    </div>
  );
}
