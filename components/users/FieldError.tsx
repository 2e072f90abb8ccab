/** A message under the input it is about, which that input names in aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  ) : null;
}
