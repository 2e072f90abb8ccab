import type { TenantActivity } from '@/lib/monitor/activity-types';
import { formatSeconds } from '@/lib/format';

export function TopTenants({ title, tenants }: { title: string; tenants: TenantActivity[] }) {
  return (
    <div className="count-list">
      <h4>{title}</h4>
      {tenants.length === 0 ? (
        <p className="subtle">no tenant-tagged sessions</p>
      ) : (
        <table data-testid="top-tenants">
          <thead>
            <tr>
              <th>Tenant</th>
              <th className="num">Sessions</th>
              <th className="num">Active</th>
              <th className="num">Active time</th>
            </tr>
          </thead>
          <tbody>
            {tenants.map((tenant) => (
              <tr key={tenant.tenantId}>
                <td title={tenant.tenantId}>{tenant.tenantName ?? <span className="mono">{tenant.tenantId.slice(0, 8)}</span>}</td>
                <td className="num">{tenant.sessions}</td>
                <td className="num">{tenant.activeSessions}</td>
                <td className="num">{formatSeconds(tenant.activeQuerySeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
