// Light and dark themes with the State design system's own mechanism: `data-fr-scheme` holds the choice (system, light,
// dark), `data-fr-theme` the theme applied, which the DSFR's colour variables follow. Kept per browser.
import { useCallback, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';

const THEME_KEY = 'brigade.desk.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storedChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && window.matchMedia(DARK_QUERY).matches);
  const root = document.documentElement;
  root.setAttribute('data-fr-scheme', choice);
  root.setAttribute('data-fr-theme', dark ? 'dark' : 'light');
  root.style.colorScheme = dark ? 'dark' : 'light';
}

/** Called before the first render, so that a dark screen never flashes white. */
export function applyStoredTheme(): void {
  apply(storedChoice());
}

/** The theme choice of the header's switch; "system" follows the operating system's setting as it changes. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedChoice);
  useEffect(() => {
    apply(choice);
    if (choice !== 'system') return;
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => apply('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [choice]);
  const choose = useCallback((next: ThemeChoice) => {
    try {
      if (next === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (private mode): the choice holds until the page is reloaded.
    }
    setChoice(next);
  }, []);
  return [choice, choose];
}
