// Attachments of a message: files the platform stored (thumbnails and downloads through short-lived signed links) and
// provider links (Messenger keeps some as links with a type): safe links only, nothing fetched from elsewhere.
import { useEffect, useState } from 'react';
import { post } from '../api';
import type { DeskMessageView } from '../contract';
import { useT } from '../i18n';

type Attachment = DeskMessageView['attachments'][number];

interface AttachmentLink {
  url: string;
  expiresAt: string;
  contentType: string;
  name: string;
}

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

/** Only same-origin paths of the platform's signed links are used as addresses. */
function isPlatformPath(url: string): boolean {
  return /^\/api\/attachments\/[0-9a-f-]{36}\?/.test(url);
}

/**
 * A signed link to a stored file, asked for when shown and asked again shortly before it expires (links live a few
 * minutes), so that a click opens it whenever it comes. Every request is recorded in the access audit.
 */
function useAttachmentLink(attachmentId: string): AttachmentLink | 'forbidden' | null {
  const [link, setLink] = useState<AttachmentLink | 'forbidden' | null>(null);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchLink = () => {
      post<AttachmentLink>(`/api/attachments/${attachmentId}/link`)
        .then((answer) => {
          if (cancelled || !isPlatformPath(answer.url)) return;
          setLink(answer);
          const renewIn = Math.max(10_000, new Date(answer.expiresAt).getTime() - Date.now() - 30_000);
          timer = setTimeout(fetchLink, renewIn);
        })
        .catch(() => {
          if (!cancelled) setLink('forbidden');
        });
    };
    fetchLink();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [attachmentId]);
  return link;
}

function StoredAttachmentItem({ attachment }: { attachment: Attachment & { attachmentId: string } }) {
  const t = useT();
  const link = useAttachmentLink(attachment.attachmentId);
  const kind = t.attachmentKinds[attachment.type] ?? t.attachmentKinds.other;
  const name = attachment.name ?? kind;
  if (link === null) {
    return (
      <li className={`attachment ${attachment.type}`}>
        {kind}
        {t.colon}
        {name} ({t.attachmentLoading})
      </li>
    );
  }
  if (link === 'forbidden') {
    return (
      <li className={`attachment ${attachment.type}`}>
        {kind}
        {t.colon}
        {name} ({t.attachmentForbidden})
      </li>
    );
  }
  if (attachment.type === 'image') {
    return (
      <li className="attachment image stored">
        <a href={link.url} target="_blank" rel="noopener noreferrer" data-testid="attachment-open">
          <img className="attachment-thumbnail" src={link.url} alt={name} data-testid="attachment-thumbnail" />
          <span className="sr-only">
            {t.attachmentOpenImage} ({t.attachmentOpens})
          </span>
        </a>
      </li>
    );
  }
  return (
    <li className={`attachment ${attachment.type} stored`}>
      <a href={link.url} download={name} data-testid="attachment-download">
        {t.attachmentDownload}
        {t.colon}
        {name}
      </a>
    </li>
  );
}

/**
 * Provider links are not shown inline: loading a citizen-supplied address from the desk would tell its owner when and
 * from where the gendarmerie read it, and the Content-Security-Policy keeps images to the platform itself.
 */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const t = useT();
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label={t.attachments} data-testid="attachments">
      {attachments.map((attachment, index) => {
        if (attachment.attachmentId) {
          return <StoredAttachmentItem key={attachment.attachmentId} attachment={{ ...attachment, attachmentId: attachment.attachmentId }} />;
        }
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
            {attachment.unavailable && (
              <span className="attachment-unavailable" data-testid="attachment-unavailable">
                {' '}
                · {t.attachmentNotStored}
                {t.colon}
                {attachment.unavailable}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
