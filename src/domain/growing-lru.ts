import { LRUCache } from 'lru-cache';

/**
 * An LRU of at most `max` entries whose tables grow with use. Given `max`, lru-cache allocates
 * its tables for all of them up front (1.6 MB of heap at 100,000), worth it for a cache that
 * fills, wasted on a bound against floods that most processes never come near. Counting each
 * entry as size 1 against `maxSize` keeps the same bound without the allocation.
 */
export function growingLru<K extends {}, V extends {}>(max: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: max, sizeCalculation: () => 1 });
}
