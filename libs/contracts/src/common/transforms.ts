/** `@Transform(trimmed)`: surrounding blanks of a text field are typing noise, not data. */
export const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

/**
 * `@Transform(queryInteger)`: a query parameter arrives as text; only plain digits become a
 * number. `@Type(() => Number)` also turned `""` into 0 (so `?offset=` passed while `?limit=`
 * did not), and `" 5"`, `"0x10"` or `"1e2"` into numbers. Anything else stays as it came, for
 * `@IsInt()` to refuse with the field's name. Numbers (an RMQ query) pass unchanged.
 */
export const queryInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
