import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { directoryQuerySchema } from '@/lib/tenants/directory-params';
import { searchTenantDirectory } from '@/lib/tenants/directory-search';

/** The tenant directory: search, filters, sort, keyset pages, usage against limits. */
export const GET = apiRoute('viewer', async ({ request }) => searchTenantDirectory(parseSearchParams(request, directoryQuerySchema)));
