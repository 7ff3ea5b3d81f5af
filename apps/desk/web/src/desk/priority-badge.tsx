import { useT } from '../i18n';

/** A conversation's priority as a coloured badge; its own file because both the desk and its panes show it. */
export function PriorityBadge({ priority }: { priority: number }) {
  const t = useT();
  return (
    <span className={`priority p${priority}`} data-testid="priority">
      {t.priority[priority] ?? priority}
    </span>
  );
}
