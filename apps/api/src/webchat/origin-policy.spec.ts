import { isOriginAllowed } from './origin-policy';

describe('isOriginAllowed', () => {
  const allowed = ['https://www.example.gouv.fr', 'https://aide.example.fr/'];

  it('accepts any page when the allow-list is "*"', () => {
    expect(isOriginAllowed('https://evil.example', 'chat.example.fr', ['*'])).toBe(true);
  });

  it('accepts the listed websites, with or without a trailing slash in the setting', () => {
    expect(isOriginAllowed('https://www.example.gouv.fr', 'chat.example.fr', allowed)).toBe(true);
    expect(isOriginAllowed('https://aide.example.fr', 'chat.example.fr', allowed)).toBe(true);
  });

  it('accepts the platform’s own pages (full-page chat)', () => {
    expect(isOriginAllowed('https://chat.example.fr', 'chat.example.fr', allowed)).toBe(true);
  });

  it('accepts a request without Origin (same-site polling, non-browser client)', () => {
    expect(isOriginAllowed(undefined, 'chat.example.fr', allowed)).toBe(true);
  });

  it.each(['https://evil.example', 'http://www.example.gouv.fr', 'https://www.example.gouv.fr.evil.example', 'null', 'not a url'])(
    'refuses %p',
    (origin) => {
      expect(isOriginAllowed(origin, 'chat.example.fr', allowed)).toBe(false);
    },
  );
});
