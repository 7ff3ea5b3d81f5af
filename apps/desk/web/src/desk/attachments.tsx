// Attachments of a message (Messenger keeps them as links with a type): safe links only, nothing fetched by the desk.
import type { DeskMessageView } from '../contract';
import { useT } from '../i18n';

type Attachment = DeskMessageView['attachments'][number];

/** The URL itself when it is http or https; anything else (javascript:, data:, geo:...) is never made a link. */
export function safeHttpUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** "geo:48.85,2.35" as the citizen's position, shown as text. */
function geoPosition(url: string): string | null {
  const match = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(url);
  return match ? `${match[1]}, ${match[2]}` : null;
}

/**
 * Images are not shown inline: loading a citizen-supplied address from the desk would tell its owner when and from
 * where the gendarmerie read it, and the Content-Security-Policy keeps images to the platform itself.
 */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const t = useT();
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label={t.attachments} data-testid="attachments">
      {attachments.map((attachment, index) => {
        const kind = t.attachmentKinds[attachment.type] ?? t.attachmentKinds.other;
        const href = safeHttpUrl(attachment.url);
        const label = attachment.name ? `${kind} : ${attachment.name}` : kind;
        const position = attachment.type === 'location' ? geoPosition(attachment.url) : null;
        return (
          <li key={index} className={`attachment ${attachment.type}`}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer" referrerPolicy="no-referrer">
                {label}
                <span className="sr-only"> ({t.attachmentOpens})</span>
              </a>
            ) : position ? (
              <span>
                {kind}
                {t.colon}
                {position}
              </span>
            ) : (
              <span>
                {label} ({t.attachmentUnsafe})
              </span>
            )}
            {href && <span className="attachment-host"> · {new URL(href).host}</span>}
          </li>
        );
      })}
    </ul>
  );
}
