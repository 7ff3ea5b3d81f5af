/** The variables a canned reply may contain; the desk fills them in before the agent edits and sends. */
export const CANNED_REPLY_VARIABLES = ['agentName', 'contactName', 'reference'] as const;
export type CannedReplyVariable = (typeof CANNED_REPLY_VARIABLES)[number];

const PLACEHOLDER = /\{([^{}\s]*)\}/g;

/** Placeholders in a text that are not known variables (e.g. a typo such as {agentname}). */
export function unknownVariables(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!(CANNED_REPLY_VARIABLES as readonly string[]).includes(match[1])) unknown.add(`{${match[1]}}`);
  }
  return [...unknown];
}

/** Fills the variables in; one without a value is left visible so that the agent notices it before sending. */
export function renderCannedReply(text: string, values: Partial<Record<CannedReplyVariable, string | null>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as CannedReplyVariable];
    return value ? value : whole;
  });
}
