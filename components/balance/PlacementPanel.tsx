import type { BalanceReport } from '@/lib/rebalance/rebalance-model';
import { NewTenantForm } from './NewTenantForm';
import { PlacementRule } from './PlacementRule';

/** Where new tenants go: the rule for everyone to read, the form for admins. */
export function PlacementPanel({ report, canAdminister }: { report: BalanceReport; canAdminister: boolean }) {
  return (
    <section className="card panel" data-testid="placement-panel">
      <header>
        <h2>Placement of new tenants</h2>
      </header>
      <PlacementRule rule={report.placementRule} />
      {canAdminister ? <NewTenantForm shards={report.shards} /> : null}
    </section>
  );
}
