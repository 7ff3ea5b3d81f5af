// What the server says of the deployment (GET /api/interface): brand block and the roster's time zone.
import { createContext, useContext, useEffect, useState } from 'react';
import type { InterfaceSettingsView } from '../../../../libs/realtime/src/events';

export const DEFAULT_INTERFACE: InterfaceSettingsView = { stateBrand: false, deployerName: 'Brigade', rosterTimeZone: 'Europe/Paris' };

export const InterfaceContext = createContext<InterfaceSettingsView>(DEFAULT_INTERFACE);

export function useInterface(): InterfaceSettingsView {
  return useContext(InterfaceContext);
}

/** Read once before sign-in (a public route); the defaults stand in while it loads or if it fails. */
export function useInterfaceSettings(): InterfaceSettingsView {
  const [settings, setSettings] = useState(DEFAULT_INTERFACE);
  useEffect(() => {
    fetch('/api/interface')
      .then((response) => (response.ok ? (response.json() as Promise<InterfaceSettingsView>) : DEFAULT_INTERFACE))
      .then(setSettings, () => setSettings(DEFAULT_INTERFACE));
  }, []);
  return settings;
}
