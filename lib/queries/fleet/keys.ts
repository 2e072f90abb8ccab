export const fleetKeys = {
  all: ['fleet'] as const,
  overview: () => [...fleetKeys.all, 'overview'] as const,
};
