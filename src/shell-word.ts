// Commands printed for a person to paste: each word quoted only when a POSIX shell would change it.

/** A word as a POSIX shell reads it back unchanged: quoted only when it has to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
