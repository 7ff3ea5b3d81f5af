// What the e-mail channel accepts as a citizen's address, and its one stored form.

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** Lower case, trimmed: the channel identity of a citizen writing by e-mail. */
export function normaliseEmailAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function isEmailAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** The token of a reply address (reply+<token>@domain) among the recipients, for our own domain only. */
export function replyTokenOf(recipients: readonly string[], domain: string): string | null {
  for (const recipient of recipients) {
    const match = /^reply\+([^@]+)@(.+)$/i.exec(recipient.trim());
    if (match && match[2].toLowerCase() === domain.toLowerCase()) return match[1];
  }
  return null;
}
