import { createContext, useContext } from 'react';
import type { AppStores } from './stores';

const StoresContext = createContext<AppStores | undefined>(undefined);

/** Gives every screen below it the app's stores; main.tsx wraps the app in one. */
export function StoresProvider({
  stores,
  children,
}: {
  stores: AppStores;
  children: React.ReactNode;
}): React.JSX.Element {
  return <StoresContext value={stores}>{children}</StoresContext>;
}

/** The app's stores, in any component under StoresProvider: the one way screens get them. */
export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores() needs a StoresProvider above it');
  return stores;
}
