import { apiRoute } from '@/lib/api/handler';
import { getFiringSummary } from '@/lib/alerts/events-store';

/** The header badge: how many alerts fire now, by severity, and how many nobody acknowledged. */
export const GET = apiRoute('viewer', () => getFiringSummary());
