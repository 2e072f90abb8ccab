import { apiRoute } from '@/lib/api/handler';
import { acknowledgeAlertEvent } from '@/lib/alerts/events-store';

/** Acknowledge an alert event (operator, audited; notifies channels that ask for acknowledgements). */
export const POST = apiRoute<{ eventId: string }>('operator', ({ session, params }) => acknowledgeAlertEvent(params.eventId, session));
