import { describe, expect, it } from 'vitest';
import { takePageToken } from '../../../src/renderer/src/bridge/web-bridge';

function page(href: string) {
  const stored = new Map<string, string>();
  const location = { href };
  const history = {
    state: null,
    replaceState: (_state: unknown, _unused: string, url?: string | URL | null) => void (location.href = String(url)),
  };
  const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  return { location, history, storage };
}

describe('takePageToken (stand-ins for the page location, history and sessionStorage)', () => {
  it('takes the token from the printed URL and removes it from the address bar', () => {
    const { location, history, storage } = page('http://127.0.0.1:5183/?token=abc123#models');
    expect(takePageToken(location, history, storage)).toBe('abc123');
    expect(location.href).toBe('http://127.0.0.1:5183/#models');
  });

  it('keeps the token for a reload of the same tab', () => {
    const { location, history, storage } = page('http://127.0.0.1:5183/?token=abc123');
    takePageToken(location, history, storage);
    expect(takePageToken(location, history, storage)).toBe('abc123');
  });

  it('has no token when the page was opened without one', () => {
    const { location, history, storage } = page('http://127.0.0.1:5183/');
    expect(takePageToken(location, history, storage)).toBeUndefined();
  });
});
