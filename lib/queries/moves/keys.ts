export const moveKeys = {
  all: ['moves'] as const,
  runs: () => [...moveKeys.all, 'runs'] as const,
  run: (runId: string) => [...moveKeys.runs(), runId] as const,
  move: (moveId: string) => [...moveKeys.all, 'move', moveId] as const,
};
