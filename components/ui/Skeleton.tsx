export function Skeleton({ count = 1 }: { count?: number }) {
  return (
    <>
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="skeleton" aria-busy="true" />
      ))}
    </>
  );
}
