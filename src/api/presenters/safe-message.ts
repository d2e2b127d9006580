/**
 * Messages written for the CLI may name a local path; the API never shows one (9/(12)). A path
 * starts a word (`/var/lib/…`, `C:\…`); an item path such as `7/(1)/d/(a)` does not and stays.
 */
export function safeMessage(message: string): string {
  return message.replace(/(^|[\s'"(=:])(?:[A-Za-z]:)?(?:[\\/][^\s\\/'"]+){2,}[\\/]?/g, '$1…');
}
