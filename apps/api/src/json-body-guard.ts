import { storableString } from '@brigade/intake';

/** Deeper JSON is refused: no request of the platform nests more than a few levels, and validators recurse. */
export const MAX_JSON_DEPTH = 32;

/**
 * Walks a parsed JSON value without recursion: repairs every string in place (lone surrogates become U+FFFD, NUL is
 * dropped: PostgreSQL can store neither) and answers false when the value nests deeper than MAX_JSON_DEPTH.
 */
export function repairJson(root: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof root === 'string') return { ok: true, value: storableString(root) };
  if (!root || typeof root !== 'object') return { ok: true, value: root };
  const stack: { node: Record<string, unknown> | unknown[]; depth: number }[] = [{ node: root as Record<string, unknown>, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return { ok: false };
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      if (typeof value === 'string') {
        const repaired = storableString(value);
        if (repaired !== value) (node as Record<string | number, unknown>)[key] = repaired;
      } else if (value && typeof value === 'object') {
        stack.push({ node: value as Record<string, unknown>, depth: depth + 1 });
      }
    }
    if (!Array.isArray(node)) {
      for (const key of Object.keys(node)) {
        const repaired = storableString(key);
        if (repaired !== key) {
          node[repaired] = node[key];
          delete node[key];
        }
      }
    }
  }
  return { ok: true, value: root };
}

/**
 * After the JSON parsers, before validation: a body nested too deep gets 400 (never a stack overflow and a 500), and
 * every string of a body is made storable, so that no REST call fails in PostgreSQL on a stray escape.
 */
export function jsonBodyGuard(webhookPaths: string[]) {
  return (
    request: { body?: unknown; path?: string },
    response: { status(code: number): { json(body: unknown): unknown } },
    next: () => void,
  ): void => {
    if (request.body === undefined) return next();
    // Webhook bodies are left as the provider sent them: intake repairs each message and records in its quarantine
    // what nothing is left of (a provider's body nests deeper than ours, so no depth limit there either).
    if (request.path && webhookPaths.some((path) => request.path!.startsWith(path))) return next();
    const repaired = repairJson(request.body);
    if (!repaired.ok) {
      response.status(400).json({ statusCode: 400, message: `JSON bodies may nest at most ${MAX_JSON_DEPTH} levels` });
      return;
    }
    request.body = repaired.value;
    next();
  };
}
