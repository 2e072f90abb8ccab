import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { alertEventsQuerySchema } from '@/lib/alerts/events-query';
import { findAlertEvents } from '@/lib/alerts/events-store';

/** Firing and recent alert events with their context snapshot, filtered by state, shard and severity; or one by eventId. */
export const GET = apiRoute('viewer', async ({ request }) => ({ events: await findAlertEvents(parseSearchParams(request, alertEventsQuerySchema)) }));
