/** A validation message under the input it is about; `field` lets a test (or an operator's eye) find which. */
export function FieldError({ field, message }: { field: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" role="alert" data-testid="field-error" data-field={field}>
      {message}
    </span>
  );
}
