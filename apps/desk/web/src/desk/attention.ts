// Getting a gendarme's attention when the desk's tab is hidden: a browser notification and the chime when a
// conversation is assigned or a citizen writes. Switchable per agent; the choice is kept in this browser (per agent
// id), as the permission to notify is the browser's own anyway.
import { useCallback, useEffect, useState } from 'react';

const attentionKey = (agentId: string) => `brigade.desk.attention.${agentId}`;

export function attentionEnabled(agentId: string): boolean {
  try {
    return localStorage.getItem(attentionKey(agentId)) !== 'off';
  } catch {
    return true;
  }
}

/** The switch: on by default; turning it on asks the browser's permission to notify (a user gesture is needed). */
export function useAttentionSwitch(agentId: string): {
  enabled: boolean;
  blocked: boolean;
  setEnabled: (enabled: boolean) => void;
} {
  const [enabled, setState] = useState(() => attentionEnabled(agentId));
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));
  useEffect(() => setState(attentionEnabled(agentId)), [agentId]);
  const setEnabled = useCallback(
    (next: boolean) => {
      try {
        localStorage.setItem(attentionKey(agentId), next ? 'on' : 'off');
      } catch {
        // Storage refused: the switch holds until the page is reloaded.
      }
      setState(next);
      if (next && typeof Notification !== 'undefined' && Notification.permission === 'default') {
        void Notification.requestPermission().then(setPermission, () => undefined);
      }
    },
    [agentId],
  );
  return { enabled, blocked: enabled && permission === 'denied', setEnabled };
}

/**
 * Shows a browser notification when the tab is hidden. The body names the contact (a pseudonym for a sensitive
 * conversation), never the citizen's words: notifications show on the screen outside the desk. Clicking it brings
 * the desk back with the conversation open.
 */
export function notifyWhileHidden(title: string, body: string, conversationId: string, onOpen: (conversationId: string) => void): void {
  if (!document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag: conversationId, lang: document.documentElement.lang });
    notification.onclick = () => {
      window.focus();
      onOpen(conversationId);
      notification.close();
    };
  } catch {
    // Some browsers only notify from a service worker: the chime and the title counter remain.
  }
}
