import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';

const refusal = (token: string): string => {
  try {
    loadSettings({}, { ACCESS_TOKEN: token });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the access token ${JSON.stringify(token)} was accepted`);
};

describe('ACCESS_TOKEN', () => {
  it('refuses a token a Bearer header cannot carry (not token68), in one line naming the allowed characters', () => {
    for (const token of ['sixteen chars ok!', 'sixteen-chars-ok!', 'sixteen-chars-ok\u00e9', 'sixteen=chars-ok', 'sixteen-chars-ok\n']) {
      const message = refusal(token);
      expect(message).toBe(
        'invalid setting ACCESS_TOKEN=(hidden): an access token may hold only letters, digits and - . _ ~ + / (then = padding at the end) (set it with ACCESS_TOKEN=... or --token ...)',
      );
    }
  });

  it('accepts token68 tokens, with = padding only at the end', () => {
    for (const token of ['sixteen-chars-ok', 'abcDEF0123456789._~+/', 'c2l4dGVlbi1jaGFycy1vaw=='])
      expect(loadSettings({}, { ACCESS_TOKEN: token }).accessToken).toBe(token);
  });
});
