import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { redisClient } from '../state/ioredis.js';
import type { WatchEvent } from './model.js';

/**
 * Where stored events are announced to `watchEvents` subscribers: in this process, or through
 * Redis pub/sub so that a subscriber on any replica hears a run made on any other. Announcing is
 * best-effort by design: events are stored first, and a subscriber that missed one reads it from
 * `Watch.events(after:)`.
 */
export interface WatchEventBus {
  publish(event: WatchEvent): void;
  subscribe(watchId: string): AsyncIterable<WatchEvent>;
  close(): Promise<void>;
}

export function createWatchEventBus(redis: { url: string; keyPrefix: string } | null): WatchEventBus {
  // The topic carries the key prefix: it is the Redis channel's name.
  const topic = `${redis?.keyPrefix ?? ''}watch-event`;
  const clients = redis
    ? [0, 1].map(() => {
        const client = redisClient(redis.url, { maxRetriesPerRequest: null, lazyConnect: false });
        // Reconnection is ioredis's; its errors carry the URL at times, so they are not logged raw.
        client.on('error', () => undefined);
        return client;
      })
    : [];
  const [publishClient, subscribeClient] = clients;
  const pubsub = createPubSub<Record<string, [string, WatchEvent]>>(
    publishClient && subscribeClient
      ? { eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) }
      : {},
  );
  return {
    publish: (event) => pubsub.publish(topic, event.watchId, event),
    subscribe: (watchId) => pubsub.subscribe(topic, watchId) as AsyncIterable<WatchEvent>,
    close: async () => {
      for (const client of clients) client.disconnect();
    },
  };
}
