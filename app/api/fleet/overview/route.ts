import { apiRoute } from '@/lib/api/handler';
import { getFleetOverview } from '@/lib/monitor/fleet-overview';

export const GET = apiRoute('viewer', () => getFleetOverview());
