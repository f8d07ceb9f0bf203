/**
 * `text` with the password of every URL in it replaced by `***`, fit for a log line or an error
 * message. Needs no valid URL (a list, a typo in the scheme), so nothing that reached the
 * configuration leaks through the message that refuses it.
 */
export function maskCredentials(text: string): string {
  return text.replace(/(\/\/[^\s:/@,]*:)[^\s@,/]*@/g, '$1***@');
}
