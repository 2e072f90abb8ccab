import { auditDetailView, auditValueText } from '@/lib/audit/audit-diff';

/** One row's detail: before and after side by side for an edit (changed keys marked), then the rest of it. */
export function AuditDetail({ detail }: { detail: Record<string, unknown> }) {
  const { fields, other } = auditDetailView(detail);
  const otherKeys = Object.keys(other);
  return (
    <div className="audit-detail" data-testid="audit-detail">
      {fields ? (
        <table className="audit-diff" data-testid="audit-diff">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <tr key={field.key} className={field.changed ? 'changed' : undefined} data-testid="audit-diff-field" data-field={field.key} data-changed={field.changed}>
                <td>{field.key}</td>
                <td data-testid="audit-diff-before">
                  <code>{auditValueText(field.before)}</code>
                </td>
                <td data-testid="audit-diff-after">
                  <code>{auditValueText(field.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {otherKeys.length > 0 ? (
        <pre className="audit-detail-json" data-testid="audit-detail-json">
          {JSON.stringify(other, null, 2)}
        </pre>
      ) : fields ? null : (
        <p className="subtle">No detail recorded.</p>
      )}
    </div>
  );
}
