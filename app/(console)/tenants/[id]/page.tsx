import Link from 'next/link';
import { TenantView } from '@/components/tenants/TenantView';
import { requirePageSession } from '@/lib/auth/guard';

export default async function TenantPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const session = await requirePageSession('viewer');
  return (
    <>
      <p className="subtle">
        <Link href="/tenants">Tenants</Link> / <span className="mono">{id}</span>
      </p>
      <TenantView tenantId={id} canAdminister={session.role === 'admin'} />
    </>
  );
}
