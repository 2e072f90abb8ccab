import type { DirectoryRequest } from '@/lib/tenants/directory-url-view';

export const tenantKeys = {
  all: ['tenants'] as const,
  directories: () => [...tenantKeys.all, 'directory'] as const,
  /** One directory page: every filter, the sort and the cursor are part of what the server answers. */
  directory: (request: DirectoryRequest) => [...tenantKeys.directories(), request] as const,
  detail: (tenantId: string) => [...tenantKeys.all, 'tenant', tenantId] as const,
  usage: (tenantId: string) => [...tenantKeys.detail(tenantId), 'usage'] as const,
};
