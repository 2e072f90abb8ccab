import { Skeleton } from '@/components/ui/Skeleton';

export default function Loading() {
  return (
    <div className="grid">
      <Skeleton count={2} />
    </div>
  );
}
