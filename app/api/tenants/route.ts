import { NextResponse } from 'next/server';
import { apiRoute, parseJsonBody, parseSearchParams } from '@/lib/api/handler';
import { directoryQuerySchema } from '@/lib/tenants/directory-params';
import { searchTenantDirectory } from '@/lib/tenants/directory-search';
import { createTenant, tenantCreateRequestSchema } from '@/lib/tenants/tenant-create';

/** The tenant directory: search, filters, sort, keyset pages, usage against limits. */
export const GET = apiRoute('viewer', async ({ request }) => searchTenantDirectory(parseSearchParams(request, directoryQuerySchema)));

/** A new tenant, placed by the placement rule unless a shard is named (admin, audited): 201 with where it went and why. */
export const POST = apiRoute('admin', async ({ request, session }) =>
  NextResponse.json(await createTenant(await parseJsonBody(request, tenantCreateRequestSchema), session), { status: 201 }),
);
