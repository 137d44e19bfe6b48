/**
 * The `Prefer` header (RFC 7240) as Graph honours it: `odata.maxpagesize=N` sets a list's page size and
 * `return=minimal` makes POST and PATCH answer 204 without a body. A preference the service does not know,
 * or a malformed value, is ignored (RFC 7240 §2); each one applied is named in `Preference-Applied`.
 */
import { MAX_PAGE_SIZE } from '../odata/listOptions';

export interface Preferences {
  /** `odata.maxpagesize`, when given as a whole number from 1 to 999 (larger ones are capped). */
  readonly maxPageSize: number | undefined;
  /** `return=minimal` or `return=representation`. */
  readonly return: 'minimal' | 'representation' | undefined;
}

/** What a request without a Prefer header prefers. */
const NO_PREFERENCES: Preferences = Object.freeze({ maxPageSize: undefined, return: undefined });

export function parsePrefer(headers: Headers): Preferences {
  const header = headers.get('prefer');
  if (header === null) return NO_PREFERENCES;
  let maxPageSize: number | undefined;
  let returned: Preferences['return'];
  // Several Prefer headers arrive joined by commas; a preference's own parameters follow ';'.
  for (const preference of header.split(',')) {
    const [token = '', value = ''] = (preference.split(';')[0] ?? '').split('=').map((part) => part.trim());
    const name = token.toLowerCase();
    const unquoted = value.replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize' && /^\d{1,9}$/.test(unquoted) && Number(unquoted) >= 1) {
      maxPageSize ??= Math.min(Number(unquoted), MAX_PAGE_SIZE);
    } else if (name === 'return' && (unquoted === 'minimal' || unquoted === 'representation')) {
      returned ??= unquoted;
    }
  }
  return { maxPageSize, return: returned };
}
