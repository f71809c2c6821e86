/**
 * Scrubs credentials out of text we did not write ourselves (undici messages, provider text)
 * before it can reach an error, a log line or a metric. A secret can appear raw or URL-encoded
 * (a request URL carries it encoded), so every form is replaced.
 */
export const REDACTED = '[redacted]';

export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // An empty secret would match between every character.
    if (secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    // URLSearchParams encodes spaces as '+' and leaves a few characters alone.
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  // Longest first, so a secret containing another one is replaced whole.
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    result = result.split(form).join(REDACTED);
  }
  return result;
}
