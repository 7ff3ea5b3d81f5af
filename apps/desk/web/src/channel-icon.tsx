// Channel icons drawn as SVG: emoji glyphs render as empty boxes on a workstation without an emoji font.
import { channelOf } from './format';

const PATHS: Record<string, string> = {
  // A speech bubble.
  webchat: 'M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
  // Messenger's bubble with its lightning stroke.
  facebook:
    'M12 2C6.5 2 2 6.1 2 11.2c0 2.9 1.4 5.4 3.7 7.1V22l3.4-1.9c.9.3 1.9.4 2.9.4 5.5 0 10-4.1 10-9.2S17.5 2 12 2zm1 12.4-2.5-2.7-4.9 2.7 5.4-5.7 2.6 2.7 4.8-2.7-5.4 5.7z',
  // The X letter mark.
  x: 'M17.8 3h3.1l-6.8 7.7L22 21h-6.2l-4.9-6.3L5.3 21H2.2l7.3-8.3L2 3h6.4l4.4 5.8L17.8 3zm-1.1 16.2h1.7L7.4 4.7H5.6l11.1 14.5z',
  // A robot's head (Bot Framework channels: Teams and others).
  botframework:
    'M11 2h2v3h4a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3V8a3 3 0 0 1 3-3h4V2zM8.5 10a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM9 15v1.5h6V15H9z',
};

// An envelope, for any other channel.
const FALLBACK = 'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.2V17h16V7.2l-8 5.3-8-5.3zM5.6 7 12 11.2 18.4 7H5.6z';

/** The channel's icon with its name for assistive technologies (and as a tooltip). */
export function ChannelIcon({ channel, withLabel = false }: { channel: string; withLabel?: boolean }) {
  const { label } = channelOf(channel);
  return (
    <span className={`channel channel-${channel}`} title={label} aria-label={withLabel ? undefined : label} role={withLabel ? undefined : 'img'}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" data-testid="channel-svg">
        <path d={PATHS[channel] ?? FALLBACK} fill="currentColor" fillRule="evenodd" />
      </svg>
      {withLabel && <span className="channel-label"> {label}</span>}
    </span>
  );
}
