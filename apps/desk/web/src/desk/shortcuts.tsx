// The desk's keyboard shortcuts and the "?" overlay that lists them.
import { useEffect, useRef } from 'react';
import { useT } from '../i18n';

/** An action the conversation view performs when its shortcut is pressed (sent as a window event). */
export type ConversationAction = 'reply' | 'note' | 'transfer' | 'close';
export const CONVERSATION_ACTION_EVENT = 'brigade:conversation-action';

export const SHORTCUTS: { keys: string; action: 'next' | 'previous' | ConversationAction | 'search' | 'help' }[] = [
  { keys: 'j', action: 'next' },
  { keys: 'k', action: 'previous' },
  { keys: 'r', action: 'reply' },
  { keys: 'n', action: 'note' },
  { keys: 't', action: 'transfer' },
  { keys: 'c', action: 'close' },
  { keys: '/', action: 'search' },
  { keys: '?', action: 'help' },
];

/** Typing in a field is never taken for a shortcut. */
function typingInField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

export function useDeskShortcuts(handlers: { next: () => void; previous: () => void; search: () => void; help: () => void }): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      const shortcut = SHORTCUTS.find((candidate) => candidate.keys === event.key);
      if (!shortcut) return;
      event.preventDefault();
      if (shortcut.action === 'next') ref.current.next();
      else if (shortcut.action === 'previous') ref.current.previous();
      else if (shortcut.action === 'help') ref.current.help();
      else if (shortcut.action === 'search') ref.current.search();
      else window.dispatchEvent(new CustomEvent<ConversationAction>(CONVERSATION_ACTION_EVENT, { detail: shortcut.action }));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** The list of shortcuts, as a modal dialog closed by Escape or its button. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" onClose={onClose} data-testid="shortcuts-help">
      <h2 id="shortcuts-title">{t.shortcutsTitle}</h2>
      <dl>
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{t.shortcutLabels[shortcut.action]}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        {t.closeDialog}
      </button>
    </dialog>
  );
}
