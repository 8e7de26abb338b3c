import { useSyncExternalStore } from 'react';

/** A plain-TS store's snapshot in a component (the stores keep their data outside React). */
export function useStore<T>(store: { subscribe(listener: () => void): () => void; getSnapshot(): T }): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
