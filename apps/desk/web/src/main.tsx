import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyStoredTheme } from './theme';
// The State design system (@gouvfr/dsfr, pinned): only the parts the screens use. Vite copies the Marianne fonts and
// the icons these files reference into the build, so the platform serves them itself (closed networks, no CDN).
import '@gouvfr/dsfr/dist/core/core.main.min.css';
// The dark theme's palette (data-fr-theme="dark").
import '@gouvfr/dsfr/dist/scheme/scheme.min.css';
import '@gouvfr/dsfr/dist/component/link/link.main.min.css';
import '@gouvfr/dsfr/dist/component/button/button.main.min.css';
import '@gouvfr/dsfr/dist/component/form/form.main.min.css';
import '@gouvfr/dsfr/dist/component/input/input.main.min.css';
import '@gouvfr/dsfr/dist/component/select/select.main.min.css';
import '@gouvfr/dsfr/dist/component/toggle/toggle.main.min.css';
import '@gouvfr/dsfr/dist/component/badge/badge.main.min.css';
import '@gouvfr/dsfr/dist/component/logo/logo.main.min.css';
import './styles.css';

applyStoredTheme();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
