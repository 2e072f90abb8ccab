/** How a new tenant's shard is chosen, in the server's own words (the same function places it). */
export function PlacementRule({ rule }: { rule: string }) {
  return (
    <p className="placement-rule" data-testid="placement-rule">
      <strong>Placement rule:</strong> {rule}
    </p>
  );
}
