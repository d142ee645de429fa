/**
 * The API's access token (when the server was started with ACCESS_TOKEN), kept for this tab's session:
 * sessionStorage survives a reload and ends with the tab. The token never enters the URL or history.
 * When the browser refuses storage, it is kept in memory until the page is left.
 */

const KEY = 'paper-search.access-token';

let token: string | null = readStored();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function writeStored(value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, value);
  } catch {
    // Storage is blocked: the in-memory copy still serves this page.
  }
}

export function accessToken(): string | null {
  return token;
}

export function keepAccessToken(value: string): void {
  token = value;
  writeStored(value);
}

export function forgetAccessToken(): void {
  token = null;
  writeStored(null);
}
