import { apiRoute } from '@/lib/api/handler';
import { getWorkerStatus } from '@/lib/history/worker-status';

export const GET = apiRoute('viewer', () => getWorkerStatus());
