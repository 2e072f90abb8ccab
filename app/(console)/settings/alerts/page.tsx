import { AlertRulesEditor } from '@/components/alerts/rules/AlertRulesEditor';
import { requirePageSession } from '@/lib/auth/guard';
import { getFleet } from '@/lib/fleet/topology';

export default async function AlertSettingsPage() {
  await requirePageSession('admin');
  // An override may name the fleet file's shards and nodes only; the API refuses any other.
  const shards = getFleet().shards.map((shard) => ({
    id: shard.id,
    name: shard.name ?? shard.id,
    nodes: shard.nodes.map((node) => ({ id: node.id, role: node.role })),
  }));
  return (
    <>
      <h1>Alert rules</h1>
      <p className="subtle">
        Each metric has a fleet default and may have overrides for one shard or node. A rule fires once its condition has held for its <em>for</em>{' '}
        (seconds) and resolves after as long on the good side. Every save is audited with the rule before and after.
      </p>
      <AlertRulesEditor shards={shards} />
    </>
  );
}
