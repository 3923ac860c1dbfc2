// The redaction registry: every secret the runbooks learn is registered here before it is used,
// and everything recorded (transcript, spinner text, report, evidence) passes through redact().
// A secret can also leak in encoded form: Kubernetes shows Secret data as base64 and URLs carry
// percent-encoding, so those forms are registered too.

const MASK = '••••••';
const MIN_LENGTH = 4; // shorter values would mask ordinary words; validation refuses such secrets anyway

const registered = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_LENGTH) return;
  for (const form of encodings(value)) registered.add(form);
}

function encodings(value: string): string[] {
  const forms = [value, Buffer.from(value, 'utf8').toString('base64'), encodeURIComponent(value)];
  // The password inside a postgres URL is percent-encoded on its own; register it separately.
  const password = urlPassword(value);
  if (password) forms.push(password, decodeURIComponent(password));
  return forms.filter((f) => f.length >= MIN_LENGTH);
}

function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:([^@\s]+)@/i.exec(value);
  return match?.[1];
}

export function redact(text: string): string {
  if (!text || registered.size === 0) return text;
  let out = text;
  // Longest first, so a secret that contains another one is masked whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

export function containsSecret(text: string): boolean {
  return redact(text) !== text;
}

export function redactArgv(argv: readonly string[]): string[] {
  return argv.map(redact);
}

/** For tests only. */
export function clearSecrets(): void {
  registered.clear();
}

export const REDACTION_MASK = MASK;
