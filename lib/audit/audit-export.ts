import { writeAudit } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import type { AuditFilter } from './audit-filter';
import { AUDIT_CSV_HEADER, auditCsvCapLine, auditCsvLine } from './audit-csv';
import { listAuditPage } from './audit-log';

/**
 * The whole filter as a CSV download, streamed in keyset batches: one short
 * query per batch (no connection or snapshot held for the download), and
 * memory bounded by a batch whatever the log's size.
 */

/** Rows per query: large enough that a 100k-row export is 100 queries, small enough to stream as it goes. */
export const AUDIT_EXPORT_BATCH_ROWS = 1000;

/** A spreadsheet's comfortable size; past it the file says where to continue (`after`). */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

/** The header a client reads to know the cap; the file's last line says when it was reached. */
export const AUDIT_EXPORT_CAP_HEADER = 'X-Shardscope-Export-Row-Cap';

function exportFileName(now: Date): string {
  return `shardscope-audit-${now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-')}.csv`;
}

function auditCsvStream(filter: AuditFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = filter.after;
  let exported = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(AUDIT_CSV_HEADER));
        }
        const batch = Math.min(AUDIT_EXPORT_BATCH_ROWS, AUDIT_EXPORT_MAX_ROWS - exported);
        const page = await listAuditPage({ ...filter, after }, batch);
        exported += page.entries.length;
        controller.enqueue(encoder.encode(page.entries.map(auditCsvLine).join('')));
        if (page.nextAfter === null) {
          controller.close();
        } else if (exported >= AUDIT_EXPORT_MAX_ROWS) {
          controller.enqueue(encoder.encode(auditCsvCapLine(AUDIT_EXPORT_MAX_ROWS, page.nextAfter)));
          controller.close();
        } else {
          after = page.nextAfter;
        }
      } catch (error) {
        // The status line is already sent: a broken stream is how the client learns the file is incomplete.
        console.error('[audit] export stopped:', (error as Error).message);
        controller.error(error);
      }
    },
  });
}

/**
 * Exporting the log is itself audited (who took a copy of what), before the
 * first row: a download the control DB refuses to record does not start.
 */
export async function exportAuditCsv(filter: AuditFilter, actor: Session, now = new Date()): Promise<Response> {
  await writeAudit({ actor: actor.user, actorRole: actor.role, action: 'audit.export', result: 'ok', detail: { filter } });
  return new Response(auditCsvStream(filter), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(now)}"`,
      'Cache-Control': 'no-store',
      [AUDIT_EXPORT_CAP_HEADER]: String(AUDIT_EXPORT_MAX_ROWS),
    },
  });
}
