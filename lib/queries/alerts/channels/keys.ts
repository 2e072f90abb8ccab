export const channelKeys = {
  all: ['notification-channels'] as const,
  list: () => [...channelKeys.all, 'list'] as const,
  /** One channel's delivery log. */
  deliveries: (channelId: string) => [...channelKeys.all, channelId, 'deliveries'] as const,
};
